"""The decision log's records over HTTP: find an application's decisions (auditors, with the
token), read a record, replay it under its stored sources."""

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from lexgraph.engine.diagnostics import LexgraphError

from ...applications import ApplicationError
from ...audit import AuditError, DecisionLog
from ..openapi import errors, json_content, ref
from ..problems import HTTPProblem, respond
from .common import require_token, service

router = APIRouter(tags=["decisions"])

record_schema = {
    "type": "object",
    "required": ["decision_id", "seq", "created_at", "application", "decision", "law", "prev_hash", "hash"],
    "properties": {
        "decision_id": {"type": "string"},
        "seq": {"type": "integer"},
        "created_at": {"type": "string"},
        "application": ref("Application"),
        "decision": ref("Decision"),
        "law": {"type": "object"},
        "explain": {"type": "string"},
        "prev_hash": {"type": "string"},
        "hash": {"type": "string"},
    },
}


def record_of(log: DecisionLog, decision_id: str) -> dict[str, Any]:
    try:
        return log.get(decision_id)
    except AuditError as error:
        raise HTTPProblem(404, str(error)) from None


@router.get(
    "/v1/decisions",
    summary="Where an application's decisions are in the log (bearer token)",
    description="An application id may be guessable; the decision ids it leads to open the records, "
    "so this lookup is for auditors holding the service's token.",
    responses={
        200: {
            "description": "The decisions logged for that application id, oldest first",
            **json_content({"type": "object", "required": ["application_id", "decisions"]}),
        },
        **errors(401, 404, 422),
    },
)
async def find_decisions(
    request: Request,
    application_id: str = Query(..., min_length=1, max_length=4096),
    limit: int = Query(100, ge=1, le=1000),
) -> Response:
    require_token(request, "finding decisions by application id")
    found = await run_in_threadpool(service(request).log.find, application_id, limit)
    return respond({"application_id": application_id, "decisions": found})


@router.get(
    "/v1/decisions/{decision_id}",
    summary="A logged decision: input, decision, law, time",
    responses={200: {"description": "The log record", **json_content(record_schema)}, **errors(404)},
)
async def get_decision(request: Request, decision_id: str) -> Response:
    return respond(await run_in_threadpool(record_of, service(request).log, decision_id))


@router.post(
    "/v1/decisions/{decision_id}/replay",
    summary="Re-decide under the exact stored sources; report any difference",
    responses={
        200: {
            "description": "The replay report",
            **json_content(
                {
                    "type": "object",
                    "required": ["same", "differences"],
                    "properties": {"same": {"type": "boolean"}, "differences": {"type": "array"}},
                }
            ),
        },
        **errors(404, 422),
    },
)
async def replay(request: Request, decision_id: str) -> Response:
    log = service(request).log
    record_of(log, decision_id)
    try:
        report = await run_in_threadpool(log.replay, decision_id)
    except LexgraphError as error:  # the stored sources no longer load: say where
        raise HTTPProblem(
            422,
            "the stored sources do not load",
            [(str(d.span), f"{d.code}: {d.message}") for d in error.diagnostics],
        ) from None
    except ApplicationError as error:  # logged before today's contract bounds (e.g. a NaN)
        raise HTTPProblem(
            422,
            "the stored application does not follow the contract",
            [("record.application" + p[1:], m) for p, m in error.problems],
        ) from None
    except AuditError as error:
        raise HTTPProblem(422, str(error)) from None
    return respond(report)
