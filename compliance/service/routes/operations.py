"""Operations: liveness and the Prometheus metrics (of every worker)."""

import os

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..metrics import CONTENT_TYPE
from ..openapi import json_content
from ..problems import respond
from .common import service

router = APIRouter(tags=["operations"])


@router.get(
    "/healthz",
    summary="Liveness",
    responses={200: {"description": "Alive", **json_content({"type": "object"})}},
)
async def healthz() -> Response:
    return respond({"status": "ok", "pid": os.getpid()})


@router.get(
    "/metrics",
    summary="Prometheus metrics (all workers)",
    responses={
        200: {
            "description": "Prometheus text format",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
async def get_metrics(request: Request) -> Response:
    return Response(service(request).metrics.render(), media_type=CONTENT_TYPE)
