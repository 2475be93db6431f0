"""Static analysis of the law (`lexgraph analyze`): conflicts, overlaps, masked and dead rules, gaps and
dangling references — each with a witness application found by z3 and replayed through the evaluator.

A box index (engine.boxes.BoxIndex) proposes candidate pairs; z3 decides only those, with a timeout
per query, and an undecided query is reported as such rather than guessed.

The package, by concern: `findings` (kinds, Finding, Report), `solver` (z3), `checks` (the six checks),
`prose` (norms in words), `reviewed` (findings.json), `scenarios` (witnesses as tests), `render` (text,
HTML). `analyze` below is the one entry point.
"""

from __future__ import annotations

import datetime as dt
import time

from lexgraph.engine.errors import AcknowledgementError
from lexgraph.engine.graph import RuleGraph
from lexgraph.engine.symbolic import t_and

from ..decisions import LawContext
from .checks import _Analyser
from .findings import ALL_KINDS, DEFAULT_TIMEOUT_MS, KIND_TEXT, KINDS, STRUCTURAL, Finding, Report, finding_id
from .render import render_html, render_text, resolution_words
from .reviewed import REVIEWED_FILE, read_acknowledged, reviewed_entries, reviewed_list, update_reviewed
from .scenarios import scenario


def analyze(
    context: LawContext,
    as_of: dt.date,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    acknowledged: dict[str, str] | None = None,
    structural: bool = False,
) -> Report:
    """The one public entry point: every finding of the law in force on `as_of`, with witnesses;
    with `structural`, also the structural relations (alternatives, requirements, refusal grounds,
    closure) under their own kind names."""
    start = time.perf_counter()
    a = _Analyser(context, as_of, timeout_ms, structural)
    a.find_dead()
    a.find_conflicts()
    a.find_redundant()
    a.find_masked()
    a.find_dangling()
    a.find_undecidable()
    if structural:
        a.find_closure()
    acknowledged = acknowledged or {}
    for f in a.findings:
        f.acknowledged = acknowledged.get(f.id, "")
    order = {k: n for n, k in enumerate(ALL_KINDS)}
    findings = sorted(a.findings, key=lambda f: (order[f.kind], f.permit, f.rules))
    ids = {f.id for f in findings}
    stats = {
        "rules": a.n,
        "pairs": a.n * (a.n - 1) // 2,
        "candidates": a.candidates,
        "solver_calls": a.solver.calls,
        "solver_unknown": a.solver.unknown,
        "solver_seconds": round(a.solver.seconds, 3),
        "approximate_rules": sorted(a.sym.approximate),
        "program_seconds": round(a.program_seconds, 3),
        "seconds": round(time.perf_counter() - start, 3),
    }
    return Report(
        as_of,
        context.law.digest,
        context.law.applied_amendments,
        findings,
        a.undecided,
        stats,
        sorted(set(acknowledged) - ids),
    )


def add_findings(graph: RuleGraph, report: Report) -> RuleGraph:
    """Findings as edges of the rule graph: conflicts_with, subsumes, masks."""
    for f in report.findings:
        if f.kind == "conflict":
            a, b = f.rules
            graph.g.add_edge(
                f"rule:{a}",
                f"rule:{b}",
                key="conflicts_with",
                kind="conflicts_with",
                finding=f.id,
                permit=f.permit,
                resolution=(f.resolution or {}).get("by", "none"),
            )
        elif f.kind == "redundant" and f.detail.get("relation") in ("subsumes", "equivalent"):
            pairs = (
                [(f.detail["subsumer"], f.detail["subsumed"])]
                if f.detail["relation"] == "subsumes"
                else [(f.rules[0], f.rules[1]), (f.rules[1], f.rules[0])]
            )
            for sup, sub in pairs:
                graph.g.add_edge(
                    f"rule:{sup}",
                    f"rule:{sub}",
                    key="subsumes",
                    kind="subsumes",
                    finding=f.id,
                    relation=f.detail["relation"],
                )
        elif f.kind == "masked":
            for winner in f.rules[1:]:
                graph.g.add_edge(
                    f"rule:{winner}",
                    f"rule:{f.rules[0]}",
                    key="masks",
                    kind="masks",
                    finding=f.id,
                    permit=f.permit,
                )
    return graph


__all__ = [
    "ALL_KINDS",
    "DEFAULT_TIMEOUT_MS",
    "KINDS",
    "KIND_TEXT",
    "REVIEWED_FILE",
    "STRUCTURAL",
    "AcknowledgementError",
    "Finding",
    "Report",
    "add_findings",
    "analyze",
    "finding_id",
    "read_acknowledged",
    "render_html",
    "render_text",
    "resolution_words",
    "reviewed_entries",
    "reviewed_list",
    "scenario",
    "t_and",
    "update_reviewed",
]
