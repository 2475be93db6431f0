"""The service's edge, as pure ASGI middleware (BaseHTTPMiddleware costs a task per request):
body size limits, a deadline for the whole body, and the request metrics."""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .metrics import Metrics
from .settings import BODY_TIMEOUT, MAX_BATCH_BODY

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


class BodyTooLarge(Exception):
    pass


class BodyTooSlow(Exception):
    pass


class Edge:
    """Pure ASGI middleware: body size limits (413 before the app reads a byte too many), a
    deadline for the whole body (408: a client that trickles its body cannot hold a connection
    and its task for ever) and metrics for every request. Pure ASGI because BaseHTTPMiddleware
    costs a task per request."""

    def __init__(self, app: ASGIApp, metrics: Metrics, max_body: int, body_timeout: float = BODY_TIMEOUT):
        self.app, self.metrics, self.max_body, self.body_timeout = app, metrics, max_body, body_timeout

    async def __call__(
        self, scope: Scope, receive: Callable[[], Awaitable[Any]], send: Callable[[Any], Awaitable[None]]
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        limit = MAX_BATCH_BODY if scope["path"].endswith(":batch") else self.max_body
        status = 500
        started = False

        async def send_wrapper(message: Any) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
            await send(message)

        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        try:
            if declared is not None and (not declared.isdigit() or int(declared) > limit):
                raise BodyTooLarge()
            seen, complete = 0, False
            deadline = asyncio.get_running_loop().time() + self.body_timeout

            async def receive_limited() -> Any:
                nonlocal seen, complete
                if complete:  # after the body: e.g. waiting for a disconnect, no deadline
                    return await receive()
                try:
                    async with asyncio.timeout_at(deadline):  # no task of its own, unlike wait_for
                        message = await receive()
                except TimeoutError:
                    raise BodyTooSlow() from None
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > limit:
                        raise BodyTooLarge()
                    complete = not message.get("more_body", False)
                return message

            await self.app(scope, receive_limited, send_wrapper)
        except BodyTooLarge:
            if started:
                raise
            await _send_json(send_wrapper, 413, {"detail": f"request body larger than {limit} bytes"})
        except BodyTooSlow:
            if started:
                raise
            await _send_json(
                send_wrapper,
                408,
                {"detail": f"the request body did not arrive within {self.body_timeout:g} s"},
                close=True,
            )
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe(scope["method"], route, status, time.perf_counter() - start)


async def _send_json(
    send: Callable[[Any], Awaitable[None]], status: int, body: dict[str, Any], close: bool = False
) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
