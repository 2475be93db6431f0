"""The analysis report as text and as a drafter's HTML page."""

from __future__ import annotations

import datetime as dt
import html
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
    lines.append(f"{s['rules']} rules, {s['pairs']} pairs, {s['candidates']} candidates, {s['solver_calls']} solver calls "
                 f"({s['solver_unknown']} unknown), {s['seconds']} s")
    for kind in (k for k in ALL_KINDS if k in KINDS or report.by_kind(k)):
        found = report.by_kind(kind)
        lines.append("")
        lines.append(f"== {kind} ({len(found)})")
        for f in found:
            flag = " [UNRESOLVED]" if f.gating else (" [acknowledged: " + f.acknowledged + "]" if f.acknowledged else "")
            lines.append(f"- {f.id}{flag}{'  permit ' + f.permit if f.permit else ''}")
            for r, c in zip(f.rules, f.citations, strict=True):
                lines.append(f"    {r}  — {c}")
            lines.append(f"    what to do: {resolution_words(f)}")
            if f.resolution is not None:
                by = f.resolution["by"]
                lines.append(f"    resolution: {by}{' (' + PRINCIPLE_ZH[by] + ')' if by in PRINCIPLE_ZH else ''}"
                             f"{', winner ' + f.resolution['winner'] if f.resolution.get('winner') else ''}")
            for key in ("relation", "explanation", "needs", "core"):
                if key in f.detail:
                    value = f.detail[key]
                    lines.append(f"    {key}: {value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)}")
            if f.witness is not None:
                lines.append(f"    witness{' (replayed: reproduces)' if f.verified else ' (replayed: does NOT reproduce)' if f.verified is False else ''}: "
                             f"{json.dumps(f.witness, ensure_ascii=False, sort_keys=True)}")
    if report.undecided:
        lines.append("")
        lines.append(f"== undecided by the solver ({len(report.undecided)})")
        for u in report.undecided:
            lines.append(f"- {u['kind']} {' ⟷ '.join(u['rules'])}: {u['reason']}")
    for stale in report.stale_acknowledgements:
        lines.append(f"note: acknowledged finding {stale} no longer occurs")
    gating = report.gating
    lines.append("")
    lines.append(f"{len(report.defects)} findings; {len(gating)} gating (unresolved conflicts and undecidable outcomes "
                 "not acknowledged)")
    return "\n".join(lines) + "\n"


def resolution_words(f: Finding) -> str:
    """The resolution of a finding in words, for a drafter."""
    res = f.resolution
    if f.kind == "conflict" and res is not None:
        if res["by"] == "none":
            return ("Unresolved: no principle settles it; until the texts do, the engine lets the restrictive side "
                    "stand. The drafter must decide which norm prevails (an explicit priority clause, or an "
                    "exception written into the grant).")
        return (f"Resolved by {PRINCIPLE_ZH[res['by']]} ({res['by']}): {res['winner']} prevails, and decides the "
                "permit for this applicant.")
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
    by side, the witness decided (why each rule applies) and the resolution in words."""
    e = html.escape
    law = context.law if context is not None else None
    parts = []
    for kind in ALL_KINDS:
        found = report.by_kind(kind)
        if not found:
            continue
        parts.append(f"<section><h2>{e(kind)} ({len(found)}) — {e(KIND_TEXT[kind])}</h2>")
        for permit in sorted({f.permit for f in found}):
            parts.append(f"<h3>{e(permit) if permit else '(no single permit)'}</h3>")
            for f in (x for x in found if x.permit == permit):
                flag = (" <strong>UNRESOLVED</strong>" if f.gating else
                        f" <em>acknowledged: {e(f.acknowledged)}</em>" if f.acknowledged else "")
                parts.append(f"<article id=\"{e(f.id)}\"><h4><code>{e(f.id)}</code>{flag}</h4>")
                parts.append(f"<p class=resolution>{e(resolution_words(f))}</p>")
                if "explanation" in f.detail:
                    parts.append(f"<p>{e(str(f.detail['explanation']))}</p>")
                parts.append("<div class=side>")
                for rule_id, citation in zip(f.rules, f.citations, strict=True):
                    rule = law.rules.get(rule_id) if law is not None else None
                    text = cited_text(law, rule.citation) if law is not None and rule is not None else ""
                    body = (f"<blockquote lang=zh>{e(text)}</blockquote>" if text else
                            "<p><small>no article text: the rule names its source and quotes nothing"
                            + (f" — note: {e(rule.note)}" if rule is not None and rule.note else "") + "</small></p>")
                    parts.append(f"<div><h5>{e(citation)}</h5><code>{e(rule_id)}</code>{body}</div>")
                parts.append("</div>")
                decided = _witness_decision(f, context, report.as_of)
                if decided:
                    parts.append("<details open><summary>witness, decided (why each rule applies)</summary>"
                                 f"<pre>{e(decided)}</pre></details>")
                if f.witness is not None:
                    parts.append("<details><summary>witness application (JSON)</summary><pre>"
                                 f"{e(json.dumps(f.witness, ensure_ascii=False, indent=1, sort_keys=True))}</pre></details>")
                parts.append("</article>")
        parts.append("</section>")
    gating = report.gating
    return ("<!doctype html><html lang=\"zh\"><meta charset=\"utf-8\"><title>lexgraph analyze</title>"
            "<style>body{font-family:sans-serif;max-width:80em;margin:auto}.side{display:flex;gap:1em}"
            ".side>div{flex:1;border:1px solid #ccc;padding:.5em}blockquote{margin:.3em 0}"
            "article{border-top:1px solid #999;margin-top:1em}.resolution{font-weight:bold}</style><body>"
            f"<h1>lexgraph analyze — the law as of {report.as_of.isoformat()}</h1>"
            f"<p>{len(report.defects)} findings; {len(gating)} gating. "
            f"{e(', '.join(report.amendments) and 'amendments: ' + ', '.join(report.amendments))}</p>"
            f"<p><small>{e(json.dumps(report.stats, ensure_ascii=False))}</small></p>"
            + "".join(parts) + "</body></html>\n")
