"""Deciding: POST /v1/decisions and /v1/decisions:batch. Each decision is handed to the decision
logger, and answered with the id the logger returns once it is recorded."""

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from ...audit import compact
from ...decisions import LawContext
from ...render import decision_json, summary_of
from ..laws import parse_assignments, parse_day
from ..logger import Decided, DecisionLogger
from ..openapi import errors, json_content, ref
from ..problems import HTTPProblem
from ..settings import MAX_BATCH, MAX_JSON_TOKENS
from .common import (
    Assignment,
    application_of,
    as_of_q,
    explain_q,
    law_for,
    read_json,
    respond_text,
    service,
    set_q,
    with_q,
)

router = APIRouter(tags=["decisions"])


def prepare(
    logger: DecisionLogger,
    context: LawContext,
    paths: list[Path],
    applications: list[dict[str, Any]],
    as_of: dt.date | None,
    parameters: dict[str, str],
    explain: str,
) -> tuple[list[Any], list[tuple[dict[str, Any], str]]]:
    entries, answers = [], []
    for application in applications:
        # Already validated against the contract: go straight to the evaluator.
        decision = context.evaluator.decide(application, as_of, trace=True)
        full = decision_json(decision)  # the log always keeps the full proof tree
        full_text = compact(full)
        # Only text is kept past this loop (the entry's decision is its text; the answer keeps the
        # outcomes the metrics count): a batch holds no proof trees, so the collector has little to
        # walk while the loop waits for the GIL (a full proof of every permit is ~130 kB).
        entries.append(
            logger.prepare(Decided(application, full["law"], full_text, context, paths, parameters, explain))
        )
        text = compact(summary_of(full)) if explain == "summary" else full_text
        outcomes = {
            "decisions": [
                {"permit": d["permit"], "kind": d.get("kind", "grant"), "outcome": d["outcome"]}
                for d in full["decisions"]
            ]
        }
        answers.append((outcomes, text))
    return entries, answers


def validate_all(items: list[Any]) -> list[dict[str, Any]]:
    problems: list[tuple[str, str]] = []
    applications = []
    for i, item in enumerate(items):
        try:
            applications.append(application_of(item, f"$.applications[{i}]"))
        except HTTPProblem as error:
            problems += error.problems
    if problems:
        raise HTTPProblem(422, "applications do not follow the contract", problems[:200])
    return applications


async def decide(
    request: Request,
    applications: list[Any],
    as_of_text: str | None,
    amendments: list[str],
    assignments: list[str],
    explain: str,
    batch: bool = False,
) -> list[str]:
    """Validate, decide, log (awaiting the commit), and return each answer as encoded JSON text.
    One application is decided on the event loop (a fraction of a millisecond); a batch in a
    worker thread, so the other requests go on meanwhile."""
    state = service(request)
    as_of = parse_day(as_of_text)
    parameters = parse_assignments(assignments)
    context, paths = await law_for(request, amendments, parameters)
    if batch:

        def work() -> tuple[list[Any], list[tuple[dict[str, Any], str]]]:
            return prepare(
                state.logger, context, paths, validate_all(applications), as_of, parameters, explain
            )

        entries, answers = await run_in_threadpool(work)
    else:
        entries, answers = prepare(
            state.logger,
            context,
            paths,
            [application_of(a) for a in applications],
            as_of,
            parameters,
            explain,
        )
    try:
        ids = await state.logger.commit(entries)
    except Exception as error:  # never hand out a decision that is not in the log
        raise HTTPProblem(503, f"the decision log cannot be written: {type(error).__name__}") from None
    out = []
    for (answer, text), decision_id in zip(answers, ids, strict=True):
        state.metrics.decided(answer)
        out.append(f'{{"decision_id":"{decision_id}",{text[1:]}')
    return out


application_body = {"requestBody": {"required": True, **json_content(ref("Application"))}}


@router.post(
    "/v1/decisions",
    openapi_extra=application_body,
    summary="Decide one application",
    responses={
        200: {"description": "The decision (logged)", **json_content(ref("Decision"))},
        **errors(404, 408, 413, 415, 422, 429, 503),
    },
)
async def post_decision(
    request: Request,
    as_of: str | None = as_of_q,
    with_: list[str] = with_q,
    set_: list[Assignment] = set_q,
    explain: str = explain_q,
) -> Response:
    (answer,) = await decide(request, [await read_json(request)], as_of, with_, set_, explain)
    return respond_text(answer)


batch_schema = {
    "type": "object",
    "required": ["applications"],
    "additionalProperties": False,
    "properties": {"applications": {"type": "array", "maxItems": MAX_BATCH, "items": ref("Application")}},
}


@router.post(
    "/v1/decisions:batch",
    summary="Decide many applications in one call",
    openapi_extra={"requestBody": {"required": True, **json_content(batch_schema)}},
    responses={
        200: {
            "description": "The decisions, in order (each logged)",
            **json_content(
                {
                    "type": "object",
                    "required": ["decisions"],
                    "properties": {"decisions": {"type": "array", "items": ref("Decision")}},
                }
            ),
        },
        **errors(404, 408, 413, 415, 422, 429, 503),
    },
)
async def post_batch(
    request: Request,
    as_of: str | None = as_of_q,
    with_: list[str] = with_q,
    set_: list[Assignment] = set_q,
    explain: str = explain_q,
) -> Response:
    data = await read_json(request, MAX_JSON_TOKENS * MAX_BATCH)
    if not isinstance(data, dict) or not isinstance(data.get("applications"), list):
        raise HTTPProblem(
            422, 'expected {"applications": [...]}', [("$.applications", "an array of applications")]
        )
    items = data["applications"]
    if len(items) > MAX_BATCH:
        raise HTTPProblem(
            422, f"at most {MAX_BATCH} applications per batch", [("$.applications", "too many")]
        )
    answers = await decide(request, items, as_of, with_, set_, explain, batch=True)
    return respond_text('{"decisions":[' + ",".join(answers) + "]}")
