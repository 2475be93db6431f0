"""A finding's witness as a ready scenario test (the format of tests/scenarios)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..decisions import LawContext
from .findings import Finding

# ------------------------------------------------------------------------------ scenarios


def scenario(
    finding: Finding,
    context: LawContext,
    as_of: dt.date,
    amendments: list[Path],
    parameters: dict[str, str],
    out_dir: Path,
) -> dict[str, Any] | None:
    """A finding's witness as a ready scenario test (the format of tests/scenarios)."""
    if finding.witness is None:
        return None
    decision = context.decide(finding.witness, as_of)
    expect = []
    for d in decision.decisions:
        cited = {p.rule for g in (*d.grounds, *d.unmet) for p in _walk(g)}
        hit = next((r for r in finding.rules if r in cited), None)
        if hit is None and finding.kind != "gap" and len(decision.decisions) > 1:
            continue
        item: dict[str, Any] = {"permit": d.permit, "outcome": d.outcome}
        winner = (finding.resolution or {}).get("winner")
        if winner and winner in cited:
            item["cited"] = winner
        elif hit:
            item["cited"] = hit
        expect.append(item)
    data: dict[str, Any] = {
        "description": f"{finding.kind} {finding.id}: {' ⟷ '.join(finding.rules)} — "
        f"{finding.detail.get('explanation', finding.detail.get('relation', ''))}",
        "application": finding.witness,
        "expect": expect,
        "as_of": as_of.isoformat(),
    }
    if amendments:
        data["with"] = [os.path.relpath(Path(a).resolve(), out_dir.resolve()) for a in amendments]
    if parameters:
        data["set"] = dict(parameters)
    return data


def _walk(p: Any) -> Any:
    yield p
    for b in p.because:
        yield from _walk(b)
