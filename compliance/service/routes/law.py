"""The law over HTTP: what is in force, a rule, an article, and the analysis of a law."""

import datetime as dt
import importlib.util
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from ...decisions import LawContext
from ..laws import CITATION, parse_assignments, parse_day, run_analysis
from ..openapi import errors, json_content
from ..problems import HTTPProblem, respond
from .common import Assignment, citation_p, day_q, law_for, service, set_q, with_q

router = APIRouter(tags=["law"])


@router.get(
    "/v1/law",
    summary="Instruments in force, amendments, parameters and the digest",
    responses={200: {"description": "The law", **json_content({"type": "object"})}, **errors(404, 422, 429)},
)
async def get_law(
    request: Request, as_of: str | None = day_q, with_: list[str] = with_q, set_: list[Assignment] = set_q
) -> Response:
    context, _ = await law_for(request, with_, parse_assignments(set_))
    law = context.law
    day = parse_day(as_of) or dt.date.today()
    instruments = [
        {
            "id": i.id,
            "kind": i.kind,
            "title_zh": i.title_zh,
            "title_en": i.title_en,
            "rank": i.rank,
            "status": i.status,
            "in_force": _iso(i.in_force),
            "repealed": _iso(i.repealed),
        }
        for i in (law.instruments[x] for x in law.instruments_in_force(day))
    ]
    return respond(
        {
            "as_of": day.isoformat(),
            "digest": law.digest,
            "instruments": instruments,
            "amendments": list(law.applied_amendments),
            "amendments_available": sorted(service(request).laws.known()),
            "parameters": {k: _jsonable(v) for k, v in sorted(law.parameter_values.items())},
            "permits": sorted(law.permits),
        }
    )


def neighbours(context: LawContext, node: str) -> list[dict[str, Any]]:
    g = context.graph.g
    if node not in g:
        return []
    out = [
        {"direction": "out", "node": b, **{k: _jsonable(v) for k, v in d.items()}}
        for _, b, d in g.out_edges(node, data=True)
    ]
    out += [
        {"direction": "in", "node": a, **{k: _jsonable(v) for k, v in d.items()}}
        for a, _, d in g.in_edges(node, data=True)
    ]
    return sorted(out, key=lambda e: (e["direction"], e["kind"], e["node"]))


@router.get(
    "/v1/rules/{rule_id:path}",
    summary="A rule: citation, text, definition, graph neighbours",
    responses={200: {"description": "The rule", **json_content({"type": "object"})}, **errors(404, 422, 429)},
)
async def get_rule(
    request: Request, rule_id: str, with_: list[str] = with_q, set_: list[Assignment] = set_q
) -> Response:
    from lexgraph.engine.evaluate import cited_text, law_numbering, render_citation

    context, _ = await law_for(request, with_, parse_assignments(set_))
    rule = context.law.rules.get(rule_id)
    if rule is None:
        raise HTTPProblem(404, f"no rule `{rule_id}`")
    c = rule.citation
    numbers = law_numbering(context.law)
    return respond(
        {
            "id": rule.id,
            "instrument": rule.instrument,
            "citation": render_citation(context.law, rule),
            "provision": f"{c.instrument}/{c.path}" if c else None,
            "text": cited_text(
                context.law, numbers.cite_rule(rule, context.law.instruments), numbers
            ),  # numbered as in force now
            "strict": rule.strict,
            "source": rule.source,
            "note": rule.note,
            "gloss": rule.gloss,
            "conclusions": [
                {"kind": k.kind, "permits": list(k.permits), "name": k.name} for k in rule.conclusions
            ],
            "definition": _source_text(context, rule.span),
            "neighbours": neighbours(context, f"rule:{rule.id}"),
        }
    )


@router.get(
    "/v1/articles/{citation:path}",
    summary="An article (or paragraph, item): verbatim text, the rules citing it, graph neighbours",
    responses={
        200: {"description": "The article", **json_content({"type": "object"})},
        **errors(404, 422, 429),
    },
)
async def get_article(
    request: Request, citation: str = citation_p, with_: list[str] = with_q, set_: list[Assignment] = set_q
) -> Response:
    match = CITATION.match(citation)
    if match is None:
        raise HTTPProblem(
            422,
            "not a citation",
            [("path.citation", "expected INSTRUMENT/art_N[__para_P[__item_I]], e.g. pr_measures/art_6")],
        )
    context, _ = await law_for(request, with_, parse_assignments(set_))
    inst, number = match.group(1), int(match.group(2))
    para, item = int(match.group(3) or 0), int(match.group(4) or 0)
    article = context.law.articles.get((inst, number))
    if article is None:
        raise HTTPProblem(404, f"no article {number} in `{inst}`")
    paragraphs = [p for p in article.paragraphs if not para or p.number == para]
    if para and not paragraphs:
        raise HTTPProblem(404, f"no paragraph {para} in {inst} article {number}")
    items = [i for p in paragraphs for i in p.items if not item or i.number == item]
    if item and not items:
        raise HTTPProblem(404, f"no item {item} in {inst} article {number} paragraph {para}")
    text = (
        items[0].text
        if item
        else (
            paragraphs[0].text + "".join(i.text for i in paragraphs[0].items) if para else article.full_text()
        )
    )
    rules = sorted(
        r.id
        for r in context.law.rules.values()
        if r.citation
        and r.citation.instrument == inst
        and r.citation.article == number
        and (not para or r.citation.paragraph == para)
        and (not item or r.citation.item == item)
    )
    instrument = context.law.instruments.get(inst)
    return respond(
        {
            "citation": citation,
            "instrument": inst,
            "title_zh": instrument.title_zh if instrument else "",
            "article": number,
            "paragraph": para or None,
            "item": item or None,
            "text": text,
            "gloss": article.gloss,
            "note": article.note,
            "paragraphs": [
                {
                    "number": p.number,
                    "text": p.text,
                    "gloss": p.gloss,
                    "note": p.note,
                    "items": [
                        {"number": i.number, "text": i.text, "gloss": i.gloss, "note": i.note}
                        for i in p.items
                        if not item or i.number == item
                    ],
                }
                for p in paragraphs
            ],
            "rules": rules,
            "neighbours": neighbours(context, f"provision:{inst}/art_{number}"),
        }
    )


@router.post(
    "/v1/analyses",
    summary="The findings of `lexgraph analyze` for as_of / with / set",
    responses={
        200: {"description": "The findings", **json_content({"type": "object"})},
        **errors(404, 422, 429, 501),
    },
)
async def post_analysis(
    request: Request, as_of: str | None = day_q, with_: list[str] = with_q, set_: list[Assignment] = set_q
) -> Response:
    if importlib.util.find_spec("lexgraph.compliance.analysis") is None:
        raise HTTPProblem(501, "analysis is not part of this build (lexgraph.compliance.analysis is missing)")
    context, _ = await law_for(request, with_, parse_assignments(set_))
    return respond(await run_in_threadpool(run_analysis, context, parse_day(as_of) or dt.date.today()))


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _jsonable(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str | int | float | bool) or v is None:
        return v
    return str(v)


def _source_text(context: LawContext, span: Any) -> str:
    text = next((s.text for s in context.law.sources if s.path == span.path), "")
    lines = text.splitlines()
    if not lines or span.line <= 0:
        return ""
    return "\n".join(lines[span.line - 1 : max(span.end_line, span.line)])
