"""Loading an amendment at run time: POST /v1/amendments (bearer token)."""

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from ..openapi import errors, json_content
from ..problems import HTTPProblem, respond
from ..upload import load_amendment
from .common import read_json, require_token, service

router = APIRouter(tags=["law"])


@router.post(
    "/v1/amendments",
    summary="Load a new amendment source at run time (bearer token)",
    openapi_extra={
        "requestBody": {
            "required": True,
            **json_content(
                {
                    "type": "object",
                    "required": ["source"],
                    "properties": {
                        "source": {"type": "string", "description": "the amendment's .lex text"},
                        "id": {"type": "string", "description": "default: the name of its `amendment` block"},
                    },
                }
            ),
        }
    },
    responses={
        201: {"description": "Loaded and checked", **json_content({"type": "object"})},
        **errors(401, 404, 408, 409, 413, 415, 422),
    },
)
async def post_amendment(request: Request) -> Response:
    laws = service(request).laws
    if laws.upload_dir is None:
        raise HTTPProblem(404, "loading amendments at run time is off (start the service with a token)")
    require_token(request, "loading amendments at run time")
    data = await read_json(request)
    if not isinstance(data, dict) or not isinstance(data.get("source"), str):
        raise HTTPProblem(422, 'expected {"source": "…"}', [("$.source", "the amendment text, a string")])
    text: str = data["source"]
    result = await run_in_threadpool(load_amendment, laws, text, data.get("id"))
    return respond(result, 201)
