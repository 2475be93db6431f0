"""The rule service: lexgraph over HTTP for decision engines (FastAPI on uvicorn), every
decision appended to the tamper-evident decision log.

    lexgraph serve [--host 127.0.0.1] [--port 8000] [--db sqlite:///decisions.db | postgresql://…]
                   [--workers N] [--token-file F | --token T]

FastAPI is imported only when the app is built, so other `lexgraph` commands do not pay for it;
that is also why this module avoids `from __future__ import annotations` (FastAPI reads the
endpoint annotations of the closures in `create_app`).
"""

import asyncio
import datetime as dt
import gc
import hmac
import importlib.util
import json
import os
import re
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from lexgraph.engine.diagnostics import LexgraphError
from lexgraph.engine.pipeline import LRU

from .applications import (
    FIRST_YEAR,
    LAST_YEAR,
    ApplicationError,
    is_contract_date,
    parse_json,
    validate_application,
)
from .audit import DEFAULT_URL, AuditError, DecisionLog, Entry, compact
from .decisions import LawContext
from .render import decision_json

if TYPE_CHECKING:
    from fastapi import FastAPI

MAX_BODY = 1 << 20  # one application is a few kB; a megabyte is generous
MAX_BATCH_BODY = 16 << 20
MAX_BATCH = 1000
MAX_AMENDMENT = 256 << 10
MAX_JSON_TOKENS = 256  # per application in a batch: a body with more commas, brackets and colons is junk
MAX_JSON_VALUES = 1 << 16  # one request's body
BODY_TIMEOUT = 20.0
NEW_LAWS_PER_CLIENT = 8
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=.*$")
AMENDMENT_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
CITATION = re.compile(r"^([a-z][a-z0-9_]*)/art_(\d{1,4})(?:__para_(\d{1,3}))?(?:__item_(\d{1,3}))?$")
CONFIG_ENV = "LEXGRAPH_SERVICE_CONFIG"
Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


@dataclass
class ServiceConfig:
    db: str = DEFAULT_URL
    token: str | None = None  # bearer token for POST /v1/amendments; None turns that endpoint off
    upload_dir: str | None = None  # where run-time amendments are kept (shared by the workers)
    law_dirs: list[str] | None = None  # default: the bundled corpus
    amendments_dir: str | None = None  # default: the bundled corpus's amendments/
    max_body: int = MAX_BODY
    contexts: int = 16  # LawContexts kept per worker, keyed by (amendments, parameters)
    token_file: str | None = None  # workers read the token from here: it is never put in their environment
    body_timeout: float = BODY_TIMEOUT  # seconds a request body may take to arrive, in all
    new_laws_per_client: int = NEW_LAWS_PER_CLIENT  # laws one client may have compiled per minute

    @classmethod
    def from_env(cls) -> "ServiceConfig":
        config = cls(**json.loads(os.environ.get(CONFIG_ENV, "{}")))
        if config.token_file and not config.token:
            config.token = Path(config.token_file).read_text(encoding="utf-8").strip() or None
        return config


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


class BodyTooLarge(Exception):
    pass


class BodyTooSlow(Exception):
    pass


# ------------------------------------------------------------------ laws


class Laws:
    """LawContexts per (amendment ids, parameters), least recently used dropped first: a cheap index by
    the names a request gives (the event loop reads it) into the process's law cache, which builds
    and keeps each law by its content (decisions.LawContext.load)."""

    def __init__(self, config: ServiceConfig):
        self.config = config
        self.law_dirs = [Path(p) for p in config.law_dirs] if config.law_dirs else None
        bundled = Path(str(resources.files("lexgraph.regulations"))) / "amendments"
        self.amendments_dir = Path(config.amendments_dir) if config.amendments_dir else bundled
        self.upload_dir = Path(config.upload_dir) if config.upload_dir else None
        self._cache: LRU[tuple[tuple[str, ...], tuple[tuple[str, str], ...]], tuple[LawContext, list[Path]]] = LRU(
            max(config.contexts, 1))
        self._lock = threading.Lock()
        self._compiling = threading.Lock()  # one law compiled at a time per worker
        self._baseline: tuple[LawContext, list[Path]] | None = None  # never evicted
        self._misses: dict[str, list[float]] = {}  # client → times it had a law compiled

    def known(self) -> dict[str, Path]:
        """Amendment id → file: the corpus's amendments/ by stem, then those uploaded at run time.
        Read from disk on each call so every worker sees an upload at once."""
        out: dict[str, Path] = {}
        for folder in (self.amendments_dir, self.upload_dir):
            if folder is not None and folder.is_dir():
                out.update({p.stem: p for p in sorted(folder.glob("*.lex")) if AMENDMENT_ID.match(p.stem)})
        return out

    @staticmethod
    def key(amendments: list[str], parameters: dict[str, str]) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        return tuple(dict.fromkeys(amendments)), tuple(sorted(parameters.items()))

    def cached(self, amendments: list[str], parameters: dict[str, str]) -> tuple[LawContext, list[Path]] | None:
        """The law if it is compiled already (cheap: the event loop calls this)."""
        key = self.key(amendments, parameters)
        if key == ((), ()) and self._baseline is not None:
            return self._baseline
        return self._cache.peek(key)  # its amendments were known when it was loaded, and stay known

    def admit(self, client: str, now: float | None = None) -> None:
        """A client may have `new_laws_per_client` laws compiled a minute: each costs 0.1–1 s of a
        core and evicts another client's law from the cache. Past that: 429."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [t for t in self._misses.get(client, []) if now - t < 60.0]
            if len(recent) >= self.config.new_laws_per_client:
                raise HTTPProblem(429, f"too many new laws asked for: at most {self.config.new_laws_per_client} "
                                  "different with/set combinations a minute per client", [("query.set", "try again later")])
            recent.append(now)
            self._misses[client] = recent
            if len(self._misses) > 4096:  # forget the quiet clients
                for quiet in [c for c, ts in self._misses.items() if not ts or now - ts[-1] >= 60.0]:
                    del self._misses[quiet]

    def get(self, amendments: list[str], parameters: dict[str, str]) -> tuple[LawContext, list[Path]]:
        """The law for these amendments and parameters, compiled if need be (blocking: call it
        from a worker thread, never on the event loop)."""
        cached = self.cached(amendments, parameters)
        if cached is not None:
            return cached
        with self._compiling:  # concurrent requests for one new law compile it once
            cached = self.cached(amendments, parameters)
            if cached is not None:
                return cached
            return self._load(amendments, parameters)

    def check_known(self, amendments: list[str]) -> dict[str, Path]:
        known = self.known()
        unknown = [a for a in amendments if a not in known]
        if unknown:
            raise HTTPProblem(404, f"unknown amendment {', '.join(map(repr, unknown[:10]))}; known: "
                              f"{', '.join(sorted(known)) or 'none'}",
                              [("query.with", f"unknown amendment `{a}`") for a in unknown[:10]])
        return known

    def _load(self, amendments: list[str], parameters: dict[str, str]) -> tuple[LawContext, list[Path]]:
        key = self.key(amendments, parameters)
        known = self.check_known(amendments)
        paths = [known[a] for a in key[0]]
        try:
            context = LawContext.load(self.law_dirs, paths, parameters)
        except LexgraphError as error:
            raise HTTPProblem(422, "the amendments or parameters do not give a valid law",
                              [("query.set" if d.code in ("unknown_parameter", "type_mismatch") else "query.with",
                                f"{d.span}: {d.code}: {d.message}" if d.span.line else f"{d.code}: {d.message}")
                               for d in error.diagnostics]) from None
        if key == ((), ()):
            self._baseline = (context, paths)
            return self._baseline
        return self._cache.get(key, lambda: (context, paths))


def parse_day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    if is_contract_date(text):
        return dt.date.fromisoformat(text)
    raise HTTPProblem(422, "not a date", [("query.as_of", f"`{text}` is not a date YYYY-MM-DD in the years "
                                                          f"{FIRST_YEAR}–{LAST_YEAR}")])


def parse_assignments(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    problems = []
    for i, item in enumerate(items):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            problems.append((f"query.set[{i}]", f"`{item}`: expected name=value"))
        else:
            out[name.strip()] = value.strip()
    if problems:
        raise HTTPProblem(422, "malformed parameter", problems)
    return out


# ------------------------------------------------------------------ the log, group-committed


class GroupCommitter:
    """Appends one worker's decisions to the log in groups, on the event loop's own thread.

    Each request awaits its own commit, so a decision_id that was answered is durable. The flush
    is scheduled with call_soon: it runs once the loop has worked through the requests already
    ready, and everything they decided joins the same transaction, so groups grow with the load.
    It runs on the loop's thread, not a writer thread, on purpose: a second thread must win the
    GIL back from the busy request thread after every database call while it holds the chain lock,
    and every writer of the log waits meanwhile (on two cores: 1,100 against 1,500 decisions/s).
    The price is that the loop waits for the database during a flush, so a flush writes at most
    CHUNK entries (one transaction) and schedules the next: a large batch is written in slices with
    the loop answering other requests between them, and a request learns its ids once the last slice
    holding its decisions is written. A database that cannot be written answers every request whose
    decisions were in the failed slice with 503 (a slice already written stands, as the record of a
    client that went away does)."""

    CHUNK = 50  # entries per transaction: a full proof of every permit is ~130 kB, a slice ~0.05 s of the loop

    def __init__(self, log: DecisionLog):
        self.log = log
        self._pending: list[tuple[list[Entry], asyncio.Future[list[str]]]] = []
        self._written = 0  # entries of the head request already written

    def submit(self, entries: list[Entry]) -> "asyncio.Future[list[str]]":
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[str]] = loop.create_future()
        if not self._pending:  # a flush is scheduled exactly while something is pending
            loop.call_soon(self._flush)
        self._pending.append((entries, future))
        return future

    def _flush(self) -> None:
        chunk: list[Entry] = []
        touched = 0  # requests (from the head) with entries in this chunk
        written = self._written
        for entries, _ in self._pending:
            take = entries[written:written + self.CHUNK - len(chunk)]
            chunk += take
            touched += 1
            if written + len(take) < len(entries) or len(chunk) >= self.CHUNK:
                break
            written = 0
        try:
            if chunk:
                self.log.append(chunk)
        except Exception as error:  # the database is down or full: every request of the slice learns it
            failed, self._pending, self._written = self._pending[:touched], self._pending[touched:], 0
            for _, future in failed:
                if not future.done():
                    future.set_exception(error)
        else:
            done = 0
            position = self._written + len(chunk)
            for entries, future in self._pending[:touched]:
                if position < len(entries):
                    break
                position -= len(entries)
                done += 1
                if not future.done():  # a client that went away leaves a cancelled future; its record stands
                    future.set_result([e.decision_id for e in entries])
            self._pending, self._written = self._pending[done:], position if done < touched else 0
        if self._pending:
            asyncio.get_running_loop().call_soon(self._flush)


# ------------------------------------------------------------------ metrics (Prometheus text format)


BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """Per-worker counters and a latency histogram; small enough not to need prometheus_client."""

    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, str], int] = {}
        self.latency: dict[str, list[float]] = {}  # route → bucket counts…, then sum, count
        self.decisions: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            key = (method, route, str(status))
            self.requests[key] = self.requests.get(key, 0) + 1
            h = self.latency.setdefault(route, [0.0] * (len(BUCKETS) + 2))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    h[i] += 1
            h[-2] += seconds
            h[-1] += 1

    def decided(self, decision: dict[str, Any]) -> None:
        with self._lock:
            for d in decision["decisions"]:
                key = (d["permit"], d["outcome"])
                self.decisions[key] = self.decisions.get(key, 0) + 1

    def render(self) -> str:
        def labels(**kv: str) -> str:
            return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in kv.items()) + "}"

        lines = ["# HELP lexgraph_http_requests_total HTTP requests by method, route and status.",
                 "# TYPE lexgraph_http_requests_total counter"]
        with self._lock:
            for (method, route, status), n in sorted(self.requests.items()):
                lines.append(f"lexgraph_http_requests_total{labels(method=method, route=route, status=status)} {n}")
            lines += ["# HELP lexgraph_http_request_duration_seconds Request latency by route.",
                      "# TYPE lexgraph_http_request_duration_seconds histogram"]
            for route, h in sorted(self.latency.items()):
                for i, bound in enumerate(BUCKETS):
                    lines.append(f"lexgraph_http_request_duration_seconds_bucket{labels(route=route, le=repr(bound))} {int(h[i])}")
                lines.append(f"lexgraph_http_request_duration_seconds_bucket{labels(route=route, le='+Inf')} {int(h[-1])}")
                lines.append(f"lexgraph_http_request_duration_seconds_sum{labels(route=route)} {h[-2]:.6f}")
                lines.append(f"lexgraph_http_request_duration_seconds_count{labels(route=route)} {int(h[-1])}")
            lines += ["# HELP lexgraph_decisions_total Permit decisions by outcome.",
                      "# TYPE lexgraph_decisions_total counter"]
            for (permit, outcome), n in sorted(self.decisions.items()):
                lines.append(f"lexgraph_decisions_total{labels(permit=permit, outcome=outcome)} {n}")
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Edge:
    """Pure ASGI middleware: body size limits (413 before the app reads a byte too many), a
    deadline for the whole body (408: a client that trickles its body cannot hold a connection
    and its task for ever) and metrics for every request. Pure ASGI because BaseHTTPMiddleware
    costs a task per request."""

    def __init__(self, app: ASGIApp, metrics: Metrics, max_body: int, body_timeout: float = BODY_TIMEOUT):
        self.app, self.metrics, self.max_body, self.body_timeout = app, metrics, max_body, body_timeout

    async def __call__(self, scope: Scope, receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:
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
            await _send_json(send_wrapper, 408, {"detail": f"the request body did not arrive within "
                                                           f"{self.body_timeout:g} s"}, close=True)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe(scope["method"], route, status, time.perf_counter() - start)


async def _send_json(send: Callable[[Any], Awaitable[None]], status: int, body: dict[str, Any],
                     close: bool = False) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


# ------------------------------------------------------------------ OpenAPI: the contract, verbatim


def _contract(name: str, prefix: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A contract schema as OpenAPI 3.1 components: its $defs become named components."""
    schema = json.loads(resources.files("lexgraph.contract").joinpath(name).read_text(encoding="utf-8"))
    defs = schema.pop("$defs", {})
    schema.pop("$schema", None)
    schema.pop("$id", None)

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: (f"#/components/schemas/{prefix}_{v.rsplit('/', 1)[1]}" if k == "$ref" and isinstance(v, str)
                        and v.startswith("#/$defs/") else rewrite(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    return rewrite(schema), {f"{prefix}_{k}": rewrite(v) for k, v in defs.items()}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


PROBLEM = {"type": "object", "required": ["detail"], "properties": {
    "detail": {"type": "string"},
    "problems": {"type": "array", "items": {"type": "object", "required": ["path", "message"], "properties": {
        "path": {"type": "string", "description": "the field path: $.applicant.birth_date, query.as_of…"},
        "message": {"type": "string"}}}}}}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {400: "Bad request", 401: "Missing or wrong bearer token", 404: "Not found", 408: "The body came too slowly",
            409: "Already exists", 413: "Request body too large", 415: "The body is not application/json",
            422: "Invalid input: every problem with its field path",
            429: "Too many new laws (with/set combinations) asked for by this client", 501: "Not available in this build",
            503: "The decision log cannot be written"}
    return {c: {"description": text[c], **_json_content(_ref("Problem"))} for c in codes}


# ------------------------------------------------------------------ the app


def create_app(config: ServiceConfig | None = None) -> "FastAPI":
    """Build the service. One instance per worker process; workers share only the database and
    the upload folder."""
    from fastapi import Path as PathParam
    from fastapi import Query, Request
    from fastapi.concurrency import run_in_threadpool
    from fastapi.exceptions import RequestValidationError
    from fastapi.openapi.utils import get_openapi
    from fastapi.responses import PlainTextResponse, Response
    from pydantic import Field
    from starlette.exceptions import HTTPException as StarletteHTTPException

    config = config or ServiceConfig()
    laws = Laws(config)
    log = DecisionLog(config.db)
    log.checkpoint_in_background()
    committer = GroupCommitter(log)
    metrics = Metrics()
    from fastapi_offline import FastAPIOffline  # /docs with Swagger UI from the package: no network

    app = FastAPIOffline(title="lexgraph rule service", version="1",
                  description="China's immigration regulations as code: reasoned decisions over HTTP, every one "
                              "appended to a hash-chained decision log.")
    app.state.laws, app.state.log, app.state.metrics = laws, log, metrics

    def respond(data: Any, status: int = 200) -> Response:
        return Response(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), status,
                        media_type="application/json")

    @app.exception_handler(HTTPProblem)
    async def _problem(_request: Request, error: HTTPProblem) -> Response:
        return respond(error.body(), error.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> Response:
        problems = [("".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"])[1:], e["msg"])
                    for e in error.errors()]
        return respond(HTTPProblem(422, "invalid request", problems).body(), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, error: StarletteHTTPException) -> Response:
        response = respond({"detail": str(error.detail)}, error.status_code)
        response.headers.update(error.headers or {})  # e.g. Allow on 405
        return response

    async def read_json(request: Request, max_values: int = MAX_JSON_VALUES) -> Any:
        """The body as JSON. Only `application/json` (415 otherwise: a web page's form or
        text/plain request cannot write into the log); the count of JSON values is bounded before
        parsing, so junk cannot make the parser build hundreds of megabytes of objects."""
        media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
            raise HTTPProblem(415, "the body must be application/json",
                              [("header.content-type", f"`{media or 'none'}` is not application/json")])
        body = await request.body()
        if sum(body.count(c) for c in (b",", b":", b"[", b"{")) > max_values:
            raise HTTPProblem(413, f"the body holds more than {max_values} JSON values",
                              [("$", "too many values for its kind of request")])
        try:
            if len(body) > 256 << 10:  # a large body is parsed off the event loop
                return await run_in_threadpool(parse_json, body)
            return parse_json(body)
        except ApplicationError as error:
            raise HTTPProblem(422, "the body is not JSON this service reads", error.problems) from None

    async def law_for(request: Request, amendments: list[str], parameters: dict[str, str]) -> tuple[LawContext, list[Path]]:
        """The law for with/set: from the cache on the loop, or compiled in a worker thread (one at a
        time), within the client's allowance of new laws."""
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
            raise HTTPProblem(422, "the application does not follow the contract",
                              [(path + p[1:], m) for p, m in error.problems]) from None

    def prepare(context: LawContext, paths: list[Path], applications: list[dict[str, Any]], as_of: dt.date | None,
                parameters: dict[str, str], explain: str) -> tuple[list[Entry], list[tuple[dict[str, Any], str]]]:
        entries, answers = [], []
        for application in applications:
            # Already validated against the contract: go straight to the evaluator.
            decision = context.evaluator.decide(application, as_of, trace=True)
            full = decision_json(decision)  # the log always keeps the full proof tree
            full_text = compact(full)
            # Only text is kept past this loop (the entry's decision is its text; the answer keeps the
            # outcomes the metrics count): a batch holds no proof trees, so the collector has little to
            # walk while the loop waits for the GIL (a full proof of every permit is ~130 kB).
            entry = log.entry(application, {"law": full["law"]}, context, paths, parameters, explain, decision_text=full_text)
            entries.append(entry)
            text = compact(decision_json(decision, summary=True)) if explain == "summary" else full_text
            outcomes = {"decisions": [{"permit": d["permit"], "outcome": d["outcome"]} for d in full["decisions"]]}
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

    async def decide(request: Request, applications: list[Any], as_of_text: str | None, amendments: list[str],
                     assignments: list[str], explain: str, batch: bool = False) -> list[str]:
        """Validate, decide, log (awaiting the commit), and return each answer as encoded JSON text.
        One application is decided on the event loop (a fraction of a millisecond); a batch in a
        worker thread, so the other requests go on meanwhile."""
        as_of = parse_day(as_of_text)
        parameters = parse_assignments(assignments)
        context, paths = await law_for(request, amendments, parameters)
        if batch:
            def work() -> tuple[list[Entry], list[tuple[dict[str, Any], str]]]:
                return prepare(context, paths, validate_all(applications), as_of, parameters, explain)

            entries, answers = await run_in_threadpool(work)
        else:
            entries, answers = prepare(context, paths, [application_of(a) for a in applications], as_of,
                                       parameters, explain)
        try:
            ids = await committer.submit(entries)
        except Exception as error:  # never hand out a decision that is not in the log
            raise HTTPProblem(503, f"the decision log cannot be written: {type(error).__name__}") from None
        out = []
        for (answer, text), decision_id in zip(answers, ids, strict=True):
            metrics.decided(answer)
            out.append(f'{{"decision_id":"{decision_id}",{text[1:]}')
        return out

    def respond_text(text: str) -> Response:
        return Response(text.encode(), 200, media_type="application/json")

    as_of_q = Query(None, description="the law in force that day (default: the application's decision_date)",
                    pattern=DATE.pattern)
    day_q = Query(None, description="default: today", pattern=DATE.pattern)
    Assignment = Annotated[str, Field(pattern=ASSIGNMENT.pattern)]
    with_q = Query([], alias="with", description="amendment ids known to the server (repeatable)")
    set_q = Query([], alias="set", description="amendment parameter name=value (repeatable)")
    explain_q = Query("full", pattern="^(full|summary)$", description="full proof trees, or grounds only")
    citation_p = PathParam(description="INSTRUMENT/art_N[__para_P[__item_I]], e.g. pr_measures/art_6",
                           pattern=CITATION.pattern)
    application_body = {"requestBody": {"required": True, **_json_content(_ref("Application"))}}

    @app.post("/v1/decisions", tags=["decisions"], openapi_extra=application_body, summary="Decide one application",
              responses={200: {"description": "The decision (logged)", **_json_content(_ref("Decision"))},
                         **_errors(404, 408, 413, 415, 422, 429, 503)})
    async def post_decision(request: Request, as_of: str | None = as_of_q, with_: list[str] = with_q,
                            set_: list[Assignment] = set_q, explain: str = explain_q) -> Response:
        (answer,) = await decide(request, [await read_json(request)], as_of, with_, set_, explain)
        return respond_text(answer)

    batch_schema = {"type": "object", "required": ["applications"], "additionalProperties": False, "properties": {
        "applications": {"type": "array", "maxItems": MAX_BATCH, "items": _ref("Application")}}}

    @app.post("/v1/decisions:batch", tags=["decisions"], summary="Decide many applications in one call",
              openapi_extra={"requestBody": {"required": True, **_json_content(batch_schema)}},
              responses={200: {"description": "The decisions, in order (each logged)", **_json_content(
                  {"type": "object", "required": ["decisions"],
                   "properties": {"decisions": {"type": "array", "items": _ref("Decision")}}})},
                  **_errors(404, 408, 413, 415, 422, 429, 503)})
    async def post_batch(request: Request, as_of: str | None = as_of_q, with_: list[str] = with_q,
                         set_: list[Assignment] = set_q, explain: str = explain_q) -> Response:
        data = await read_json(request, MAX_JSON_TOKENS * MAX_BATCH)
        if not isinstance(data, dict) or not isinstance(data.get("applications"), list):
            raise HTTPProblem(422, "expected {\"applications\": [...]}", [("$.applications", "an array of applications")])
        items = data["applications"]
        if len(items) > MAX_BATCH:
            raise HTTPProblem(422, f"at most {MAX_BATCH} applications per batch", [("$.applications", "too many")])
        answers = await decide(request, items, as_of, with_, set_, explain, batch=True)
        return respond_text('{"decisions":[' + ",".join(answers) + "]}")

    record_schema = {"type": "object", "required": ["decision_id", "seq", "created_at", "application", "decision", "law",
                                                    "prev_hash", "hash"],
                     "properties": {"decision_id": {"type": "string"}, "seq": {"type": "integer"},
                                    "created_at": {"type": "string"}, "application": _ref("Application"),
                                    "decision": _ref("Decision"), "law": {"type": "object"},
                                    "explain": {"type": "string"}, "prev_hash": {"type": "string"},
                                    "hash": {"type": "string"}}}

    def record_of(decision_id: str) -> dict[str, Any]:
        try:
            return log.get(decision_id)
        except AuditError as error:
            raise HTTPProblem(404, str(error)) from None

    def require_token(request: Request, what: str) -> None:
        if not config.token:
            raise HTTPProblem(404, f"{what} is off (start the service with a token)")
        supplied = request.headers.get("authorization", "")
        if not hmac.compare_digest(supplied.encode(), f"Bearer {config.token}".encode()):
            raise HTTPProblem(401, "a valid bearer token is required")

    @app.get("/v1/decisions", tags=["decisions"], summary="Where an application's decisions are in the log (bearer token)",
             description="An application id may be guessable; the decision ids it leads to open the records, "
                         "so this lookup is for auditors holding the service's token.",
             responses={200: {"description": "The decisions logged for that application id, oldest first",
                              **_json_content({"type": "object", "required": ["application_id", "decisions"]})},
                        **_errors(401, 404, 422)})
    async def find_decisions(request: Request, application_id: str = Query(..., min_length=1, max_length=4096),
                             limit: int = Query(100, ge=1, le=1000)) -> Response:
        require_token(request, "finding decisions by application id")
        found = await run_in_threadpool(log.find, application_id, limit)
        return respond({"application_id": application_id, "decisions": found})

    @app.get("/v1/decisions/{decision_id}", tags=["decisions"], summary="A logged decision: input, decision, law, time",
             responses={200: {"description": "The log record", **_json_content(record_schema)}, **_errors(404)})
    async def get_decision(decision_id: str) -> Response:
        return respond(await run_in_threadpool(record_of, decision_id))

    @app.post("/v1/decisions/{decision_id}/replay", tags=["decisions"],
              summary="Re-decide under the exact stored sources; report any difference",
              responses={200: {"description": "The replay report", **_json_content(
                  {"type": "object", "required": ["same", "differences"],
                   "properties": {"same": {"type": "boolean"}, "differences": {"type": "array"}}})},
                  **_errors(404, 422)})
    async def replay(decision_id: str) -> Response:
        record_of(decision_id)
        try:
            report = await run_in_threadpool(log.replay, decision_id)
        except LexgraphError as error:  # the stored sources no longer load: say where
            raise HTTPProblem(422, "the stored sources do not load",
                              [(str(d.span), f"{d.code}: {d.message}") for d in error.diagnostics]) from None
        except ApplicationError as error:  # logged before today's contract bounds (e.g. a NaN)
            raise HTTPProblem(422, "the stored application does not follow the contract",
                              [("record.application" + p[1:], m) for p, m in error.problems]) from None
        except AuditError as error:
            raise HTTPProblem(422, str(error)) from None
        return respond(report)

    @app.get("/v1/law", tags=["law"], summary="Instruments in force, amendments, parameters and the digest",
             responses={200: {"description": "The law", **_json_content({"type": "object"})}, **_errors(404, 422, 429)})
    async def get_law(request: Request, as_of: str | None = day_q, with_: list[str] = with_q,
                      set_: list[Assignment] = set_q) -> Response:
        context, _ = await law_for(request, with_, parse_assignments(set_))
        law = context.law
        day = parse_day(as_of) or dt.date.today()
        instruments = [{"id": i.id, "kind": i.kind, "title_zh": i.title_zh, "title_en": i.title_en, "rank": i.rank,
                        "status": i.status, "in_force": _iso(i.in_force), "repealed": _iso(i.repealed)}
                       for i in (law.instruments[x] for x in law.instruments_in_force(day))]
        return respond({"as_of": day.isoformat(), "digest": law.digest, "instruments": instruments,
                        "amendments": list(law.applied_amendments), "amendments_available": sorted(laws.known()),
                        "parameters": {k: _jsonable(v) for k, v in sorted(law.parameter_values.items())},
                        "permits": sorted(law.permits)})

    def neighbours(context: LawContext, node: str) -> list[dict[str, Any]]:
        g = context.graph.g
        if node not in g:
            return []
        out = [{"direction": "out", "node": b, **{k: _jsonable(v) for k, v in d.items()}} for _, b, d in g.out_edges(node, data=True)]
        out += [{"direction": "in", "node": a, **{k: _jsonable(v) for k, v in d.items()}} for a, _, d in g.in_edges(node, data=True)]
        return sorted(out, key=lambda e: (e["direction"], e["kind"], e["node"]))

    @app.get("/v1/rules/{rule_id:path}", tags=["law"], summary="A rule: citation, text, definition, graph neighbours",
             responses={200: {"description": "The rule", **_json_content({"type": "object"})}, **_errors(404, 422, 429)})
    async def get_rule(request: Request, rule_id: str, with_: list[str] = with_q, set_: list[Assignment] = set_q) -> Response:
        from lexgraph.engine.evaluate import cited_text, law_numbering, render_citation

        context, _ = await law_for(request, with_, parse_assignments(set_))
        rule = context.law.rules.get(rule_id)
        if rule is None:
            raise HTTPProblem(404, f"no rule `{rule_id}`")
        c = rule.citation
        numbers = law_numbering(context.law)
        return respond({
            "id": rule.id, "instrument": rule.instrument, "citation": render_citation(context.law, rule),
            "provision": f"{c.instrument}/{c.path}" if c else None,
            "text": cited_text(context.law, numbers.cite_rule(rule, context.law.instruments), numbers),  # numbered as in force now
            "strict": rule.strict, "source": rule.source, "note": rule.note, "gloss": rule.gloss,
            "conclusions": [{"kind": k.kind, "permits": list(k.permits), "name": k.name} for k in rule.conclusions],
            "definition": _source_text(context, rule.span), "neighbours": neighbours(context, f"rule:{rule.id}"),
        })

    @app.get("/v1/articles/{citation:path}", tags=["law"],
             summary="An article (or paragraph, item): verbatim text, the rules citing it, graph neighbours",
             responses={200: {"description": "The article", **_json_content({"type": "object"})}, **_errors(404, 422, 429)})
    async def get_article(request: Request, citation: str = citation_p, with_: list[str] = with_q, set_: list[Assignment] = set_q) -> Response:
        match = CITATION.match(citation)
        if match is None:
            raise HTTPProblem(422, "not a citation", [("path.citation", "expected INSTRUMENT/art_N[__para_P[__item_I]], "
                                                                        "e.g. pr_measures/art_6")])
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
        text = items[0].text if item else (paragraphs[0].text + "".join(i.text for i in paragraphs[0].items)
                                           if para else article.full_text())
        rules = sorted(r.id for r in context.law.rules.values() if r.citation and r.citation.instrument == inst
                       and r.citation.article == number and (not para or r.citation.paragraph == para)
                       and (not item or r.citation.item == item))
        instrument = context.law.instruments.get(inst)
        return respond({
            "citation": citation, "instrument": inst, "title_zh": instrument.title_zh if instrument else "",
            "article": number, "paragraph": para or None, "item": item or None, "text": text,
            "gloss": article.gloss, "note": article.note,
            "paragraphs": [{"number": p.number, "text": p.text, "gloss": p.gloss, "note": p.note,
                            "items": [{"number": i.number, "text": i.text, "gloss": i.gloss, "note": i.note}
                                      for i in p.items if not item or i.number == item]} for p in paragraphs],
            "rules": rules, "neighbours": neighbours(context, f"provision:{inst}/art_{number}"),
        })

    @app.post("/v1/analyses", tags=["law"], summary="The findings of `lexgraph analyze` for as_of / with / set",
              responses={200: {"description": "The findings", **_json_content({"type": "object"})},
                         **_errors(404, 422, 429, 501)})
    async def post_analysis(request: Request, as_of: str | None = day_q, with_: list[str] = with_q,
                            set_: list[Assignment] = set_q) -> Response:
        if importlib.util.find_spec("lexgraph.compliance.analysis") is None:
            raise HTTPProblem(501, "analysis is not part of this build (lexgraph.compliance.analysis is missing)")
        context, _ = await law_for(request, with_, parse_assignments(set_))
        return respond(await run_in_threadpool(run_analysis, context, parse_day(as_of) or dt.date.today()))

    @app.post("/v1/amendments", tags=["law"], summary="Load a new amendment source at run time (bearer token)",
              openapi_extra={"requestBody": {"required": True, **_json_content(
                  {"type": "object", "required": ["source"], "properties": {
                      "source": {"type": "string", "description": "the amendment's .lex text"},
                      "id": {"type": "string", "description": "default: the name of its `amendment` block"}}})}},
              responses={201: {"description": "Loaded and checked", **_json_content({"type": "object"})},
                         **_errors(401, 404, 408, 409, 413, 415, 422)})
    async def post_amendment(request: Request) -> Response:
        if laws.upload_dir is None:
            raise HTTPProblem(404, "loading amendments at run time is off (start the service with a token)")
        require_token(request, "loading amendments at run time")
        data = await read_json(request)
        if not isinstance(data, dict) or not isinstance(data.get("source"), str):
            raise HTTPProblem(422, "expected {\"source\": \"…\"}", [("$.source", "the amendment text, a string")])
        text: str = data["source"]
        result = await run_in_threadpool(_load_amendment, laws, text, data.get("id"))
        return respond(result, 201)

    @app.get("/healthz", tags=["operations"], summary="Liveness",
             responses={200: {"description": "Alive", **_json_content({"type": "object"})}})
    async def healthz() -> Response:
        return respond({"status": "ok", "pid": os.getpid()})

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics (this worker)",
             responses={200: {"description": "Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}}})
    async def get_metrics() -> Response:
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    application_schema, application_defs = _contract("application.schema.json", "Application")
    decision_schema, decision_defs = _contract("decision.schema.json", "Decision")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schemas = spec.setdefault("components", {}).setdefault("schemas", {})
            schemas.update({"Application": application_schema, "Decision": decision_schema, "Problem": PROBLEM,
                            **application_defs, **decision_defs})
            for methods in spec["paths"].values():
                for operation in methods.values():
                    for parameter in operation.get("parameters", []):
                        if parameter["name"] == "as_of":  # a calendar date, said plainly
                            parameter["schema"] = {"type": "string", "format": "date", "pattern": DATE.pattern}
                            # Edge cases every client (and schemathesis' examples phase) should try.
                            parameter["examples"] = {d: {"value": d} for d in ("2024-06-01", "0000-01-01", "9999-12-31")}
                    # FastAPI documents its own validation error; ours is the Problem above.
                    operation.get("responses", {}).get("422", {}).get("content", {}).get(
                        "application/json", {})["schema"] = _ref("Problem")
            body = spec["paths"]["/v1/decisions"]["post"]["requestBody"]["content"]["application/json"]
            body["examples"] = {name: {"value": value} for name, value in _hostile_examples().items()}
            app.openapi_schema = spec
        return app.openapi_schema

    from .monitor_service import add_case_routes  # case timelines and their obligations (issue 15)

    add_case_routes(app, laws, config.db, respond)
    from .workbench import add_workbench  # the drafter's workbench at / (issue 18)

    add_workbench(app, laws, log, config.token, law_for)
    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(Edge, metrics=metrics, max_body=config.max_body, body_timeout=config.body_timeout)
    laws.get([], {})  # load the baseline now, not on the first request
    # The law, its compiled programs and the app live as long as the worker: move them out of the
    # collector's sight, so a full collection walks only the requests in flight (short pauses).
    gc.collect()
    gc.freeze()
    return app


def _hostile_examples() -> dict[str, dict[str, Any]]:
    """Applications at the contract's edges, documented as examples so that schemathesis' examples
    phase sends them on every run: each must give a decision or a 422 naming the field."""
    applicant: dict[str, Any] = {"nationality": "DEU", "birth_date": "1985-06-15"}
    base: dict[str, Any] = {"id": "edge", "decision_date": "2024-06-01", "applicant": applicant}
    return {
        "plain": base,
        "year_zero": {**base, "decision_date": "0000-01-01"},
        "last_day": {**base, "residence": {"entry_date": "9999-12-31"}},
        "nationality_newline": {**base, "applicant": {**base["applicant"], "nationality": "DEU\n"}},
        "repeated_permit": {**base, "requested": ["d_visa"] * 50},
        "huge_salary": {**base, "employment": {"annual_salary_cny": 10**30}},
    }


def app_from_env() -> "FastAPI":
    """The uvicorn factory for worker processes: configuration arrives in LEXGRAPH_SERVICE_CONFIG."""
    return create_app(ServiceConfig.from_env())


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
    return "\n".join(lines[span.line - 1:max(span.end_line, span.line)])


_analysis_lock = threading.Lock()
_analyses: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()


def run_analysis(context: LawContext, day: dt.date) -> dict[str, Any]:
    """`lexgraph analyze` for one law and day. z3's default context is not thread-safe, so analyses
    run one at a time; a law and day always give the same findings, so they are cached."""
    from lexgraph.compliance.analysis import analyze

    key = (context.law.digest, day.isoformat())
    with _analysis_lock:
        if key not in _analyses:
            _analyses[key] = analyze(context, day).to_json()
            while len(_analyses) > 32:
                _analyses.popitem(last=False)
        return _analyses[key]


def _load_amendment(laws: Laws, text: str, wanted: Any) -> dict[str, Any]:
    """Check an uploaded amendment as data and keep it. Judged on the grammar's parse, never on
    the text: exactly one `amendment` block, no `instrument`, and no `import` anywhere (an import
    would read a file of the server's: /etc/shadow, /dev/zero, a FIFO). Then checked against the
    baseline before it is kept; nothing but the upload itself is read."""
    from lexgraph.engine.syntax import parse

    if len(text.encode("utf-8", "surrogatepass")) > MAX_AMENDMENT:
        raise HTTPProblem(413, f"an amendment is at most {MAX_AMENDMENT} bytes")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise HTTPProblem(422, "the amendment is not Unicode text", [("$.source", "it holds a lone surrogate")]) from None
    tree, errors = parse(text, "upload.lex")
    if tree is None:
        raise HTTPProblem(422, "the amendment does not parse", [
            (f"$.source:{d.span.line}:{d.span.column}", f"{d.code}: {d.message}") for d in errors])
    declarations = [d for d in tree.children if hasattr(d, "data")]

    def at(node: Any) -> str:
        return f"$.source:{getattr(node.meta, 'line', 1)}:{getattr(node.meta, 'column', 1)}"

    imports = [d for d in declarations if d.data == "import_decl"]
    if imports:
        raise HTTPProblem(422, "an uploaded amendment may not import other files",
                          [(at(d), "import is not allowed here") for d in imports])
    blocks = [d for d in declarations if d.data == "amendment_decl"]
    instruments = [d for d in declarations if d.data == "instrument_decl"]
    if len(blocks) != 1 or instruments:
        problems = [(at(d), "an instrument is not allowed here") for d in instruments]
        if len(blocks) != 1:
            problems.append(("$.source", f"found {len(blocks)} amendment blocks"))
        raise HTTPProblem(422, "an amendment file holds exactly one `amendment` block and no instrument", problems)
    amendment_id = wanted if wanted is not None else str(blocks[0].children[0])
    if not isinstance(amendment_id, str) or not AMENDMENT_ID.match(amendment_id):
        raise HTTPProblem(422, "bad amendment id", [("$.id", "lower-case letters, digits and _, 1–64 characters")])
    assert laws.upload_dir is not None
    if amendment_id in laws.known():
        raise HTTPProblem(409, f"amendment `{amendment_id}` already exists")
    with tempfile.TemporaryDirectory(prefix="lexgraph-upload-") as tmp:
        candidate = Path(tmp) / f"{amendment_id}.lex"
        candidate.write_text(text, encoding="utf-8")
        try:
            context = LawContext.load(laws.law_dirs, [candidate])
        except LexgraphError as error:
            raise HTTPProblem(422, "the amendment does not check", [
                (f"$.source:{d.span.line}:{d.span.column}" if Path(d.span.path).name == candidate.name else "$.source",
                 f"{d.code}: {d.message}") for d in error.diagnostics]) from None
        laws.upload_dir.mkdir(parents=True, exist_ok=True)
        try:
            # A hard link fails if the name is taken: two workers uploading one id cannot both win.
            os.link(candidate, laws.upload_dir / f"{amendment_id}.lex")
        except FileExistsError:
            raise HTTPProblem(409, f"amendment `{amendment_id}` already exists") from None
        except OSError:
            target = laws.upload_dir / f"{amendment_id}.lex"
            with open(target, "x", encoding="utf-8") as out:
                out.write(text)
    return {"id": amendment_id, "digest": context.law.digest, "amendments": list(context.law.applied_amendments)}


__all__ = ["ServiceConfig", "create_app", "app_from_env"]
