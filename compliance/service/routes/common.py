"""What the routers share: the service's state, reading a JSON body, the law a request asks for,
and the query parameters that choose it."""

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Path as PathParam
from fastapi import Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import Field

from ...applications import ApplicationError, parse_json, validate_application
from ...audit import DecisionLog
from ...decisions import LawContext
from ..laws import ASSIGNMENT, CITATION, DATE, Laws
from ..logger import DecisionLogger
from ..metrics import Metrics
from ..problems import HTTPProblem
from ..settings import MAX_JSON_VALUES, ServiceConfig


@dataclass
class Service:
    """One worker's service: its settings, laws, decision logger, the log's records, metrics."""

    config: ServiceConfig
    laws: Laws
    logger: DecisionLogger
    log: DecisionLog
    metrics: Metrics


def service(request: Request) -> Service:
    state: Service = request.app.state.service
    return state


def respond_text(text: str, status: int = 200) -> Response:
    """An answer already encoded as JSON text."""
    return Response(text.encode(), status, media_type="application/json")


async def read_json(request: Request, max_values: int = MAX_JSON_VALUES) -> Any:
    """The body as JSON. Only `application/json` (415 otherwise: a web page's form or
    text/plain request cannot write into the log); the count of JSON values is bounded before
    parsing, so junk cannot make the parser build hundreds of megabytes of objects."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise HTTPProblem(
            415,
            "the body must be application/json",
            [("header.content-type", f"`{media or 'none'}` is not application/json")],
        )
    body = await request.body()
    if sum(body.count(c) for c in (b",", b":", b"[", b"{")) > max_values:
        raise HTTPProblem(
            413,
            f"the body holds more than {max_values} JSON values",
            [("$", "too many values for its kind of request")],
        )
    try:
        if len(body) > 256 << 10:  # a large body is parsed off the event loop
            return await run_in_threadpool(parse_json, body)
        return parse_json(body)
    except ApplicationError as error:
        raise HTTPProblem(422, "the body is not JSON this service reads", error.problems) from None


async def law_for(
    request: Request, amendments: list[str], parameters: dict[str, str]
) -> tuple[LawContext, list[Path]]:
    """The law for with/set: from the cache on the loop, or compiled in a worker thread (one at a
    time), within the client's allowance of new laws."""
    laws = service(request).laws
    cached = laws.cached(amendments, parameters)
    if cached is not None:
        return cached
    await run_in_threadpool(laws.check_known, amendments)  # a 404 costs no allowance
    laws.admit(request.client.host if request.client else "unknown")
    return await run_in_threadpool(laws.get, amendments, parameters)


def application_of(data: Any, path: str = "$") -> dict[str, Any]:
    try:
        return validate_application(data)
    except ApplicationError as error:
        raise HTTPProblem(
            422,
            "the application does not follow the contract",
            [(path + p[1:], m) for p, m in error.problems],
        ) from None


def require_token(request: Request, what: str) -> None:
    import hmac

    token = service(request).config.bearer
    if not token:
        raise HTTPProblem(404, f"{what} is off (start the service with a token)")
    supplied = request.headers.get("authorization", "")
    if not hmac.compare_digest(supplied.encode(), f"Bearer {token}".encode()):
        raise HTTPProblem(401, "a valid bearer token is required")


as_of_q = Query(
    None,
    description="the law in force that day (default: the application's decision_date)",
    pattern=DATE.pattern,
)
day_q = Query(None, description="default: today", pattern=DATE.pattern)
Assignment = Annotated[str, Field(pattern=ASSIGNMENT.pattern)]
with_q = Query([], alias="with", description="amendment ids known to the server (repeatable)")
set_q = Query([], alias="set", description="amendment parameter name=value (repeatable)")
explain_q = Query("full", pattern="^(full|summary)$", description="full proof trees, or grounds only")
citation_p = PathParam(
    description="INSTRUMENT/art_N[__para_P[__item_I]], e.g. pr_measures/art_6", pattern=CITATION.pattern
)
