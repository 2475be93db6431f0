"""The reference interpreter: the plan run over Python scalars, by walking the typed expressions.

The slowest and plainest backend, and the one the others are tested against (tests/test_matrix.py):
facts read by the codec (engine/codec.py), every operator by its resolved form and its scalar
definition (engine/semantics.py), every rule, named condition and permit by the structural
semantics over `semantics.PY`, in the plan's schedule. It returns an `Evaluation`, so a proof can
be built from it exactly as from the generated program's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from . import model as m
from . import semantics as sem
from .codec import read_application
from .evaluate import Evaluation, Program
from .semantics import PY, Tri, enum_ranks
from .typer import typing_of

__all__ = ["Interpreter", "interpret"]


class Interpreter:
    """One application's facts, outcomes, conditions and points ranges, computed on demand."""

    def __init__(self, program: Program, application: Mapping[str, Any]):
        self.plan = program.plan
        self.law = program.law
        self.typing = typing_of(self.law)
        self.f: dict[str, Any] = read_application(self.law, application)
        self.o: dict[str, Tri] = {p: None for p in self.law.permits}
        self.c: dict[str, Tri] = {x: None for x in self.law.conditions}
        self.pt: dict[str, Any] = {}

    # ---- values
    def value(self, e: m.Expr) -> Any:
        if isinstance(e, m.Lit):
            return e.value
        if isinstance(e, m.Path):
            if e.parts[0] == "params" and len(e.parts) == 2:
                return self.law.parameter_values[e.parts[1]]
            return self.f.get(e.dotted)
        if isinstance(e, m.Arith):
            op = self.typing.operator(e)
            if op.startswith("date_add_"):
                assert isinstance(e.right, m.Lit) and isinstance(e.right.value, int | float)
                return sem.date_add(
                    self.value(e.left), e.right.value, str(e.right.unit), 1 if e.op == "+" else -1
                )
            a, b = self.value(e.left), self.value(e.right)
            if getattr(self.typing.type(e.left), "kind", None) == "points":
                a = sem.point_value(a)
            if getattr(self.typing.type(e.right), "kind", None) == "points":
                b = sem.point_value(b)
            return sem.arith(e.op, a, b)
        if isinstance(e, m.Call) and e.name in ("points", "years_between", "min", "max", "floor"):
            if e.name == "points":
                return self.pt.get(_name(e))
            args = [self.value(a) for a in e.args]
            return sem.years_between(*args) if e.name == "years_between" else sem.num_fn(e.name, *args)
        return self.cond(e)

    # ---- conditions
    def cond(self, e: m.Expr) -> Tri:
        if isinstance(e, m.And):
            return PY.and_([self.cond(x) for x in e.operands])
        if isinstance(e, m.Or):
            return PY.or_([self.cond(x) for x in e.operands])
        if isinstance(e, m.Not):
            return PY.not_(self.cond(e.operand))
        if isinstance(e, m.Compare):
            return self.compare(e)
        if isinstance(e, m.Member):
            return sem.member(self.value(e.operand), {x.value for x in e.values})
        if isinstance(e, m.Call):
            return self.call(e)
        if isinstance(e, m.Path):
            return sem.truthy(self.value(e), getattr(self.typing.type(e), "kind", None) == "object")
        if isinstance(e, m.Lit):
            return bool(e.value)
        raise AssertionError(e)

    def call(self, e: m.Call) -> Tri:
        if e.name == "not_at_hand":
            return sem.not_at_hand(PY)
        name = _name(e)
        if e.name == "eligible":
            return self.o.get(name)
        if e.name == "ineligible":
            return sem.ineligible(PY, self.o.get(name))
        if e.name == "met":
            return self.c.get(name)
        if e.name == "holds":
            return sem.holds(self.f.get("holds"), name)
        raise AssertionError(e.name)

    def compare(self, e: m.Compare) -> Tri:
        op = self.typing.operator(e)
        if op == "compare_points_range":
            return sem.points_compare(self.value(e.left), e.op, self.value(e.right))
        if op in ("is_none", "is_not_none"):
            side = e.left if getattr(self.typing.type(e.left), "kind", None) == "object" else e.right
            return sem.is_none(self.value(side), op == "is_none")
        a, b = self.value(e.left), self.value(e.right)
        if op == "compare_enum_rank":
            enum = next(
                t for t in (self.typing.type(e.left), self.typing.type(e.right)) if t and t.kind == "enum"
            )
            ranks = enum_ranks(enum.members)
            a, b = ranks.get(a), ranks.get(b)
        return sem.compare(e.op, a, b)

    # ---- the plan
    def run(self) -> tuple[Tri, ...]:
        law, plan = self.law, self.plan
        for d in law.derived:
            self.f[d.name] = self.value(d.expr)
        for table in law.points.values():
            lo, hi, per_factor = sem.points_range(
                [
                    (factor.cap, [(self.cond(b.when), self.value(b.value)) for b in factor.bands])
                    for factor in table.factors
                ]
            )
            self.pt[table.name] = (lo, hi)
            self.pt["#" + table.name] = per_factor

        def condition(name: str, met: Tri) -> None:
            self.c[name] = met

        def outcome(name: str, decided: Tri, _standing: dict[int, Tri]) -> None:
            self.o[name] = decided

        applies = sem.run_plan(PY, plan, self.rule, condition, outcome)
        return tuple(applies[cr.index] for cr in plan.rules)

    def rule(self, i: int) -> Tri:
        cr = self.plan.rules[i]
        a = sem.rule_applies(
            PY, [self.cond(x) for x in cr.conditions], [self.cond(u) for u in cr.rule.unless]
        )
        if cr.demands is not None:
            a = sem.requirement(PY, a, self.cond(cr.demands))
        return a


def interpret(program: Program, application: Mapping[str, Any], as_of: dt.date | None = None) -> Evaluation:
    """The reference evaluation of an application (a proof can be materialised from it)."""
    day = as_of or dt.date.fromisoformat(str(application["decision_date"]))
    it = Interpreter(program, application)
    applies = it.run()
    facts = tuple(it.f.get(name) for name in program.fact_names)
    return Evaluation(program, dict(application), day, facts, it.o, it.c, it.pt, applies, None)


def _name(call: m.Call) -> str:
    arg = call.args[0]
    assert isinstance(arg, m.Path)
    return arg.dotted
