"""Proof trees: what a decision rests on, rule by rule and condition by condition.

Tracing is pluggable: the evaluator calls a Tracer; the NullTracer costs nothing and the
ProofTracer keeps each rule's per-condition truth values for the renderers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class ConditionTrace(NamedTuple):
    """One condition of a rule: its source text, its truth value and the facts it read.
    A named tuple: a proof holds dozens of them, and tuples are the cheapest immutable records."""

    expr: str
    holds: bool | None
    facts: dict[str, Any]


class RuleProof(NamedTuple):
    """One rule weighed for one application (a named tuple, like ConditionTrace: a decision
    builds dozens)."""

    rule: str
    citation: str
    text: str
    status: str
    effect: str
    applies: bool | None  # the rule's own conditions and exceptions
    stands: bool | None  # after competing rules of higher priority are weighed
    conditions: tuple[ConditionTrace, ...] = ()
    exceptions: tuple[ConditionTrace, ...] = ()
    because: tuple[RuleProof, ...] = ()
    overridden_by: str = ""
    principle: str = ""
    note: str = ""
    source: str = ""
    gloss: str = ""
    role: str = ""  # grant | contrary | requirement | refusal_ground | condition
    satisfied: bool | None = None  # a requirement: whether what it demands holds
    waits_for: str = ""  # a rule that would set this one aside, whose applicability is unknown


class PathwayStep(NamedTuple):
    """Advice, never a ground: a document the applicant does not hold, and where it comes from."""

    document: str
    title_zh: str
    issued_with: str  # the permit whose grant issues it ('' when no permit of this law does)
    authority: str
    outcome: str  # that permit's outcome on this application, as advice
    rules: tuple[str, ...]  # the rules that grant that permit (citations)


@dataclass(frozen=True)
class PermitDecision:
    permit: str
    outcome: str  # eligible | ineligible | undetermined
    grounds: tuple[RuleProof, ...] = ()
    unmet: tuple[RuleProof, ...] = ()
    missing_facts: tuple[str, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)
    pathway: tuple[PathwayStep, ...] = ()


@dataclass(frozen=True)
class Decision:
    application_id: str
    as_of: str
    digest: str
    instruments: tuple[str, ...]  # in force on as_of; never an amendment
    decisions: tuple[PermitDecision, ...]
    amendments: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)
    amendment_status: dict[str, str] = field(default_factory=dict)  # amendment → proposed | adopted | in_force
    engine: dict[str, str] = field(default_factory=dict)  # version and grammar digest
    defaults: dict[str, Any] = field(default_factory=dict)  # absent facts read at their documented default
    # where the law's sources were read from, for the reader; the digest says exactly what they were,
    # so a replay (which reads the stored sources elsewhere) does not count it as a difference
    origin: str = ""


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
