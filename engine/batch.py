"""Batch evaluation: a Plan run over columns (numpy), for populations.

(One concern, over 400 lines: every construct of the plan evaluated over masks, in one evaluator.)

The per-application path (engine/evaluate.py) runs generated Python once per applicant. Here the
same Plan (engine/plan.py) — the same rules in force, the same `order`, `condition_rules` and
`plans` — is run once per *column*: every condition is a pair of boolean masks (value, known), so
Kleene logic is a handful of vectorised `&`/`|` (`MASKS`, an instance of the algebra the
structural semantics in engine/semantics.py is written over); every fact is (data, known, none)
where `none` marks the explicit null object ('there is none', distinct from unknown). Applicant
by applicant, `BatchResult.outcomes` equals `Evaluator.evaluate(app, trace=False).o` —
tests/test_batch.py and tests/test_matrix.py check that property.

The columns are read by the codec (engine/codec.py `FactBatch`: the Arrow side of the one reader
of fact states, documented defaults included); each operator's numpy form is the one beside its
scalar definition in engine/semantics.py (`*_columns`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import model as m
from . import semantics as sem
from .check import Law
from .codec import (  # noqa: F401 - the columnar layout, re-exported where populations import it
    FALSE,
    TRUE,
    BatchUnsupported,
    Column,
    FactBatch,
    Val,
    applications_from_table,
    arrow_schema,
    contract_columns,
    fact_default_columns,
    table_from_applications,
)
from .expressions import fact_paths
from .plan import Plan
from .semantics import EPOCH
from .typer import typing_of

# --------------------------------------------------------------------------- values and masks


@dataclass
class Tri:
    """A three-valued condition column: `v` True where true (never where unknown), `k` known."""

    v: Any
    k: Any


UNKNOWN_TRI = Tri(FALSE, FALSE)
UNKNOWN_VAL = Val("num", 0.0, FALSE)


# `v` implies `k`, so "known false" (`k & ~v`) is `k ^ v`, and where every part is true none is false.


def t_and(parts: Iterable[Tri]) -> Tri:
    t: Any = TRUE
    f: Any = FALSE
    for p in parts:
        t = p.v if t is TRUE else t & p.v
        false = p.k ^ p.v
        f = false if f is FALSE else f | false
    return Tri(t, t | f)


def t_or(parts: Iterable[Tri]) -> Tri:
    t: Any = FALSE
    f: Any = TRUE
    for p in parts:
        t = p.v if t is FALSE else t | p.v
        false = p.k ^ p.v
        f = false if f is TRUE else f & false
    return Tri(t, t | f)


def t_not(p: Tri) -> Tri:
    return Tri(p.k ^ p.v, p.k)


COLUMNS = sem.ColumnNumbers()
MASKS: sem.KleeneOf[Tri] = sem.KleeneOf(
    lambda value: Tri(np.bool_(value is True), np.bool_(value is not None)), t_and, t_or, t_not
)


def _const(value: object) -> Val:
    if value is None:
        return Val("num", 0.0, FALSE)
    if isinstance(value, bool):
        return Val("bool", np.bool_(value), TRUE)
    if isinstance(value, int | float):
        return Val("num", float(value), TRUE)
    if isinstance(value, dt.date):
        return Val("date", np.int64((value - EPOCH).days), TRUE)
    if isinstance(value, str):
        return Val("str", value, TRUE)
    raise BatchUnsupported(f"constant {value!r}")


# --------------------------------------------------------------------------- evaluation


@dataclass
class BatchResult:
    """Every rule's applicability, each permit's outcome and every rule's standing, per row."""

    plan: Plan
    n: int
    outcomes: dict[str, Tri]
    conditions: dict[str, Tri]
    applies: dict[str, Tri]  # rule id → applies
    stands: dict[str, dict[str, Tri]]  # permit → rule id → stands (grants and restricts)
    points: dict[str, tuple[Any, Any]]  # table → (lo, hi)

    @property
    def program(self) -> Plan:
        """The plan run (its `law` is the law decided by)."""
        return self.plan

    def outcome_codes(self, permit: str) -> Any:
        """int8 per row: 1 eligible, 0 ineligible, -1 undetermined."""
        t = self.outcomes[permit]
        return _full(np.where(t.k, np.where(t.v, 1, 0), -1).astype("int8"), self.n)

    def outcome_values(self, row: int) -> dict[str, bool | None]:
        return {p: _tri_at(t, row) for p, t in self.outcomes.items()}


def _full(x: Any, n: int) -> Any:
    return np.broadcast_to(np.asarray(x), (n,)).copy() if np.ndim(x) == 0 else x


def _tri_at(t: Tri, row: int) -> bool | None:
    k = t.k if np.ndim(t.k) == 0 else t.k[row]
    v = t.v if np.ndim(t.v) == 0 else t.v[row]
    return bool(v) if k else None


class _Facts(dict[str, Val]):
    """Facts read from the columns on first use (a program reads a fraction of the vocabulary)."""

    def __init__(self, batch: FactBatch, law: Law, rows: Any = None):
        super().__init__()
        self.batch, self.law, self.rows = batch, law, rows

    def __missing__(self, path: str) -> Val:
        decl = self.law.facts.get(path)
        if decl is None:
            return UNKNOWN_VAL
        v = self.batch.fact(decl)
        v = _take(v, self.rows) if self.rows is not None else v
        if decl.default is not None:
            v = fact_default_columns(
                v, decl.default, self[decl.default.dotted] if isinstance(decl.default, m.Path) else None
            )
        self[path] = v
        return v

    def get(self, path: str, default: Any = None) -> Any:
        return self[path] if path in self or path in self.law.facts else default


@dataclass
class _Env:
    facts: dict[str, Val]
    o: dict[str, Tri]
    c: dict[str, Tri]
    pt: dict[str, Val] = field(default_factory=dict)


class BatchProgram:
    """One Plan, evaluated over columns."""

    def __init__(self, plan: Plan):
        self.plan = self.program = plan
        law: Law = plan.law
        self.law = law
        self.typing = typing_of(law)
        self.type_of = self.typing.type  # the checker's record, never inferred again
        self.derived = plan.derived

    # ---- values
    def value(self, e: m.Expr, env: _Env) -> Val:
        if isinstance(e, m.Lit):
            return _const(e.value)
        if isinstance(e, m.Path):
            if e.parts[0] == "params" and len(e.parts) == 2:
                return _const(self.law.parameter_values[e.parts[1]])
            return env.facts.get(e.dotted, UNKNOWN_VAL)
        if isinstance(e, m.Arith):
            return self._arith(e, env)
        if isinstance(e, m.Call):
            if e.name == "points":
                return env.pt.get(e.args[0].dotted, UNKNOWN_VAL)  # type: ignore[attr-defined]
            if e.name == "years_between":
                return Val(
                    "num", *sem.years_between_columns(self.value(e.args[0], env), self.value(e.args[1], env))
                )
            if e.name in ("min", "max", "floor"):
                return Val("num", *sem.num_fn_columns(e.name, [self.number(a, env) for a in e.args]))
        t = self.cond(e, env)
        return Val("bool", t.v, t.k)

    def _arith(self, e: m.Arith, env: _Env) -> Val:
        if self.typing.operator(e).startswith("date_add_"):
            assert isinstance(e.right, m.Lit) and isinstance(e.right.value, int | float)
            shifted = sem.date_add_columns(
                self.value(e.left, env), e.right.value, e.right.unit, 1 if e.op == "+" else -1
            )
            if shifted is None:
                raise BatchUnsupported("date arithmetic on a non-date")
            return Val("date", *shifted)
        return Val("num", *sem.arith_columns(e.op, self.number(e.left, env), self.number(e.right, env)))

    def number(self, e: m.Expr, env: _Env) -> Val:
        """An operand of arithmetic, min, max or floor as a number column (a points range: its
        `point_value`)."""
        v = self.value(e, env)
        if v.kind == "pts" and getattr(self.type_of(e), "kind", None) == "points":
            v = Val("num", *sem.point_value_columns(v))
        return _numeric(v)

    # ---- conditions
    def cond(self, e: m.Expr, env: _Env) -> Tri:
        if isinstance(e, m.And):
            return t_and(self.cond(x, env) for x in e.operands)
        if isinstance(e, m.Or):
            return t_or(self.cond(x, env) for x in e.operands)
        if isinstance(e, m.Not):
            return t_not(self.cond(e.operand, env))
        if isinstance(e, m.Compare):
            return self.compare(e, env)
        if isinstance(e, m.Member):
            return Tri(*sem.member_columns(self.value(e.operand, env), [v.value for v in e.values]))
        if isinstance(e, m.Call):
            return self.call_cond(e, env)
        if isinstance(e, m.Path):
            t = self.value(e, env)
            truth = sem.truthy_columns(t, self._is_object(e))
            if truth is None:
                raise BatchUnsupported(f"a {t.kind} used as a condition")
            return Tri(*truth)
        if isinstance(e, m.Lit):
            return Tri(np.bool_(bool(e.value)), TRUE)
        raise BatchUnsupported(type(e).__name__)

    def _is_object(self, e: m.Path) -> bool:
        decl = self.law.facts.get(e.dotted)
        return decl is not None and decl.type.kind == "object"

    def call_cond(self, e: m.Call, env: _Env) -> Tri:
        name = e.args[0].dotted if e.args and isinstance(e.args[0], m.Path) else ""
        if e.name == "eligible":
            return env.o.get(name, UNKNOWN_TRI)
        if e.name == "ineligible":
            return sem.ineligible(MASKS, env.o.get(name, UNKNOWN_TRI))
        if e.name == "met":
            return env.c.get(name, UNKNOWN_TRI)
        if e.name == "not_at_hand":
            return sem.not_at_hand(MASKS)
        if e.name == "holds":
            return Tri(*sem.holds_columns(env.facts.get("holds", UNKNOWN_VAL), name))
        raise BatchUnsupported(e.name)

    def compare(self, e: m.Compare, env: _Env) -> Tri:
        op = self.typing.operator(e)
        lt, rt = self.type_of(e.left), self.type_of(e.right)
        if op in ("is_none", "is_not_none"):
            side = e.left if getattr(lt, "kind", None) == "object" else e.right
            return Tri(*sem.is_none_columns(self.value(side, env), op == "is_none"))
        left, right = self.value(e.left, env), self.value(e.right, env)
        if op == "compare_points_range":
            return Tri(*sem.points_compare_columns(left, e.op, right))
        if op == "compare_enum_rank":
            enum = lt if getattr(lt, "kind", None) == "enum" else rt
            assert enum is not None
            left, right = (Val("num", *sem.enum_rank_columns(v, enum.members)) for v in (left, right))
        truth = sem.compare_columns(e.op, left, right)
        if truth is None:
            raise BatchUnsupported("string compared with a non-string")
        return Tri(*truth)

    # ---- points
    def points(self, table: m.PointsTable, env: _Env) -> Val:
        """`semantics.points_range_over` columns."""
        lo, hi, _ = sem.points_range_over(
            COLUMNS,
            [
                (factor.cap, [(self.cond(b.when, env), self.value(b.value, env)) for b in factor.bands])
                for factor in table.factors
            ],
        )
        return Val("pts", lo, TRUE, FALSE, hi=hi)

    # ---- the program
    def run(self, batch: FactBatch, rows: Any = None, forced: dict[str, Any] | None = None) -> BatchResult:
        """Evaluate every row of `batch` (or the rows selected by the index array `rows`).

        `forced` (permit → mask over the batch's rows) refuses a permit where set, as soon as it is
        settled, so that what depends on it follows — population-level limits (quotas) use this."""
        p = self.plan
        law = self.law
        facts = _Facts(batch, law, rows)
        n = batch.n if rows is None else len(rows)
        env = _Env(facts, {x: UNKNOWN_TRI for x in law.permits}, {x: UNKNOWN_TRI for x in law.conditions})
        for d in law.derived:
            facts[d.name] = self._memo(batch, rows, ("derived", d), lambda d=d: self.value(d.expr, env))
        for table in law.points.values():
            env.pt[table.name] = self._memo(
                batch, rows, ("points", table), lambda t=table: self.points(t, env)
            )
        stands: dict[str, dict[str, Tri]] = {}

        def condition(name: str, met: Tri) -> None:
            env.c[name] = met

        def outcome(name: str, decided: Tri, standing: dict[int, Tri]) -> None:
            if forced and name in forced:  # a population-level limit refuses where set
                mask = forced[name] if rows is None else forced[name][rows]
                decided = Tri(decided.v & ~mask, decided.k | mask)
            env.o[name] = decided
            stands[name] = {p.rules[i].rule.id: v for i, v in standing.items()}

        applies = sem.run_plan(MASKS, p, lambda i: self.rule(i, env), condition, outcome)
        return BatchResult(
            p,
            n,
            env.o,
            env.c,
            {p.rules[i].rule.id: t for i, t in sorted(applies.items())},
            stands,
            {name: (v.data, v.hi) for name, v in env.pt.items()},
        )

    def _memo(self, batch: FactBatch, rows: Any, what: tuple[str, Any], compute: Any) -> Val:
        if rows is not None:
            computed: Val = compute()
            return computed
        reads = self._reads(what)
        params = tuple(
            (r, repr(self.law.parameter_values.get(r.split(".", 1)[1])))
            for r in reads
            if r.startswith("params.")
        )
        key = (what, reads, params)
        if key not in batch.memo:
            batch.memo[key] = compute()
        return batch.memo[key]

    def _reads(self, what: tuple[str, Any]) -> tuple[str, ...]:
        """The facts a derived fact or a points table reads, through derived facts."""
        kind, obj = what
        exprs = (
            [obj.expr]
            if kind == "derived"
            else [x for f in obj.factors for b in f.bands for x in (b.when, b.value)]
        )
        out: set[str] = set()
        todo = [p for e in exprs for p in fact_paths(e)]
        while todo:
            p = todo.pop()
            if p in out:
                continue
            out.add(p)
            if p in self.derived:
                todo += fact_paths(self.derived[p].expr)
        return tuple(sorted(out))

    def rule(self, i: int, env: _Env) -> Tri:
        cr = self.plan.rules[i]
        a = sem.rule_applies(
            MASKS, [self.cond(x, env) for x in cr.conditions], [self.cond(u, env) for u in cr.rule.unless]
        )
        if cr.demands is not None:
            a = sem.requirement(MASKS, a, self.cond(cr.demands, env))
        return a


def _take(v: Val, rows: Any) -> Val:
    def t(x: Any) -> Any:
        return x[rows] if np.ndim(x) else x

    return Val(
        v.kind,
        t(v.data),
        t(v.known),
        t(v.none),
        v.cats,
        t(v.hi) if v.hi is not None else None,
        {k: t(x) for k, x in v.members.items()} if v.members is not None else None,
    )


def _numeric(v: Val) -> Val:
    if v.kind in ("num", "bool"):
        return Val(
            "num", np.asarray(v.data, dtype="float64") if np.ndim(v.data) else float(v.data), v.known, v.none
        )
    if v.kind == "date":
        raise BatchUnsupported("arithmetic on dates beyond `date ± duration`")
    raise BatchUnsupported(f"arithmetic on {v.kind}")


# --------------------------------------------------------------------------- the public entry point


class BatchEvaluator:
    """Decide many applications at once: rows grouped by the Plan their date selects."""

    def __init__(self, evaluator: Any):
        self.evaluator = evaluator
        self._programs: dict[int, BatchProgram] = {}

    def batch_program(self, day: dt.date) -> BatchProgram:
        plan = self.evaluator.plan(day)
        key = id(plan)
        if key not in self._programs:
            self._programs[key] = BatchProgram(plan)
        return self._programs[key]

    def run(
        self, batch: FactBatch, as_of: dt.date | None = None, forced: dict[str, Any] | None = None
    ) -> list[tuple[Any, BatchResult]]:
        """[(row indices, result)] — one group per Plan (the law in force on each row's date)."""
        if as_of is not None:
            return [(np.arange(batch.n), self.batch_program(as_of).run(batch, None, forced))]
        days = batch.decision_days()
        groups: dict[int, list[Any]] = {}
        for day in np.unique(days):
            bp = self.batch_program(EPOCH + dt.timedelta(days=int(day)))
            groups.setdefault(id(bp.plan), []).append(day)
        out = []
        for key, group_days in sorted(groups.items(), key=lambda kv: min(kv[1])):
            rows = np.nonzero(np.isin(days, group_days))[0]
            bp = self._programs[key]
            out.append(
                (rows, bp.run(batch, None, forced) if len(rows) == batch.n else bp.run(batch, rows, forced))
            )
        return out

    def outcome_codes(self, batch: FactBatch, as_of: dt.date | None = None) -> dict[str, Any]:
        """permit → int8 per row (1 eligible, 0 ineligible, -1 undetermined)."""
        out = {p: np.full(batch.n, -1, dtype="int8") for p in sorted(self.evaluator.law.permits)}
        for rows, result in self.run(batch, as_of):
            for p in out:
                out[p][rows] = result.outcome_codes(p)
        return out
