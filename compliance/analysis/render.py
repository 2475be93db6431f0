"""The analysis report as text and as a drafter's HTML page."""

from __future__ import annotations

import datetime as dt
import json

from lexgraph.engine.evaluate import cited_text
from lexgraph.engine.graph import PRINCIPLE_ZH

from ..applications import ApplicationError
from ..decisions import LawContext
from .findings import ALL_KINDS, KIND_TEXT, KINDS, Finding, Report

# ------------------------------------------------------------------------------ rendering


def render_text(report: Report) -> str:
    lines = [f"lexgraph analyze — law as of {report.as_of.isoformat()} (digest {report.digest[:16]}…)"]
    if report.amendments:
        lines.append(f"amendments: {', '.join(report.amendments)}")
    s = report.stats
    lines.append(
        f"{s['rules']} rules, {s['pairs']} pairs, {s['candidates']} candidates, {s['solver_calls']} solver calls "
        f"({s['solver_unknown']} unknown), {s['seconds']} s"
    )
    for kind in (k for k in ALL_KINDS if k in KINDS or report.by_kind(k)):
        found = report.by_kind(kind)
        lines.append("")
        lines.append(f"== {kind} ({len(found)})")
        for f in found:
            flag = (
                " [UNRESOLVED]"
                if f.gating
                else (" [acknowledged: " + f.acknowledged + "]" if f.acknowledged else "")
            )
            lines.append(f"- {f.id}{flag}{'  permit ' + f.permit if f.permit else ''}")
            for r, c in zip(f.rules, f.citations, strict=True):
                lines.append(f"    {r}  — {c}")
            lines.append(f"    what to do: {resolution_words(f)}")
            if f.resolution is not None:
                by = f.resolution["by"]
                lines.append(
                    f"    resolution: {by}{' (' + PRINCIPLE_ZH[by] + ')' if by in PRINCIPLE_ZH else ''}"
                    f"{', winner ' + f.resolution['winner'] if f.resolution.get('winner') else ''}"
                )
            for key in ("relation", "explanation", "needs", "core"):
                if key in f.detail:
                    value = f.detail[key]
                    lines.append(
                        f"    {key}: {value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)}"
                    )
            if f.witness is not None:
                lines.append(
                    f"    witness{' (replayed: reproduces)' if f.verified else ' (replayed: does NOT reproduce)' if f.verified is False else ''}: "
                    f"{json.dumps(f.witness, ensure_ascii=False, sort_keys=True)}"
                )
    if report.undecided:
        lines.append("")
        lines.append(f"== undecided by the solver ({len(report.undecided)})")
        for u in report.undecided:
            lines.append(f"- {u['kind']} {' ⟷ '.join(u['rules'])}: {u['reason']}")
    for stale in report.stale_acknowledgements:
        lines.append(f"note: acknowledged finding {stale} no longer occurs")
    gating = report.gating
    lines.append("")
    lines.append(
        f"{len(report.defects)} findings; {len(gating)} gating (unresolved conflicts and undecidable outcomes "
        "not acknowledged)"
    )
    return "\n".join(lines) + "\n"


def resolution_words(f: Finding) -> str:
    """The resolution of a finding in words, for a drafter."""
    res = f.resolution
    if f.kind == "conflict" and res is not None:
        if res["by"] == "none":
            return (
                "Unresolved: no principle settles it; until the texts do, the engine lets the restrictive side "
                "stand. The drafter must decide which norm prevails (an explicit priority clause, or an "
                "exception written into the grant)."
            )
        return (
            f"Resolved by {PRINCIPLE_ZH[res['by']]} ({res['by']}): {res['winner']} prevails, and decides the "
            "permit for this applicant."
        )
    if f.kind == "masked" and res is not None:
        return f"{res.get('winner')} prevails ({PRINCIPLE_ZH.get(res['by'], res['by'])}) whenever the masked norm applies."
    return {
        "redundant": "Keep one statement of the norm: the other adds nothing to any outcome.",
        "dead": "The conditions contradict each other: correct the encoding or the threshold.",
        "dangling": "Say where the thing needed comes from (a permit issuing it, a rule concluding it).",
        "undecidable": "The law decides these applicants on facts the application does not carry: add them to the "
        "contract, or acknowledge that the decision is left to the authority.",
    }.get(f.kind, str(f.detail.get("explanation", "")))


def _witness_decision(f: Finding, context: LawContext | None, as_of: dt.date) -> str:
    if context is None or f.witness is None:
        return ""
    from ..render import render_text as render_decision

    try:
        decision = context.decide(f.witness, as_of)
    except (ApplicationError, ValueError) as error:
        return f"(the witness cannot be decided: {error})"
    return render_decision(decision, explain=True)


def render_html(report: Report, context: LawContext | None = None) -> str:
    """For a drafter: grouped by kind and permit; each finding with its citations, the article texts side
    by side, the witness decided (why each rule applies) and the resolution in words
    (compliance/templates/analysis.html)."""
    from ..pages import render_page

    law = context.law if context is not None else None
    sections = []
    for kind in ALL_KINDS:
        found = report.by_kind(kind)
        if not found:
            continue
        groups = []
        for permit in sorted({f.permit for f in found}):
            findings = []
            for f in (x for x in found if x.permit == permit):
                sides = []
                for rule_id, citation in zip(f.rules, f.citations, strict=True):
                    rule = law.rules.get(rule_id) if law is not None else None
                    text = cited_text(law, rule.citation) if law is not None and rule is not None else ""
                    sides.append(
                        {
                            "citation": citation,
                            "rule": rule_id,
                            "text": text,
                            "note": rule.note if rule is not None else "",
                        }
                    )
                findings.append(
                    {
                        "id": f.id,
                        "gating": f.gating,
                        "acknowledged": f.acknowledged,
                        "resolution": resolution_words(f),
                        "explanation": str(f.detail.get("explanation", "")),
                        "sides": sides,
                        "decided": _witness_decision(f, context, report.as_of),
                        "witness": f.witness,
                    }
                )
            groups.append({"permit": permit, "findings": findings})
        sections.append({"kind": kind, "count": len(found), "text": KIND_TEXT[kind], "permits": groups})
    return render_page(
        "analysis.html",
        as_of=report.as_of.isoformat(),
        findings=len(report.defects),
        gating=len(report.gating),
        amendments=list(report.amendments),
        stats=json.dumps(report.stats, ensure_ascii=False),
        sections=sections,
    )
