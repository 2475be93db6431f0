"""Case timelines over HTTP (issue 15): events are stored in the service's database, a case's
obligations are rebuilt from its events on each request, so a restart (or another worker) loses
nothing.

    POST /v1/cases/{case_id}/events        one event or a list, in date order  → 201
    GET  /v1/cases/{case_id}/obligations   [?as_of=DATE&with=AMENDMENT]        → the monitor's report

No `from __future__ import annotations` here: FastAPI reads the endpoints' annotations.
"""

import datetime as dt
import json
import re
import threading
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, select
from sqlalchemy.exc import IntegrityError

from .audit import normalise_url
from .monitor import DurableMonitor, MonitorUnavailable, assemble, parse_event
from .monitor_render import report_json

CASE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
MAX_EVENTS_PER_POST = 1000

_metadata = MetaData()
case_events = Table(
    "case_events",
    _metadata,
    Column("case_id", String(128), primary_key=True),
    Column("n", Integer, primary_key=True),  # the event's place in its case, from 1
    Column("date", String(10), nullable=False),
    Column("body", Text, nullable=False),  # the event as posted (JSON)
)


class CaseStore:
    """Case events in the service's database (SQLite or PostgreSQL), appended in date order."""

    def __init__(self, url: str):
        url = normalise_url(url)
        args = (
            {"connect_args": {"timeout": 60, "check_same_thread": False}} if url.startswith("sqlite") else {}
        )
        self.engine = create_engine(url, **args)
        _metadata.create_all(self.engine)

    def events(self, case_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(case_events.c.n, case_events.c.body)
                .where(case_events.c.case_id == case_id)
                .order_by(case_events.c.n)
            ).all()
        out = []
        for n, body in rows:
            event, _ = parse_event(json.loads(body), n)
            assert event is not None  # validated before it was stored
            out.append(event)
        return out

    def append(self, case_id: str, raw: list[dict[str, Any]]) -> tuple[int, list[tuple[str, str]]]:
        """Validate and append; returns (events in the case now, problems). All or nothing."""
        for _attempt in range(3):
            with self.engine.begin() as conn:
                last = conn.execute(
                    select(case_events.c.n, case_events.c.date)
                    .where(case_events.c.case_id == case_id)
                    .order_by(case_events.c.n.desc())
                    .limit(1)
                ).first()
                n, last_date = (last[0], last[1]) if last else (0, "")
                problems: list[tuple[str, str]] = []
                rows = []
                for i, data in enumerate(raw):
                    where = f"$[{i}]"
                    if isinstance(data, dict) and "case" in data and str(data["case"]) != case_id:
                        problems.append(
                            (f"{where}.case", f"`{data['case']}` is not the case in the path ({case_id})")
                        )
                        continue
                    body = {**data, "case": case_id} if isinstance(data, dict) else data
                    event, found = parse_event(body, n + 1)
                    problems.extend((f"{where}.{fld}" if fld else where, msg) for _line, fld, msg in found)
                    if event is None:
                        continue
                    if event["date"] < last_date:
                        problems.append(
                            (
                                f"{where}.date",
                                f"out of order: {event['date']} is before the case's last "
                                f"event ({last_date}, event {n}); events come in date order",
                            )
                        )
                        continue
                    n, last_date = n + 1, event["date"]
                    rows.append(
                        {
                            "case_id": case_id,
                            "n": n,
                            "date": event["date"],
                            "body": json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                        }
                    )
                if problems:
                    return n, problems
                try:
                    conn.execute(case_events.insert(), rows)
                except IntegrityError:  # another worker appended to this case at the same moment
                    conn.rollback()
                    continue
                return n, []
        return 0, [("$", "the case is being written by another request; retry")]


def add_case_routes(app: Any, laws: Any, db_url: str, respond: Any) -> None:
    """Add the case endpoints to the rule service (compliance/service.py calls this once)."""
    from fastapi import Path as PathParam
    from fastapi import Query, Request
    from fastapi.concurrency import run_in_threadpool

    from .service import DATE, HTTPProblem, parse_day

    store = CaseStore(db_url)
    monitors: dict[str, Any] = {}
    lock = threading.Lock()

    def monitor_for(context: Any) -> Any:
        from lexgraph.engine.obligations import plan

        with lock:
            key = context.law.digest
            if key not in monitors:
                try:
                    monitors[key] = (DurableMonitor(plan(context.law)), plan(context.law))
                except MonitorUnavailable as error:
                    raise HTTPProblem(503, str(error)) from None
                while len(monitors) > 4:
                    old = monitors.pop(next(iter(monitors)))
                    old[0].close()
            return monitors[key]

    case_p = PathParam(description="the case id", pattern=CASE_ID.pattern)
    as_of_q = Query(None, pattern=DATE.pattern, description="default: the case's last event")
    with_q = Query([], alias="with", description="amendment ids known to the server (repeatable)")

    @app.post(
        "/v1/cases/{case_id}/events",
        tags=["cases"],
        summary="Append events to a case's timeline",
        responses={
            201: {"description": "Stored"},
            422: {"description": "A bad event (path and field named)"},
        },
    )
    async def post_events(request: Request, case_id: str = case_p) -> Any:
        body = await request.body()
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise HTTPProblem(
                422, "the body is not JSON", [("$", "an event object or a list of them")]
            ) from None
        items = data if isinstance(data, list) else [data]
        if not items or len(items) > MAX_EVENTS_PER_POST:
            raise HTTPProblem(
                422, f"post 1 to {MAX_EVENTS_PER_POST} events", [("$", "empty or too many events")]
            )
        total, problems = await run_in_threadpool(store.append, case_id, items)
        if problems:
            raise HTTPProblem(422, "the events were not stored", problems)
        return respond({"case": case_id, "accepted": len(items), "events": total}, 201)

    @app.get(
        "/v1/cases/{case_id}/obligations",
        tags=["cases"],
        summary="A case's obligations, rebuilt from its events",
        responses={
            200: {"description": "Met, open, breached and violated obligations"},
            404: {"description": "No such case"},
        },
    )
    async def get_obligations(
        case_id: str = case_p, as_of: str | None = as_of_q, with_: list[str] = with_q
    ) -> Any:
        events = await run_in_threadpool(store.events, case_id)
        if not events:
            raise HTTPProblem(404, f"no events for case `{case_id}`")
        day = parse_day(as_of) or dt.date.fromordinal(events[-1]["day"])
        context, _paths = laws.get(with_, {})
        runner, p = monitor_for(context)
        records = await run_in_threadpool(runner.run_case, case_id, events, day.toordinal())
        report = report_json({case_id: assemble(p, records)}, context.law, day)
        return respond(
            {
                "case": case_id,
                "as_of": report["as_of"],
                "law": report["law"],
                "events": len(events),
                **report["cases"][0],
            }
        )
