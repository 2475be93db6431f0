"""Findings and the report of `lexgraph analyze`: their kinds, ids, and JSON."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

KINDS = ("conflict", "redundant", "masked", "dead", "dangling", "undecidable")
# structural relations: how an enumerated law is built, not defects — listed only with `--all`
STRUCTURAL = ("alternative", "requirement", "refusal_ground", "closure")
ALL_KINDS = KINDS + STRUCTURAL
KIND_TEXT = {
    "conflict": "contrary norms that can apply to one applicant",
    "redundant": "a norm already decided the same way by a norm of another provision",
    "masked": "a norm that can never decide its permit",
    "dead": "a norm whose conditions can never all hold",
    "dangling": "a norm that needs what no norm in force provides",
    "undecidable": "an outcome resting on facts the application contract does not carry",
    "alternative": "alternative grounds (or cumulative requirements) of one conclusion that apply together",
    "requirement": "a grant and a requirement of the same outcome that apply together (cumulative)",
    "refusal_ground": "a grant and a refusal ground of the same outcome that apply together (cumulative)",
    "closure": "no ground applies: the outcome is ineligible by closure of the enumerated grounds",
}
DEFAULT_TIMEOUT_MS = 2000


@dataclass
class Finding:
    kind: str
    rules: tuple[str, ...]
    citations: tuple[str, ...]
    witness: dict[str, Any] | None
    resolution: dict[str, Any] | None = None
    permit: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    verified: bool | None = None  # the witness, decided by the evaluator, reproduces the finding
    acknowledged: str = ""  # the reason given in the acknowledged-findings file

    @property
    def id(self) -> str:
        return finding_id(self.kind, self.rules, self.permit)

    @property
    def structural(self) -> bool:
        return self.kind in STRUCTURAL

    @property
    def gating(self) -> bool:
        """Unresolved conflicts and undecidable outcomes gate the corpus until acknowledged."""
        unresolved = (
            self.kind == "conflict" and self.resolution is not None and self.resolution["by"] == "none"
        )
        return (unresolved or self.kind == "undecidable") and not self.acknowledged

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "rules": list(self.rules),
            "citations": list(self.citations),
            "witness": self.witness,
            "verified": self.verified,
        }
        if self.resolution is not None:
            out["resolution"] = self.resolution
        if self.permit:
            out["permit"] = self.permit
        if self.detail:
            out["detail"] = self.detail
        if self.acknowledged:
            out["acknowledged"] = self.acknowledged
        return out


def finding_id(kind: str, rules: Sequence[str], permit: str = "") -> str:
    """Stable: the same kind, rules (and permit) give the same id whatever the order found."""
    key = "|".join([kind, *sorted(rules), permit])
    return f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


@dataclass
class Report:
    as_of: dt.date
    digest: str
    amendments: tuple[str, ...]
    findings: list[Finding]
    undecided: list[dict[str, Any]]
    stats: dict[str, Any]
    stale_acknowledgements: list[str] = field(default_factory=list)

    @property
    def gating(self) -> list[Finding]:
        return [f for f in self.findings if f.gating]

    def by_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    @property
    def defects(self) -> list[Finding]:
        """The default report: findings a drafter acts on (structural relations excluded)."""
        return [f for f in self.findings if not f.structural]

    def to_json(self) -> dict[str, Any]:
        counts = {k: len(self.by_kind(k)) for k in KINDS}
        counts.update({k: len(self.by_kind(k)) for k in STRUCTURAL if self.by_kind(k)})
        return {
            "as_of": self.as_of.isoformat(),
            "digest": self.digest,
            "amendments": list(self.amendments),
            "counts": counts,
            "gating": [f.id for f in self.gating],
            "stats": self.stats,
            "findings": [f.to_json() for f in self.findings],
            "undecided": self.undecided,
            "stale_acknowledgements": self.stale_acknowledgements,
        }
