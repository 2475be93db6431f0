"""Obligations over a case's timeline (issue 15): the event vocabulary, the check stage for
`duty` / `prohibition` / `holding` declarations, and the typed *plan* both monitors run.
(Over 400 lines: the vocabulary, its checks and the plan are one correspondence, read together.)

One semantics, two engines: compliance/monitor.py compiles the plan into durable_rules rulesets
and also interprets it in plain Python (the reference evaluator); neither reads the DSL itself.
The semantics (docs/monitor.md):

- days are whole calendar days; the day of an event is day 0, so `within N days` of an event on day
  d is due on d + N: met on d + N, breached on d + N + 1. `within H hours` is due after
  ceil(H / 24) days — events carry dates, not times, so 24 hours after a check-in on day d ends on
  day d + 1, and a registration dated d + 1 is in time. `due FIELD - K days` is due on the date
  the triggering event carries in FIELD, less K days.
- time advances with the events: when an event dated d arrives, every open duty due before d is
  breached (on its due date + 1); `--as-of` advances it one last time.
- at each event, in this order: breaches; discharges (`met by`: every open instance of the duty
  triggered earlier is met; an instance already breached is marked discharged late; an optional
  duty whose window closed is breached on the day of the late act); `ends on` (open instances
  lapse); prohibitions (violated when a required holding is not held, unless a holding that suffices
  instead by a provision of its own is held — 法 第四十八条); holdings (`until`, then
  `from`); triggers (a new instance; due before its own day means breached at once).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import model as m
from .diagnostics import Span

# ---------------------------------------------------------------- the event vocabulary

VISAS = ("C", "D", "F", "G", "J1", "J2", "K", "L", "M", "Q1", "Q2", "R", "S1", "S2", "X1", "X2", "Z")
PERMITS = ("visa", "stay_permit", "residence_permit", "work_permit")


@dataclass(frozen=True)
class Field:
    kind: str  # enum | text | bool | date
    members: tuple[str, ...] = ()
    required: bool = False
    doc: str = ""
    default: str = ""  # an enum's value when the event leaves the field out


COMMON: dict[str, Field] = {
    "employer": Field("text", doc="the employer (for reports per employer)"),
    "note": Field("text", doc="free text, carried into the report"),
}

# Every event type the monitor reads, with its own fields (besides case, date and COMMON).
EVENTS: dict[str, tuple[str, dict[str, Field]]] = {
    "entry": (
        "入境",
        {
            "visa": Field("enum", VISAS, doc="the visa entered on"),
            "residence_permit_required": Field(
                "bool",
                doc="the visa states that a residence permit is to be applied for after entry (第三十条)",
            ),
            "stay_until": Field(
                "date", doc="the last day of stay the visa allows (visas without a residence permit)"
            ),
        },
    ),
    "exit": ("出境", {}),
    "accommodation_started": (
        "入住",
        {"place": Field("enum", ("hotel", "other"), True, "a hotel, or another residence")},
    ),
    "accommodation_registered": ("办理住宿登记", {}),
    "residence_permit_applied": ("申请居留证件", {}),
    "residence_permit_issued": (
        "签发居留证件",
        {
            "purpose": Field("enum", ("work", "study", "family", "other"), True),
            "expires": Field("date", required=True, doc="the last day of validity"),
        },
    ),
    "residence_extension_applied": ("申请延长居留期限", {}),
    "stay_extension_applied": ("申请延长签证停留期限", {}),
    "stay_extended": ("准予延长停留期限", {}),
    "work_permit_applied": ("申领外国人工作许可证", {}),
    "work_permit_issued": ("签发外国人工作许可证", {}),
    "employment_started": (
        "开始工作",
        {
            "kind": Field(
                "enum",
                ("employment", "student_work"),
                doc="employment, or a student's work-study or internship",
                default="employment",
            ),
            "outside_permit_scope": Field("bool", doc="work beyond what the work permit allows"),
        },
    ),
    "employment_ended": ("离职", {}),
    "employer_report_filed": (
        "用人单位报告",
        {"about": Field("enum", ("employment_started", "employment_ended"), True)},
    ),
    "particulars_changed": ("居留证件登记事项变更", {}),
    "particulars_change_applied": ("申请办理变更", {}),
    "birth": ("外国婴儿出生", {}),
    "birth_registered": ("办理出生停留居留登记", {}),
    "study_work_endorsed": ("居留证件加注勤工助学、实习信息", {}),
    "permit_expires": ("证件有效期届满", {"permit": Field("enum", PERMITS, True)}),
    "permanent_residence_granted": ("取得永久居留资格", {}),
    "permanent_residence_cancelled": ("取消永久居留资格", {}),
}
BEARERS = ("foreigner", "employer", "host", "hotel", "parents", "school")


def fields_of(event_type: str) -> dict[str, Field]:
    return {**EVENTS[event_type][1], **COMMON}


# ---------------------------------------------------------------- conditions, normalised

# A condition over an event's fields, negation pushed down: ("and", [c…]) | ("or", [c…]) |
# ("eq", field, value) | ("ne", field, value) | ("gt", field, number) | ("true",)
Cond = tuple[Any, ...]
TRUE: Cond = ("true",)


def normalise(expr: m.Expr | None, negate: bool = False) -> Cond:
    """A checked `when` expression as a Cond (the checker has vouched for its shape)."""
    if expr is None:
        return ("or", []) if negate else TRUE
    if isinstance(expr, m.Not):
        return normalise(expr.operand, not negate)
    if isinstance(expr, m.And | m.Or):
        op = "and" if isinstance(expr, m.And) != negate else "or"
        return (op, [normalise(o, negate) for o in expr.operands])
    if isinstance(expr, m.Path):
        return ("ne" if negate else "eq", expr.parts[0], True)
    if isinstance(expr, m.Compare):
        path, lit = (expr.left, expr.right) if isinstance(expr.left, m.Path) else (expr.right, expr.left)
        assert isinstance(path, m.Path) and isinstance(lit, m.Lit)
        equal = (expr.op == "==") != negate
        return ("eq" if equal else "ne", path.parts[0], lit.value)
    if isinstance(expr, m.Member):
        assert isinstance(expr.operand, m.Path)
        name = expr.operand.parts[0]
        if negate:
            return ("and", [("ne", name, v.value) for v in expr.values])
        return ("or", [("eq", name, v.value) for v in expr.values])
    raise AssertionError(f"unsupported condition {expr!r}")


def holds(cond: Cond, event: Mapping[str, Any]) -> bool:
    """The reference reading of a Cond (the durable_rules backend compiles the same tree)."""
    op = cond[0]
    if op == "true":
        return True
    if op == "and":
        return all(holds(c, event) for c in cond[1])
    if op == "or":
        return any(holds(c, event) for c in cond[1])
    value = event.get(cond[1])
    if op == "eq":
        return bool(value == cond[2])
    if op == "ne":
        return bool(value != cond[2])
    return isinstance(value, int) and value > cond[2]


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Match:
    type: str
    cond: Cond


@dataclass(frozen=True)
class PlannedDuty:
    """A duty or prohibition ready to run: ids, the matches it reacts to, and how to date it."""

    id: str  # obligations/NAME
    name: str
    kind: str  # duty | prohibition
    trigger: Match
    met_by: tuple[Match, ...]
    ends_on: tuple[Match, ...]
    within_days: int | None
    due_field: str
    due_offset: int
    optional: bool
    unless_holding: tuple[str, ...]
    definition: m.Duty
    held_instead: tuple[str, ...] = ()  # a holding that lifts the prohibition by a provision of its own

    def excused(self, held: Callable[[str], bool]) -> bool:
        """A prohibition does not bite when a holding that suffices instead is held."""
        return any(held(h) for h in self.held_instead)

    def due(self, event: Mapping[str, Any]) -> int | None:
        """The last day (ordinal) the duty can be met, or None where the law states no period."""
        if self.within_days is not None:
            return int(event["day"]) + self.within_days
        if self.due_field:
            return int(event[self.due_field]) + self.due_offset
        return None


@dataclass(frozen=True)
class PlannedHolding:
    id: str
    granted_by: tuple[Match, ...]
    ended_by: tuple[Match, ...]
    definition: m.Holding


@dataclass(frozen=True)
class Plan:
    duties: tuple[PlannedDuty, ...]
    holdings: tuple[PlannedHolding, ...]
    law_digest: str = ""

    def duty(self, duty_id: str) -> PlannedDuty:
        return next(d for d in self.duties if d.id == duty_id)


def _match(e: m.EventMatch, extra: Cond | None = None) -> Match:
    cond = normalise(e.when)
    if extra is not None:
        cond = ("and", [cond, extra]) if cond != TRUE else extra
    return Match(e.type, cond)


def plan(law: Any) -> Plan:
    """The checked law's duties and holdings as a Plan (duties in id order)."""
    duties = []
    for d in sorted(law.duties.values(), key=lambda d: d.id):
        assert d.trigger is not None
        # A duty dated from a field of its trigger is owed only when the event carries that date, and
        # only for events on or after the day its instrument came into force.
        tests: list[Cond] = [("gt", d.due_field, 0)] if d.due_field else []
        inst = law.instruments.get(d.citation.instrument) if d.citation else None
        if inst is not None and inst.in_force is not None:
            tests.append(("gt", "day", inst.in_force.toordinal() - 1))
        extra = ("and", tests) if len(tests) > 1 else tests[0] if tests else None
        duties.append(
            PlannedDuty(
                id=d.id,
                name=d.id.split("/", 1)[1],
                kind=d.kind,
                trigger=_match(d.trigger, extra),
                met_by=tuple(_match(x) for x in d.met_by),
                ends_on=tuple(_match(x) for x in d.ends_on),
                within_days=d.within_days,
                due_field=d.due_field,
                due_offset=d.due_offset,
                optional=d.optional,
                unless_holding=d.unless_holding,
                definition=d,
                held_instead=tuple(x.holding for x in d.held_instead),
            )
        )
    holdings = tuple(
        PlannedHolding(h.id, tuple(_match(x) for x in h.granted_by), tuple(_match(x) for x in h.ended_by), h)
        for h in sorted(law.holdings.values(), key=lambda h: h.id)
    )
    return Plan(tuple(duties), holdings, getattr(law, "digest", ""))


# ---------------------------------------------------------------- the check stage


def check_obligations(checker: Any) -> tuple[dict[str, m.Duty], dict[str, m.Holding]]:
    """Stage `obligations` of engine/check.py: duplicate names, citations, event types and fields,
    conditions, periods, holdings, consequences, and the orderings the two monitors rely on."""
    error: Callable[[str, str, Span], None] = checker.error
    duties: dict[str, m.Duty] = checker._unique(
        [d for f in checker.files for d in f.duties], lambda d: d.id, "duty"
    )
    holdings: dict[str, m.Holding] = checker._unique(
        [h for f in checker.files for h in f.holdings], lambda h: h.id, "holding"
    )

    def citation(c: m.Citation, span: Span) -> None:
        if c.instrument not in checker.instruments:
            error("dangling_citation", f"`{c.instrument}` is not an encoded instrument", span)
        else:
            checker._check_citation(c, span)

    def event(e: m.EventMatch) -> None:
        if e.type not in EVENTS:
            error(
                "unknown_event",
                f"unknown event type `{e.type}`; expected one of: {', '.join(sorted(EVENTS))}",
                e.span,
            )
            return
        if e.when is not None:
            _condition(e.when, fields_of(e.type), e.type, error)

    for h in holdings.values():
        if not h.granted_by:
            error("bad_obligation", f"holding `{h.id}` is granted by no event; add `from EVENT`", h.span)
        for e in (*h.granted_by, *h.ended_by):
            event(e)
    for d in duties.values():
        name = d.id.split("/", 1)[1]
        if d.citation is not None:
            citation(d.citation, d.span)
        elif not d.source:
            error(
                "ungrounded_rule",
                f"{d.kind} `{name}` has no citation; name what grounds it with `source`",
                d.span,
            )
        if d.consequence is not None:
            citation(d.consequence.citation, d.consequence.span)
        if not d.bearers or any(b not in BEARERS for b in d.bearers):
            error("bad_obligation", f"{d.kind} `{name}` needs `bearer` among: {', '.join(BEARERS)}", d.span)
        if d.trigger is None:
            error("bad_obligation", f"{d.kind} `{name}` needs `on EVENT`", d.span)
            continue
        for e in (d.trigger, *d.met_by, *d.ends_on):
            event(e)
        if d.kind == "prohibition":
            if d.met_by or d.ends_on or d.within_days is not None or d.due_field or d.optional:
                error(
                    "bad_obligation",
                    f"prohibition `{name}` takes no `met by`, `ends on`, `within`, `due` or `optional`",
                    d.span,
                )
            for x in d.held_instead:
                citation(x.citation, x.span)
            for hid in (*d.unless_holding, *(x.holding for x in d.held_instead)):
                if hid not in holdings:
                    error("unknown_holding", f"unknown holding `{hid}`", d.span)
                elif any(
                    x.type == d.trigger.type for x in (*holdings[hid].granted_by, *holdings[hid].ended_by)
                ):
                    error(
                        "bad_obligation",
                        f"`{d.trigger.type}` both triggers `{name}` and changes holding `{hid}`; "
                        "the order would be ambiguous",
                        d.span,
                    )
            continue
        if d.unless_holding or d.held_instead:
            error("bad_obligation", f"`unless holding` is for prohibitions; duty `{name}` has it", d.span)
        if not d.met_by:
            error("bad_obligation", f"duty `{name}` needs `met by EVENT`", d.span)
        if d.within_days is not None and d.due_field:
            error("bad_obligation", f"duty `{name}` has both `within` and `due`; give one", d.span)
        if d.optional and d.within_days is None and not d.due_field:
            error("bad_obligation", f"optional duty `{name}` needs a period (`within` or `due`)", d.span)
        if d.due_field and d.trigger.type in EVENTS:
            f = fields_of(d.trigger.type).get(d.due_field)
            if f is None or f.kind != "date":
                error(
                    "type_mismatch",
                    f"`due {d.due_field}`: `{d.trigger.type}` carries no date field `{d.due_field}`",
                    d.span,
                )
        overlap = {e.type for e in d.met_by} & {e.type for e in d.ends_on}
        if overlap:
            error(
                "bad_obligation",
                f"duty `{name}`: `{', '.join(sorted(overlap))}` both meets and ends it",
                d.span,
            )
    return duties, holdings


def _condition(
    expr: m.Expr, fields: dict[str, Field], event_type: str, error: Callable[[str, str, Span], None]
) -> None:
    """A `when` on an event: and / or / not over `field`, `field == "v"`, `field != "v"`, `field in {…}`."""
    if isinstance(expr, m.Not):
        _condition(expr.operand, fields, event_type, error)
        return
    if isinstance(expr, m.And | m.Or):
        for o in expr.operands:
            _condition(o, fields, event_type, error)
        return

    def field_of(p: m.Expr) -> Field | None:
        if not isinstance(p, m.Path) or len(p.parts) != 1:
            return None
        f = fields.get(p.parts[0])
        if f is None:
            error(
                "unknown_fact",
                f"`{p.dotted}` is not a field of event `{event_type}`; fields: {', '.join(sorted(fields)) or 'none'}",
                p.span,
            )
        return f

    def literal(f: Field, lit: m.Expr) -> None:
        ok = isinstance(lit, m.Lit) and (
            (f.kind == "enum" and lit.value in f.members)
            or (f.kind == "text" and isinstance(lit.value, str))
            or (f.kind == "bool" and isinstance(lit.value, bool))
        )
        if not ok:
            shown = getattr(lit, "value", "?")
            error(
                "type_mismatch",
                f"`{shown}` is not a value of the {f.kind} field"
                + (f" ({', '.join(f.members)})" if f.members else ""),
                lit.span,
            )

    if isinstance(expr, m.Path):
        f = field_of(expr)
        if f is not None and f.kind != "bool":
            error("type_mismatch", f"`{expr.dotted}` is a {f.kind} field, not a condition", expr.span)
        return
    if isinstance(expr, m.Compare) and expr.op in ("==", "!="):
        path, lit = (expr.left, expr.right) if isinstance(expr.left, m.Path) else (expr.right, expr.left)
        if isinstance(path, m.Path):
            f = field_of(path)
            if f is not None:
                literal(f, lit)
            return
    if isinstance(expr, m.Member) and isinstance(expr.operand, m.Path):
        f = field_of(expr.operand)
        if f is not None:
            for v in expr.values:
                literal(f, v)
        return
    error(
        "bad_obligation",
        "an event condition is `field`, `field == value`, `field != value` or `field in {…}`, "
        "joined with and / or / not",
        expr.span,
    )


def day_of(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)
