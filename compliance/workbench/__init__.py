"""The drafter's workbench: the law, a decision, an amendment and the audit log in the browser.

Server-rendered Jinja2 pages with a little plain JavaScript (static/workbench.js), served by
`lexgraph serve` at `/` from the same process and law cache (`Laws`) as the API. Every asset is
package data: no network at run time. The pages call only the public functions of the engine and
compliance modules; `lexgraph.compliance.workbench.law` assembles what they show.

No `from __future__ import annotations` here: FastAPI reads the route functions' annotations."""

import asyncio
import datetime as dt
import hmac
import json
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode

from . import law as views

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ..audit import DecisionLog
    from ..service import Laws

STATIC = "/workbench/static"
MAX_POPULATION = 1_000_000


def _templates() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("lexgraph.compliance.workbench", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static"] = STATIC
    env.filters["tojson_pretty"] = lambda v: json.dumps(v, ensure_ascii=False, indent=2, sort_keys=True)
    return env


IMPACT_RUNS = threading.Lock()  # one impact run at a time per worker: each takes the cores it can get


def add_workbench(
    app: "FastAPI",
    laws: "Laws",
    log: "DecisionLog",
    token: str | None,
    law_for: Callable[..., Awaitable[tuple[Any, list[Path]]]],
) -> None:
    """Mount the workbench pages at `/` and its assets at /workbench/static. `law_for` is the
    service's: the law for with/set from the cache, or compiled within the client's allowance."""
    from fastapi import APIRouter, Request
    from fastapi.concurrency import run_in_threadpool
    from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
    from fastapi.staticfiles import StaticFiles

    from ..service import HTTPProblem, parse_assignments

    env = _templates()
    router = APIRouter(include_in_schema=False)
    static_dir = Path(str(resources.files("lexgraph.compliance.workbench"))) / "static"
    app.mount(STATIC, StaticFiles(directory=static_dir), name="workbench-static")

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context), status_code=status)

    def law_query(request: Request) -> tuple[list[str], dict[str, str], dt.date, str]:
        q = request.query_params
        amendments = [a for a in q.getlist("with") if a]
        try:
            parameters = parse_assignments([s for s in q.getlist("set") if s])
        except HTTPProblem as error:
            raise HTTPProblem(422, error.detail, [("query.set", error.detail)]) from None
        day_text = q.get("as_of") or ""
        try:
            day = dt.date.fromisoformat(day_text) if day_text else dt.date.today()
        except ValueError:
            raise HTTPProblem(
                422, f"as_of `{day_text}` is not a date", [("query.as_of", "expected YYYY-MM-DD")]
            ) from None
        keep = urlencode(
            [("with", a) for a in amendments]
            + [("set", f"{k}={v}") for k, v in parameters.items()]
            + ([("as_of", day_text)] if day_text else [])
        )
        return amendments, parameters, day, keep

    async def baseline() -> Any:
        cached = laws.cached([], {})
        if cached is None:
            cached = await run_in_threadpool(laws.get, [], {})
        return cached[0]

    async def context_of(request: Request) -> tuple[Any, list[str], dict[str, str], dt.date, str]:
        amendments, parameters, day, keep = law_query(request)
        context = (await law_for(request, amendments, parameters))[0]
        return context, amendments, parameters, day, keep

    def common(
        amendments: list[str], parameters: dict[str, str], day: dt.date, keep: str, **more: Any
    ) -> dict[str, Any]:
        return {
            "amendments": amendments,
            "parameters": parameters,
            "as_of": day.isoformat(),
            "keep": keep,
            "available": sorted(laws.known()),
            **more,
        }

    @router.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        context, amendments, parameters, day, keep = await context_of(request)
        return page(
            "law_index.html",
            **common(amendments, parameters, day, keep, instruments=views.instruments(context, day)),
        )

    @router.get("/law/search", response_class=HTMLResponse)
    async def search(request: Request) -> Response:
        context, amendments, parameters, day, keep = await context_of(request)
        query = request.query_params.get("q", "").strip()
        hits = views.search(context, query)
        if len(hits) == 1:
            return RedirectResponse(
                hits[0]["href"] + (f"?{keep}" if keep else "") + hits[0].get("anchor", ""), 303
            )
        return page("search.html", **common(amendments, parameters, day, keep, query=query, hits=hits))

    @router.get("/law/{instrument}", response_class=HTMLResponse)
    async def instrument(request: Request, instrument: str) -> Response:
        context, amendments, parameters, day, keep = await context_of(request)
        data = views.instrument_page(context, instrument)
        if data is None:
            raise HTTPProblem(404, f"no instrument `{instrument}`")
        return page("instrument.html", **common(amendments, parameters, day, keep, **data))

    @router.get("/law/{instrument}/{number}", response_class=HTMLResponse)
    async def article(request: Request, instrument: str, number: int) -> Response:
        context, amendments, parameters, day, keep = await context_of(request)
        findings = await run_in_threadpool(views.findings, context, day)
        data = await run_in_threadpool(views.article_page, context, instrument, number, findings, laws)
        if data is None:
            raise HTTPProblem(404, f"no article {number} in `{instrument}`")
        return page("article.html", **common(amendments, parameters, day, keep, **data))

    # ------------------------------------------------------------------ decide

    async def decide_page(request: Request, form: dict[str, list[str]] | None) -> Response:
        context, amendments, parameters, day, keep = await context_of(request)
        fields = views.form_fields()
        values: dict[str, str] = {}
        result: dict[str, Any] | None = None
        problems: list[tuple[str, str]] = []
        pasted = ""
        if form is not None:
            pasted = (form.get("json") or [""])[0]
            try:
                application, values = views.application_from_form(form, fields)
                decision = await run_in_threadpool(context.decide, application, None, True)
                result = views.decision_view(decision)
                pasted = json.dumps(
                    application, ensure_ascii=False, indent=2
                )  # the base of the next decision
            except views.FormError as error:
                problems = error.problems
                values = error.values
        return page(
            "decide.html",
            status=422 if problems else 200,
            **common(
                amendments,
                parameters,
                day,
                keep,
                fields=fields,
                values=values,
                result=result,
                problems=problems,
                pasted=pasted,
                permits=context.permits,
            ),
        )

    @router.get("/decide", response_class=HTMLResponse)
    async def decide_get(request: Request) -> Response:
        return await decide_page(request, None)

    @router.post("/decide", response_class=HTMLResponse)
    async def decide_post(request: Request) -> Response:
        body = (await request.body()).decode("utf-8", "replace")
        return await decide_page(request, parse_qs(body, keep_blank_values=True))

    # ------------------------------------------------------------------ amendments

    @router.get("/amend", response_class=HTMLResponse)
    async def amend(request: Request) -> Response:
        q = request.query_params
        chosen = q.get("amendment") or ""
        known = laws.known()
        data: dict[str, Any] = {
            "chosen": chosen,
            "size": q.get("size") or "10000",
            "seed": q.get("seed") or "1",
        }
        if chosen:
            if chosen not in known:
                raise HTTPProblem(
                    404,
                    f"no amendment `{chosen}`",
                    [("query.amendment", f"known: {', '.join(sorted(known))}")],
                )
            params = {k[4:]: v for k, v in q.items() if k.startswith("set.") and v}
            base = await baseline()
            amended = await law_for(request, [chosen], params)
            data.update(await run_in_threadpool(views.amendment_view, base, amended[0], chosen, params))
        return page("amend.html", **common([], {}, dt.date.today(), "", **data))

    @router.post("/amend/impact")
    async def amend_impact(request: Request) -> Response:
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        chosen = (form.get("amendment") or [""])[0]
        known = laws.known()
        if chosen not in known:
            raise HTTPProblem(
                422, f"no amendment `{chosen}`", [("form.amendment", "pick a bundled amendment")]
            )
        try:
            size, seed = int((form.get("size") or ["10000"])[0]), int((form.get("seed") or ["1"])[0])
        except ValueError:
            raise HTTPProblem(
                422, "size and seed are whole numbers", [("form.size", "e.g. 100000")]
            ) from None
        if not 1 <= size <= MAX_POPULATION:
            raise HTTPProblem(422, f"size must be 1–{MAX_POPULATION}", [("form.size", f"1–{MAX_POPULATION}")])
        params = {k[4:]: v[0] for k, v in form.items() if k.startswith("set.") and v and v[0]}
        await law_for(request, [chosen], params)  # a bad parameter is a 422 here, not in the job
        path = known[chosen]

        async def lines() -> AsyncIterator[bytes]:
            """Progress as it comes, then the report: one JSON object a line, on this one request
            (so it works with several workers, which share no memory)."""
            loop = asyncio.get_running_loop()
            queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()

            def progress(done: int, total: int) -> None:
                loop.call_soon_threadsafe(
                    queue.put_nowait, {"status": "running", "done": done, "total": total}
                )

            def work() -> tuple[dict[str, Any], float]:
                with IMPACT_RUNS:
                    started = time.monotonic()
                    loop.call_soon_threadsafe(
                        queue.put_nowait, {"status": "running", "done": 0, "total": size}
                    )
                    report = views.impact_run(laws.law_dirs, path, params, size, seed, progress)
                    return report, round(time.monotonic() - started, 3)

            yield (json.dumps({"status": "queued", "done": 0, "total": size}) + "\n").encode()
            future = loop.run_in_executor(None, work)
            future.add_done_callback(lambda _: loop.call_soon_threadsafe(queue.put_nowait, None))
            while (item := await queue.get()) is not None:
                yield (json.dumps(item) + "\n").encode()
            try:
                report, seconds = future.result()
                html = env.get_template("impact.html").render(**views.impact_view(report), seconds=seconds)
                final: dict[str, Any] = {
                    "status": "done",
                    "done": size,
                    "total": size,
                    "seconds": seconds,
                    "html": html,
                }
            except Exception as error:  # reported to the page, which shows it
                final = {"status": "failed", "error": str(error)}
            yield (json.dumps(final, ensure_ascii=False) + "\n").encode()

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    # ------------------------------------------------------------------ audit

    def authorised(supplied: str) -> bool:
        return bool(token) and hmac.compare_digest(supplied.encode(), str(token).encode())

    @router.get("/audit", response_class=HTMLResponse)
    async def audit(request: Request) -> Response:
        from ..audit import AuditError

        q = request.query_params
        decision_id, application_id = q.get("id", "").strip(), q.get("application_id", "").strip()
        data: dict[str, Any] = {"decision_id": decision_id, "application_id": application_id, "problem": ""}
        status = 200
        if application_id:
            if not token:
                data["problem"], status = (
                    "finding decisions by application id is off (start the service with a token)",
                    404,
                )
            elif not authorised(q.get("token", "")):
                data["problem"], status = "a valid token is required to find decisions by application id", 401
            else:
                data["found"] = await run_in_threadpool(log.find, application_id, 100)
        if decision_id:
            try:
                record = await run_in_threadpool(log.get, decision_id)
                data["record"] = views.record_view(await baseline(), record)
            except AuditError as error:
                data["problem"], status = str(error), 404
        if q.get("verify"):
            data["verify"] = views.verify_view(await run_in_threadpool(log.verify))
        if q.get("replay") and decision_id and "record" in data:
            data["replay"] = await run_in_threadpool(log.replay, decision_id)
        return page("audit.html", status=status, **common([], {}, dt.date.today(), "", **data))

    app.include_router(router)

    def warm() -> None:  # the first article page should not pay for the analysis and the diffs
        try:
            context = laws.get([], {})[0]
            views.findings(context, dt.date.today())
            views.amendments_touching(laws, context, "", 0, set())
        except Exception:  # the pages compute (and report) it themselves when asked
            return

    threading.Thread(target=warm, name="workbench-warm", daemon=True).start()


def application_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
