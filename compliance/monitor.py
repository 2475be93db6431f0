"""`lexgraph monitor`: obligations over each case's timeline, watched by durable_rules (issue 15).

    lexgraph monitor events.jsonl [--as-of DATE] [--with AMENDMENT] [--engine durable|reference]
                                  [--format text|json|html]

The duties, prohibitions and holdings of the corpus (engine/obligations.py's Plan) run on two
engines that share nothing but the plan:

- `DurableMonitor` compiles the plan into one durable_rules ruleset (a Rete network) and asserts
  each event of a case into a session named after the case;
- `run_reference` interprets the same plan in plain Python, step by step as the semantics in
  engine/obligations.py are written. Property tests hold the two to identical transitions.

durable_rules' sharp edges, and what this module does about each (docs/monitor.md):

- a message that matches no rule raises MessageNotHandledException → caught: an event no duty
  cares about is not an error;
- events are consumed on match (one rule per event) → case events are asserted as *facts*, so
  every rule that matches fires, and retracted once the engine has settled;
- asserting a fact twice raises MessageObservedException → every fact carries the event's line;
- `post_batch` and timers run on the host's timer threads → this module never uses them: a
  host subclass starts no timer threads, and every call is synchronous;
- not thread-safe, at most 1,024 live sessions → one dedicated worker thread owns the host and
  is fed by a queue; a case's session is deleted as soon as the case is reported, so at most one
  session is ever live.

Longer than ~400 lines: the reference evaluator and the durable_rules compilation of one plan sit
side by side, so that their transitions can be read (and are tested) against each other.
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lexgraph.engine.errors import MonitorInputError, MonitorUnavailable
from lexgraph.engine.obligations import EVENTS, Cond, Match, Plan, PlannedDuty, fields_of, holds

NO_DUE = 10**8  # an ordinal beyond any date: the duty has no period the law states
AS_OF = "__as_of__"  # the last tick of a case's clock

# A transition: (kind, duty or prohibition id, line of the triggering event, day, detail)
#   opened   detail = due day (ordinal) or -1 when the law states no period
#   met      detail = line of the discharging event        breached  detail = 0
#   late     detail = line of the (late) discharging event  lapsed    detail = line of the ending event
#   closed   (an optional duty's window closed unused)     violated  detail = missing holding or ""
Record = tuple[str, str, int, int, Any]


# ------------------------------------------------------------------ reading events


def parse_event(data: Any, line: int) -> tuple[dict[str, Any] | None, list[tuple[int, str, str]]]:
    """One event (a decoded JSON object) → the normalised event both engines read, or problems."""
    problems: list[tuple[int, str, str]] = []
    if not isinstance(data, dict):
        return None, [(line, "", "an event is a JSON object")]
    case = data.get("case")
    if isinstance(case, bool) or not isinstance(case, str | int) or str(case) == "":
        problems.append((line, "case", "required: the case id (a string or an integer)"))
    kind = data.get("type")
    if kind not in EVENTS:
        problems.append(
            (line, "type", f"`{kind}` is not an event type; expected one of: {', '.join(sorted(EVENTS))}")
        )
    day = _date(data.get("date"))
    if day is None:
        problems.append(
            (
                line,
                "date",
                f"required: a date YYYY-MM-DD, got {json.dumps(data.get('date'), ensure_ascii=False)}",
            )
        )
    if problems or day is None:
        return None, problems
    event: dict[str, Any] = {
        "seq": line,
        "case": str(case),
        "type": kind,
        "day": day.toordinal(),
        "date": day.isoformat(),
    }
    spec = fields_of(str(kind))
    for name in data:
        if name not in spec and name not in ("case", "date", "type"):
            problems.append(
                (line, name, f"not a field of `{kind}`; its fields: {', '.join(sorted(spec)) or 'none'}")
            )
    for name, f in spec.items():
        value = data.get(name)
        if value is None:
            if f.required:
                problems.append((line, name, f"required for `{kind}`"))
            event[name] = {"bool": False, "date": 0}.get(f.kind, f.default)
            continue
        if f.kind == "date":
            d = _date(value)
            if d is None:
                problems.append(
                    (line, name, f"a date YYYY-MM-DD, got {json.dumps(value, ensure_ascii=False)}")
                )
            event[name] = d.toordinal() if d else 0
        elif f.kind == "bool" and not isinstance(value, bool):
            problems.append((line, name, "true or false"))
        elif f.kind == "enum" and value not in f.members:
            problems.append(
                (line, name, f"one of: {', '.join(f.members)}; got {json.dumps(value, ensure_ascii=False)}")
            )
        elif f.kind == "text" and not isinstance(value, str):
            problems.append((line, name, "text"))
        else:
            event[name] = value
    return (None if problems else event), problems


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def read_events(path: Path, text: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """events.jsonl → events per case, in file order. Every problem is reported at once, each with
    its line and field; a case's events must come in date order."""
    display = str(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise MonitorInputError(display, [(0, "", f"cannot read the file: {error}")]) from None
    cases: dict[str, list[dict[str, Any]]] = {}
    problems: list[tuple[int, str, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            problems.append((number, "", f"not JSON: {error.msg} at column {error.colno}"))
            continue
        event, found = parse_event(data, number)
        problems.extend(found)
        if event is None:
            continue
        history = cases.setdefault(event["case"], [])
        if history and history[-1]["day"] > event["day"]:
            last = history[-1]
            problems.append(
                (
                    number,
                    "date",
                    f"out of order: case {event['case']!r} has {event['date']} after "
                    f"{last['date']} (line {last['seq']}); a case's events come in date order",
                )
            )
            continue
        history.append(event)
    if problems:
        raise MonitorInputError(display, problems)
    return cases


def as_of_day(cases: Mapping[str, list[dict[str, Any]]], as_of: dt.date | None) -> int:
    """The day the report speaks for: --as-of, or the latest event of the stream."""
    if as_of is not None:
        return as_of.toordinal()
    return max((e["day"] for events in cases.values() for e in events), default=dt.date.today().toordinal())


# ------------------------------------------------------------------ the reference evaluator


def _first(matches: Iterable[Match], event: Mapping[str, Any]) -> bool:
    return any(x.type == event["type"] and holds(x.cond, event) for x in matches)


@dataclass
class _Instance:
    duty: PlannedDuty
    seq: int
    due: int  # NO_DUE where the law states no period
    state: str = (
        "open"  # open | breached (awaiting a late discharge) | closed (optional, awaiting a late act)
    )


def run_reference(p: Plan, events: list[dict[str, Any]], as_of: int) -> list[Record]:
    """The plan read in plain Python, one step of the documented semantics at a time."""
    out: list[Record] = []
    live: list[_Instance] = []
    held: dict[str, set[tuple[int, int]]] = {h.id: set() for h in p.holdings}
    for e in [*[x for x in events if x["day"] <= as_of], {"seq": 1 << 30, "type": AS_OF, "day": as_of}]:
        day = e["day"]
        # 1. time advances: open duties due before today are breached (optional ones close)
        for inst in live:
            if inst.state == "open" and day > inst.due:
                _breach(inst, out)
        # 2. discharges   3. ends
        for inst in list(live):
            d, earlier = inst.duty, inst.seq < e["seq"]
            if not earlier:
                continue
            if _first(d.met_by, e):
                if inst.state == "open":
                    out.append(("met", d.id, inst.seq, day, e["seq"]))
                elif inst.state == "breached":
                    out.append(("late", d.id, inst.seq, day, e["seq"]))
                else:
                    out.append(("breached", d.id, inst.seq, day, 0))
                live.remove(inst)
            elif _first(d.ends_on, e):
                if inst.state == "open":
                    out.append(("lapsed", d.id, inst.seq, day, e["seq"]))
                live.remove(inst)
        # 4. prohibitions
        for d in p.duties:
            if d.kind == "prohibition" and _first((d.trigger,), e) and not d.excused(lambda h: bool(held[h])):
                missing = [h for h in d.unless_holding if not held[h]]
                if not d.unless_holding:
                    out.append(("violated", d.id, e["seq"], day, ""))
                out.extend(("violated", d.id, e["seq"], day, h) for h in missing)
        # 5. holdings: until, then from
        for h in p.holdings:
            for x in h.ended_by:
                if x.type == e["type"] and holds(x.cond, e):
                    held[h.id] = {k for k in held[h.id] if k[0] >= e["seq"]}
            for i, x in enumerate(h.granted_by):
                if x.type == e["type"] and holds(x.cond, e):
                    held[h.id].add((e["seq"], i))
        # 6. triggers
        for d in p.duties:
            if d.kind == "duty" and _first((d.trigger,), e):
                due = d.due(e)
                inst = _Instance(d, e["seq"], NO_DUE if due is None else due)
                out.append(("opened", d.id, e["seq"], day, -1 if due is None else due))
                live.append(inst)
                if day > inst.due:
                    _breach(inst, out)
    return out


def _breach(inst: _Instance, out: list[Record]) -> None:
    d = inst.duty
    out.append(("closed" if d.optional else "breached", d.id, inst.seq, inst.due + 1, 0))
    inst.state = "closed" if d.optional else "breached"


# ------------------------------------------------------------------ the durable_rules backend


def _durable() -> Any:
    """durable_rules' engine module, or a clear error where it cannot load."""
    try:
        from durable import engine
    except ImportError as error:  # pragma: no cover - exercised only where the wheel is missing
        raise MonitorUnavailable(
            "the monitor needs durable-rules (Python 3.11 or 3.12): pip install 'lexgraph[monitor]' "
            f"({type(error).__name__}: {error})"
        ) from None
    return engine


def _expr(cond: Cond) -> list[dict[str, Any]]:
    """A Cond as durable_rules test expressions (to be joined with $and)."""
    op = cond[0]
    if op == "true":
        return []
    if op in ("and", "or"):
        parts = [_and(_expr(c)) for c in cond[1]]
        return [{"$and" if op == "and" else "$or": parts}]
    name, value = cond[1], cond[2]
    if op == "eq":
        return [{name: value}]
    return [{"$neq" if op == "ne" else "$gt": {name: value}}]


def _and(tests: list[dict[str, Any]]) -> dict[str, Any]:
    return tests[0] if len(tests) == 1 else {"$and": tests}


def _event(m: Match, *extra: dict[str, Any]) -> dict[str, Any]:
    return _and([{"t": "ev"}, {"type": m.type}, *_expr(m.cond), *extra])


def compile_ruleset(p: Plan, emit: Callable[[Record], None]) -> dict[str, dict[str, Any]]:
    """The plan as one durable_rules ruleset definition; each action reports through `emit`."""
    rules: dict[str, dict[str, Any]] = {}
    later = {"$gt": {"seq": {"x": "seq"}}}  # the event came after the fact bound as `x`
    in_time = {"$lte": {"day": {"x": "due"}}}

    def add(name: str, patterns: list[dict[str, Any]], run: Callable[[Any], None]) -> None:
        rules[name] = {"all": patterns, "run": run}

    def fact(kind: str, duty: str) -> dict[str, Any]:
        return {"x": {"$and": [{"t": kind}, {"d": duty}]}}

    for n, d in enumerate(p.duties):
        if d.kind == "prohibition":
            for h in d.unless_holding or ("",):
                patterns = [{"e": _event(d.trigger)}]
                if h:
                    patterns.append({"m_1$not": {"$and": [{"t": "h"}, {"h": h}]}})
                for k, instead in enumerate(
                    d.held_instead
                ):  # a holding that suffices instead (法 第四十八条)
                    patterns.append({f"i_{k}$not": {"$and": [{"t": "h"}, {"h": instead}]}})
                add(f"violated_{n}_{h}", patterns, _violated(emit, d.id, h))
            continue
        add(f"opened_{n}", [{"e": _event(d.trigger)}], _opened(emit, d))
        add(
            f"due_{n}",
            [fact("o", d.id), {"e": _and([{"t": "ev"}, {"$gt": {"day": {"x": "due"}}}])}],
            _breached(emit, d),
        )
        for i, x in enumerate(d.met_by):
            add(
                f"met_{n}_{i}",
                [fact("o", d.id), {"e": _event(x, later, in_time)}],
                _closing(emit, "met", d.id),
            )
            add(f"late_{n}_{i}", [fact("b", d.id), {"e": _event(x, later)}], _closing(emit, "late", d.id))
            add(
                f"late_act_{n}_{i}",
                [fact("c", d.id), {"e": _event(x, later)}],
                _closing(emit, "breached", d.id),
            )
        for i, x in enumerate(d.ends_on):
            add(
                f"lapsed_{n}_{i}",
                [fact("o", d.id), {"e": _event(x, later, in_time)}],
                _closing(emit, "lapsed", d.id),
            )
            for kind in ("b", "c"):
                add(
                    f"ended_{kind}_{n}_{i}",
                    [fact(kind, d.id), {"e": _event(x, later)}],
                    _closing(emit, "", d.id),
                )
    for h in p.holdings:
        for i, x in enumerate(h.granted_by):
            add(f"grant_{h.id}_{i}", [{"e": _event(x)}], _granted(h.id, i))
        for i, x in enumerate(h.ended_by):
            add(
                f"end_{h.id}_{i}",
                [{"x": {"$and": [{"t": "h"}, {"h": h.id}]}}, {"e": _event(x, later)}],
                _closing(emit, "", h.id),
            )
    return rules


# Actions. Each receives durable_rules' closure `c`: c.e is the event, c.x the fact joined with it.
def _opened(emit: Callable[[Record], None], d: PlannedDuty) -> Callable[[Any], None]:
    def run(c: Any) -> None:
        e = c.e._d
        due = d.due(e)
        emit(("opened", d.id, e["seq"], e["day"], -1 if due is None else due))
        c.assert_fact({"t": "o", "d": d.id, "seq": e["seq"], "due": NO_DUE if due is None else due})

    return run


def _breached(emit: Callable[[Record], None], d: PlannedDuty) -> Callable[[Any], None]:
    kind = "closed" if d.optional else "breached"

    def run(c: Any) -> None:
        x = c.x._d
        emit((kind, d.id, x["seq"], x["due"] + 1, 0))
        c.retract_fact(x)
        c.assert_fact({"t": kind[0], "d": d.id, "seq": x["seq"]})

    return run


def _closing(emit: Callable[[Record], None], kind: str, duty: str) -> Callable[[Any], None]:
    def run(c: Any) -> None:
        x, e = c.x._d, c.e._d
        if kind:
            emit((kind, duty, x["seq"], e["day"], 0 if kind == "breached" else e["seq"]))
        c.retract_fact(x)

    return run


def _violated(emit: Callable[[Record], None], duty: str, holding: str) -> Callable[[Any], None]:
    def run(c: Any) -> None:
        e = c.e._d
        emit(("violated", duty, e["seq"], e["day"], holding))

    return run


def _granted(holding: str, index: int) -> Callable[[Any], None]:
    def run(c: Any) -> None:
        c.assert_fact({"t": "h", "h": holding, "seq": c.e._d["seq"], "i": index})

    return run


class DurableMonitor:
    """The plan compiled into durable_rules, run by one dedicated worker thread fed by a queue.

    Each case is one session (sid = the case id): its events are asserted as facts in order, the
    as-of tick last, and the session is deleted when the case is reported."""

    RULESET = "lexgraph_obligations"

    def __init__(self, p: Plan):
        self.plan = p
        self._jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue()
        self._records: list[Record] = []
        engine = _durable()
        self._not_handled = engine.MessageNotHandledException
        ready: Future[None] = Future()
        self._thread = threading.Thread(
            target=self._work, args=(engine, ready), name="lexgraph-durable", daemon=True
        )
        self._thread.start()
        ready.result()

    def _work(self, engine: Any, ready: Future[None]) -> None:
        class SyncHost(engine.Host):
            def _run(self) -> None:  # no timer threads: every call here is synchronous
                pass

        try:
            self._host = SyncHost({self.RULESET: compile_ruleset(self.plan, self._records.append)})
            self._rules = self._host.get_ruleset(self.RULESET)
        except BaseException as error:  # pragma: no cover - a broken wheel
            ready.set_exception(MonitorUnavailable(f"durable_rules could not build the ruleset: {error}"))
            return
        ready.set_result(None)
        while True:
            job = self._jobs.get()
            if job is None:
                return
            fn, future = job
            try:
                future.set_result(fn())
            except BaseException as error:
                future.set_exception(error)

    def submit(self, fn: Callable[[], Any]) -> Any:
        future: Future[Any] = Future()
        self._jobs.put((fn, future))
        return future.result()

    def run_case(self, case: str, events: list[dict[str, Any]], as_of: int) -> list[Record]:
        return list(self.submit(lambda: self._case(case, events, as_of)))

    def run_cases(self, cases: Mapping[str, list[dict[str, Any]]], as_of: int) -> dict[str, list[Record]]:
        """Many cases in one job (one queue round-trip)."""
        return dict(self.submit(lambda: {c: self._case(c, ev, as_of) for c, ev in cases.items()}))

    def _case(self, case: str, events: list[dict[str, Any]], as_of: int) -> list[Record]:
        self._records.clear()
        rules, sid = self._rules, str(case)
        try:
            for e in events:
                if e["day"] > as_of:
                    break
                self._assert(rules, {**e, "t": "ev", "sid": sid})
            self._assert(rules, {"t": "ev", "type": AS_OF, "seq": 1 << 30, "day": as_of, "sid": sid})
        finally:
            rules.delete_state(sid)  # the case is closed: its session and facts go
        return list(self._records)

    def _assert(self, rules: Any, fact: dict[str, Any]) -> None:
        try:
            self._host.assert_fact(self.RULESET, fact)
        except self._not_handled:
            return  # no rule cares about this event: nothing to retract
        self._host.retract_fact(self.RULESET, fact)

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(5)


# ------------------------------------------------------------------ reports


@dataclass
class Watched:
    """One duty instance or one prohibition violation in a case, as reported."""

    duty: PlannedDuty
    line: int
    triggered: int  # day
    status: str  # open | met | breached | lapsed | not_sought | violated
    due: int | None = None
    status_day: int | None = None
    by_line: int | None = None
    late_day: int | None = None  # a breached duty discharged late, that day
    late_line: int | None = None
    missing: list[str] = field(default_factory=list)


def assemble(p: Plan, records: list[Record]) -> list[Watched]:
    """Transitions (from either engine) → one entry per duty instance or violating event."""
    out: dict[tuple[str, int], Watched] = {}
    for kind, duty_id, seq, day, detail in sorted(records, key=lambda r: (r[2], r[1], _ORDER[r[0]], r[3])):
        key = (duty_id, seq)
        if kind == "opened":
            out[key] = Watched(p.duty(duty_id), seq, day, "open", None if detail == -1 else detail)
            continue
        if kind == "violated":
            w = out.setdefault(key, Watched(p.duty(duty_id), seq, day, "violated", status_day=day))
            if detail:
                w.missing.append(detail)
            continue
        w = out[key]
        if kind == "met":
            w.status, w.status_day, w.by_line = "met", day, detail
        elif kind == "breached":
            w.status, w.status_day = "breached", day
        elif kind == "closed":
            w.status, w.status_day = "not_sought", day
        elif kind == "late":
            w.late_day, w.late_line = day, detail
        elif kind == "lapsed":
            w.status, w.status_day, w.by_line = "lapsed", day, detail
    return sorted(out.values(), key=lambda w: (w.triggered, w.line, w.duty.id))


_ORDER = {"opened": 0, "violated": 0, "met": 1, "breached": 1, "closed": 1, "lapsed": 1, "late": 2}


def canonical(records: Iterable[Record]) -> list[Record]:
    """Transitions in one order, whatever order an engine fired them in (for comparing engines)."""
    return sorted(records, key=lambda r: (r[2], r[1], _ORDER[r[0]], r[0], r[3], str(r[4])))


def monitor(
    cases: Mapping[str, list[dict[str, Any]]],
    p: Plan,
    as_of: int,
    engine: str = "durable",
    durable: DurableMonitor | None = None,
) -> dict[str, list[Watched]]:
    if engine == "reference":
        return {c: assemble(p, run_reference(p, ev, as_of)) for c, ev in cases.items()}
    own = durable is None
    runner = durable or DurableMonitor(p)
    try:
        return {c: assemble(p, r) for c, r in runner.run_cases(cases, as_of).items()}
    finally:
        if own:
            runner.close()
