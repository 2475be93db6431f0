"""Proof trees: what a decision rests on, rule by rule and condition by condition.

Tracing is pluggable: the evaluator calls a Tracer; the NullTracer costs nothing and the
ProofTracer keeps each rule's per-condition truth values for the renderers.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class PermitDecision:
    permit: str
    outcome: str  # eligible | ineligible | undetermined
    grounds: tuple[RuleProof, ...] = ()
    unmet: tuple[RuleProof, ...] = ()
    missing_facts: tuple[str, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    application_id: str
    as_of: str
    digest: str
    instruments: tuple[str, ...]
    decisions: tuple[PermitDecision, ...]
    amendments: tuple[str, ...] = ()
    parameters: dict[str, Any] = field(default_factory=dict)


class Tracer:
    """Receives each rule's evaluation; the base class records nothing."""

    enabled = False

    def record(self, values: dict[int, tuple[Any, ...]]) -> None:  # pragma: no cover - the null case
        pass


class NullTracer(Tracer):
    pass


class ProofTracer(Tracer):
    enabled = True

    def __init__(self) -> None:
        self.values: dict[int, tuple[Any, ...]] = {}

    def record(self, values: dict[int, tuple[Any, ...]]) -> None:
        """Each rule's (condition values, exception values); key -1-i: its document's availability."""
        self.values = values
