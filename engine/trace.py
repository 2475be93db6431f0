"""Proof trees: what a decision rests on, rule by rule and condition by condition.

Tracing is pluggable: the evaluator calls a Tracer; the NullTracer costs nothing and the
ProofTracer keeps each rule's per-condition truth values for the renderers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

import msgspec


class ConditionTrace(msgspec.Struct, frozen=True, gc=False):
    """One condition of a rule: its source text, its truth value and the facts it read.
    A proof holds dozens of them: a frozen msgspec struct is built in C, a third of the cost of a
    named tuple, and (it can hold no cycle) is left out of the garbage collector's walks."""

    expr: str
    holds: bool | None
    facts: dict[str, Any]


class Cited(NamedTuple):
    """A provision by reference: the instrument's id and the article, paragraph and item in the
    numbering in force on the decision's date (`numbering`: the adopted amendments whose insertions
    that numbering follows; empty for the instrument as enacted). A rule without a citation, or a
    proposal's passage, names its `source` instead."""

    instrument: str
    article: int = 0
    paragraph: int = 0
    item: int = 0
    numbering: tuple[str, ...] = ()
    source: str = ""


class Effect(NamedTuple):
    """What a rule does in a decision, by kind; the renderers say it in words (compliance/render.py).

    grant | contrary | refusal_ground | requirement (`holds`: whether what it demands holds, `demands`
    as written) | closure (a grant whose conditions fail, so the permit is refused) | sanction (materials
    not submitted) | condition (`subject` the named condition, `holds` its value) | cancels | not_made_out
    (a ground of cancellation that fails) | stored (a decision rebuilt from its JSON: `subject` holds the
    words it was rendered with)."""

    kind: str
    subject: str  # the permit, or the named condition
    holds: bool | None = None
    demands: str = ""


class Provision(NamedTuple):
    """The law's own words for a rule's provision in the numbering in force: how it is cited and its
    verbatim text. One table per program, shared by every proof (a proof holds no words of its own)."""

    citation: str
    text: str


NO_PROVISIONS: Mapping[str, Provision] = MappingProxyType({})


class RuleProof(msgspec.Struct, frozen=True, gc=False):
    """One rule weighed for one application (a frozen msgspec struct, like ConditionTrace: a decision
    builds dozens). It carries references — the rule's id, the provision cited, the kind of its effect,
    the principle that set it aside — and reads the law's words from the shared `provisions` table."""

    rule: str
    cites: Cited | None
    status: str
    effect: Effect
    applies: bool | None  # the rule's own conditions and exceptions
    stands: bool | None  # after competing rules of higher priority are weighed
    conditions: tuple[ConditionTrace, ...] = ()
    exceptions: tuple[ConditionTrace, ...] = ()
    because: tuple[RuleProof, ...] = ()
    overridden_by: str = ""
    prevails_by: str = (
        ""  # the priority principle (override | rank | specificity | date) of overridden_by or waits_for
    )
    note: str = ""
    source: str = ""
    gloss: str = ""
    role: str = ""  # grant | contrary | requirement | refusal_ground | condition
    satisfied: bool | None = None  # a requirement: whether what it demands holds
    waits_for: str = ""  # a rule that would set this one aside, whose applicability is unknown
    provisions: Mapping[str, Provision] = NO_PROVISIONS  # the program's table: rule id → the law's words

    @property
    def citation(self) -> str:
        """How the provision is cited (中华人民共和国外国人入境出境管理条例 第六条第十二项)."""
        p = self.provisions.get(self.rule)
        return p.citation if p else ""

    @property
    def text(self) -> str:
        """The verbatim text of the provision cited."""
        p = self.provisions.get(self.rule)
        return p.text if p else ""

    @property
    def principle(self) -> str:
        """The principle that sets this rule aside, named as the law names it (rank: 上位法优于下位法)."""
        if not self.prevails_by:
            return ""
        from .graph import PRINCIPLE_ZH  # the law's names of its priority principles

        return f"{self.prevails_by}: {PRINCIPLE_ZH[self.prevails_by]}"


class PathwayStep(NamedTuple):
    """Advice, never a ground: a document the applicant does not hold, and where it comes from."""

    document: str
    title_zh: str
    issued_with: str  # the permit whose grant issues it ('' when no permit of this law does)
    authority: str
    outcome: str  # that permit's outcome on this application, as advice
    rules: tuple[str, ...]  # the ids of the rules that grant that permit (cited by the renderers)


class PermitDecision(msgspec.Struct, frozen=True, gc=False):
    """One permit's decision (a frozen msgspec struct, like `ConditionTrace`: a decision holds one per
    permit, each built in C)."""

    permit: str
    outcome: str  # eligible | ineligible | undetermined; for a cancellation cancelled | not_cancelled | undetermined
    grounds: tuple[RuleProof, ...] = ()
    unmet: tuple[RuleProof, ...] = ()
    missing_facts: tuple[str, ...] = ()
    detail: dict[str, Any] = msgspec.field(default_factory=dict)
    pathway: tuple[PathwayStep, ...] = ()
    # grant: whether the permit is granted (eligible | ineligible | undetermined); cancellation: whether a
    # status the foreigner holds is cancelled (法 第四十九条: cancelled | not_cancelled | undetermined)
    kind: str = "grant"


@dataclass(frozen=True)
class Decision:
    application_id: str
    as_of: str
    digest: str
    instruments: tuple[str, ...]  # in force on as_of; never an amendment
    decisions: tuple[PermitDecision, ...]
    amendments: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)
    amendment_status: dict[str, str] = field(
        default_factory=dict
    )  # amendment → proposed | adopted | in_force
    engine: dict[str, str] = field(default_factory=dict)  # version and grammar digest
    defaults: dict[str, Any] = field(default_factory=dict)  # absent facts read at their documented default
    # where the law's sources were read from, for the reader; the digest says exactly what they were,
    # so a replay (which reads the stored sources elsewhere) does not count it as a difference
    origin: str = ""
    # the law's words for every rule the decision may cite (one table per program; not compared)
    provisions: Mapping[str, Provision] = field(
        default_factory=lambda: NO_PROVISIONS, compare=False, repr=False
    )


class Tracer:
    """Receives each rule's evaluation; the base class records nothing."""

    enabled = False

    def record(self, values: Mapping[int, tuple[Any, ...]]) -> None:  # pragma: no cover - the null case
        pass


class NullTracer(Tracer):
    pass


class ProofTracer(Tracer):
    enabled = True

    def __init__(self) -> None:
        self.values: Mapping[int, tuple[Any, ...]] = {}

    def record(self, values: Mapping[int, tuple[Any, ...]]) -> None:
        """Each rule's (condition values, exception values); key -1-i: its document's availability."""
        self.values = values
