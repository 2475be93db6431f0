"""Errors as HTTP answers, in one place: `HTTPProblem` (status, message, field paths) and the
exception handlers that turn every error a request can meet into one JSON shape."""

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.responses import Response


class HTTPProblem(Exception):
    """An error response: status, a message and the field paths it concerns."""

    def __init__(self, status: int, detail: str, problems: list[tuple[str, str]] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.problems = status, detail, problems or []

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"detail": scrub(self.detail)}
        if self.problems:
            out["problems"] = [{"path": scrub(p), "message": scrub(m)} for p, m in self.problems]
        return out


_ABSOLUTE_DIRS = re.compile(r"(?<![\w.~-])/(?:[^\s/`'\"<>:]+/)+")


def scrub(text: str) -> str:
    """No absolute server path in an answer: `/srv/lexgraph/amendments/x.lex` is said as `x.lex`."""
    return _ABSOLUTE_DIRS.sub("", text)


def respond(data: Any, status: int = 200) -> "Response":
    """A JSON answer (compact, UTF-8)."""
    import json

    from fastapi.responses import Response

    return Response(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(),
        status,
        media_type="application/json",
    )


def install_error_handlers(app: "FastAPI") -> None:
    """The service's one mapping of errors to answers: our HTTPProblem, lexgraph's errors (the
    hierarchy of engine/errors.py: each carries its HTTP status, and the field paths or source
    locations it concerns), FastAPI's validation error (as a Problem naming each field) and
    Starlette's HTTP errors (404 of an unknown route, 405 with its Allow header)."""
    from fastapi import Request
    from fastapi.exceptions import RequestValidationError
    from lexgraph.engine.errors import ApplicationError, Error, SourceError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(HTTPProblem)
    async def _problem(_request: Request, error: HTTPProblem) -> "Response":
        return respond(error.body(), error.status)

    @app.exception_handler(Error)
    async def _error(_request: Request, error: Error) -> "Response":
        problems: list[tuple[str, str]] = []
        if isinstance(error, ApplicationError):
            problems = list(error.problems)
        elif isinstance(error, SourceError):
            problems = [
                (str(d.span) if d.span.line else "$", f"{d.code}: {d.message}") for d in error.diagnostics
            ]
        detail = type(error).__doc__ or "error"
        return respond(
            HTTPProblem(
                error.http_status, str(error) if not problems else detail.split("\n")[0].strip(), problems
            ).body(),
            error.http_status,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> "Response":
        problems = [
            ("".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"])[1:], e["msg"])
            for e in error.errors()
        ]
        return respond(HTTPProblem(422, "invalid request", problems).body(), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, error: StarletteHTTPException) -> "Response":
        response = respond({"detail": str(error.detail)}, error.status_code)
        response.headers.update(error.headers or {})  # e.g. Allow on 405
        return response
