"""Symbolic form of the law for analysis: the plan lowered to z3.

(One concern, over 400 lines: the lowering of every construct, the facts' declarations and the
witnesses written back are one correspondence between applications and models.)

Three-valued facts are encoded faithfully. Every fact has a state — unknown (absent), none (an
ancestor object is null) or a value — and every condition lowers to a pair `(T, F)` of z3
formulas: "definitely true" and "definitely false" (unknown is neither). The plan (engine/plan.py)
is lowered with the one structural semantics (engine/semantics.py, over `TERMS`) and each
operator's z3 form beside its definition there (`*_terms`): rule applicability with exceptions and
document requirements, priorities between competing rules, named conditions and permit outcomes;
points ranges and the operators are expanded, so a model of a query is an application the
evaluator decides the same way (tests/test_matrix.py checks it). Anything the lowering cannot
express exactly becomes a fresh, unconstrained atom — a sound over-approximation — and is flagged
so that the analyser replays every witness through the evaluator. The analysis fixes the decision
date, in one place (`Symbolic.analysis_dates`). Boxes, the cheap side, are in engine/boxes.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any

import z3

from . import model as m
from . import semantics as sem
from .check import Law
from .codec import DECISION_DATE, as_date, contract_field, fact_default_terms, read_application
from .graph import conjuncts
from .plan import Plan
from .semantics import NONE
from .typer import typing_of

if TYPE_CHECKING:
    from .evaluate import Program

Tri = tuple[z3.BoolRef, z3.BoolRef]  # (definitely true, definitely false)
TRUE, FALSE = z3.BoolVal(True), z3.BoolVal(False)
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1).toordinal(), dt.date(2200, 12, 31).toordinal()


def t_and(parts: Iterable[Tri]) -> Tri:
    ps = list(parts)
    return z3.And([p[0] for p in ps]) if ps else TRUE, z3.Or([p[1] for p in ps]) if ps else FALSE


def t_or(parts: Iterable[Tri]) -> Tri:
    ps = list(parts)
    return z3.Or([p[0] for p in ps]) if ps else FALSE, z3.And([p[1] for p in ps]) if ps else TRUE


def t_not(p: Tri) -> Tri:
    return p[1], p[0]


SYMBOLIC_NUMBERS = sem.TermNumbers()
TERMS = sem.KleeneOf(
    lambda value: (z3.BoolVal(value is True), z3.BoolVal(value is False)), t_and, t_or, t_not
)


# ------------------------------------------------------------------------------------ facts


@dataclass
class FactVar:
    """One fact: its state and value variables, and how to write it back into an application."""

    path: str
    type: m.FactType
    known: z3.BoolRef  # has a value (for an object: present as a JSON object)
    none: z3.BoolRef  # an ancestor (or itself, for an object) is null
    value: Any  # z3 term, or None for objects and sets
    universe: tuple[str, ...] = ()  # text facts: the literals rules compare with, plus one other value
    members: dict[str, z3.BoolRef] = field(default_factory=dict)  # holds: document → held
    null_self: z3.BoolRef | None = None  # nullable objects: is this object null


@dataclass
class SymVal:
    """A lowered value: unknown / none conditions and the z3 term (or a marker for special forms)."""

    u: z3.BoolRef
    n: z3.BoolRef
    v: Any
    kind: str  # num int bool enum text date obj points years div str none
    ftype: m.FactType | None = None
    extra: Any = None


class Symbolic:
    """The law in force on one date, as z3 formulas over fact variables."""

    def __init__(self, law: Law, program: Plan | Program, as_of: dt.date):
        plan = program if isinstance(program, Plan) else program.plan
        self.law, self.plan, self.as_of = law, plan, as_of
        self.program = plan  # the name BoxBuilder and callers read
        self.typing = typing_of(law)
        self.type_of = self.typing.type
        self.derived = {d.name: d for d in law.derived}
        self.index_of = {cr.rule.id: cr.index for cr in program.rules}
        self.approximate: set[str] = set()  # rule ids whose lowering used an opaque atom
        self._current = ""
        self._fresh = 0
        self.domain: list[z3.BoolRef] = []
        self.facts: dict[str, FactVar] = {}
        self._text_literals = self._collect_text_literals()
        self._declare_facts()
        self._memo_rule: dict[int, Tri] = {}
        self._memo_expr: dict[m.Expr, Tri] = {}
        self._opaque_exprs: set[m.Expr] = set()
        self._memo_path: dict[str, SymVal] = {}
        self._memo_conjuncts: dict[int, list[tuple[str, Tri]]] = {}
        self._memo_cond: dict[str, Tri] = {}
        self._memo_outcome: dict[str, Tri] = {}
        self._memo_points: dict[str, tuple[Any, Any]] = {}

    # ---------------------------------------------------------------- declarations
    def _collect_text_literals(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}

        def walk(e: m.Expr) -> None:
            if isinstance(e, m.Compare):
                for a, b in ((e.left, e.right), (e.right, e.left)):
                    if isinstance(a, m.Path) and isinstance(b, m.Lit) and isinstance(b.value, str):
                        out.setdefault(a.dotted, set()).add(b.value)
            if isinstance(e, m.Member) and isinstance(e.operand, m.Path):
                out.setdefault(e.operand.dotted, set()).update(str(v.value) for v in e.values)
            for c in _children(e):
                walk(c)

        for rule in self.law.rules.values():
            for x in [rule.when, *rule.unless, *(c.expr for c in rule.conclusions)]:
                if x is not None:
                    walk(x)
        for table in self.law.points.values():
            for factor in table.factors:
                for band in factor.bands:
                    walk(band.when)
                    walk(band.value)
        for derived in self.law.derived:  # a text compared inside a derived fact's expression
            walk(derived.expr)
        return out

    @cached_property
    def on_decision_date(self) -> set[str]:
        """decision_date and the dates that default to it."""
        return {DECISION_DATE} | {
            f.path
            for f in self.law.facts.values()
            if isinstance(f.default, m.Path) and f.default.dotted == DECISION_DATE
        }

    @cached_property
    def analysis_dates(self) -> dict[str, int]:
        """The one analysis choice about dates, made here: the law is analysed on `as_of`, so
        `decision_date` is fixed to it (every other backend reads it from the application, as the
        codec says: `codec.decision_day`), and so is every fact that defaults to it
        (`application_date`): the applications searched are filed on the day they are decided,
        which keeps every age a linear bound on a birth date. Fact → the ordinal it is fixed to."""
        return {path: self.as_of.toordinal() for path in sorted(self.on_decision_date)}

    def analyses(self, application: dict[str, Any]) -> bool:
        """Whether an application is one this analysis searches — its dates (read by the codec, the
        defaults applied) are the analysis dates; `pin` has a model only then."""
        states = read_application(self.law, application)
        for path, ordinal in self.analysis_dates.items():
            day = states.get(path) if path in self.law.facts else as_date(application.get(path))
            if not isinstance(day, dt.date) or day.toordinal() != ordinal:
                return False
        return True

    def _declare_facts(self) -> None:
        objects: dict[str, FactVar] = {}
        for fact in sorted(self.law.facts.values(), key=lambda f: f.path.count(".")):
            path, kind = fact.path, fact.type.kind
            node, required, nullable = contract_field(path)
            node = node or {}
            known = z3.Bool(f"k|{path}")
            null_self = z3.Bool(f"null|{path}") if kind == "object" and path in nullable else None
            ancestors = [a for a in nullable if a != path]
            none = z3.Or(
                [objects[a].null_self for a in ancestors if a in objects and objects[a].null_self is not None]
                + ([null_self] if null_self is not None else [])
            )
            value: Any = None
            universe: tuple[str, ...] = ()
            members: dict[str, z3.BoolRef] = {}
            if path in self.analysis_dates:  # fixed by the analysis (`analysis_dates`)
                value = z3.IntVal(self.analysis_dates[path])
                self.domain.append(known)
            elif kind == "bool":
                value = z3.Bool(f"v|{path}")
            elif kind == "integer":
                value = z3.Int(f"v|{path}")
            elif kind in ("number", "money", "duration"):
                value = z3.Real(f"v|{path}")
            elif kind == "date":
                value = z3.Int(f"v|{path}")
                self.domain += [value >= DATE_MIN, value <= DATE_MAX]
            elif kind == "enum":
                value = z3.Int(f"v|{path}")
                self.domain += [value >= 0, value < len(fact.type.members)]
            elif kind == "text":
                universe = (
                    *sorted(self._text_literals.get(path, set())),
                    _other_text(node, self._text_literals.get(path, set())),
                )
                value = z3.Int(f"v|{path}")
                self.domain += [value >= 0, value < len(universe)]
            elif kind == "set":
                members = {d: z3.Bool(f"h|{path}|{d}") for d in sorted(self.law.documents)}
            if kind in ("integer", "number", "money") and value is not None:
                for key, op in (
                    ("minimum", ">="),
                    ("maximum", "<="),
                    ("exclusiveMinimum", ">"),
                    ("exclusiveMaximum", "<"),
                ):
                    if key in node:
                        bound = node[key]
                        self.domain.append(
                            {
                                ">=": value >= bound,
                                "<=": value <= bound,
                                ">": value > bound,
                                "<": value < bound,
                            }[op]
                        )
            fv = FactVar(path, fact.type, known, none, value, universe, members, null_self)
            self.facts[path] = fv
            if kind == "object":
                objects[path] = fv
            # consistency of states: a fact with a value has every object above it present, not null
            parents = [objects[p] for p in prefixes(path) if p in objects and p != path]
            for parent in parents:
                self.domain.append(z3.Implies(known, parent.known))
            self.domain.append(z3.Implies(none, z3.Not(known)))
            if null_self is not None:
                self.domain.append(z3.Not(z3.And(null_self, known)))
            if required and not ancestors:
                self.domain.append(known)
            self.domain += fact_default_terms(fact, known, none)  # absent takes the default

    # ---------------------------------------------------------------- values
    def fresh(self, prefix: str = "opaque") -> z3.BoolRef:
        self._fresh += 1
        if self._current:
            self.approximate.add(self._current)
        return z3.Bool(f"{prefix}|{self._fresh}")

    def _opaque(self) -> Tri:
        t, f = self.fresh(), self.fresh()
        self.domain.append(z3.Not(z3.And(t, f)))
        return t, f

    def value(self, e: m.Expr) -> SymVal:
        if isinstance(e, m.Lit):
            v = e.value
            if isinstance(v, bool):
                return SymVal(FALSE, FALSE, z3.BoolVal(v), "bool")
            if isinstance(v, int | float):
                if e.unit in ("days", "months", "years"):
                    return SymVal(FALSE, FALSE, v, "duration", extra=e.unit)
                return SymVal(FALSE, FALSE, _num(v), "num")
            if isinstance(v, str):
                return SymVal(FALSE, FALSE, None, "str", extra=v)
            if isinstance(v, dt.date):
                return SymVal(FALSE, FALSE, z3.IntVal(v.toordinal()), "date")
            return SymVal(FALSE, FALSE, None, "none")
        if isinstance(e, m.Path):
            if e.parts[0] == "params" and len(e.parts) == 2:
                p = self.law.parameter_values[e.parts[1]]
                if isinstance(p, bool):
                    return SymVal(FALSE, FALSE, z3.BoolVal(p), "bool")
                if isinstance(p, int | float):
                    return SymVal(FALSE, FALSE, _num(p), "num")
                return SymVal(FALSE, FALSE, None, "str", extra=str(p))
            name = e.dotted
            if name in self.derived:
                return self.value(self.derived[name].expr)
            fv = self.facts.get(name)
            if fv is None:
                return SymVal(self.fresh(), FALSE, None, "opaque")
            if name not in self._memo_path:
                kind = {
                    "integer": "int",
                    "number": "num",
                    "money": "num",
                    "duration": "num",
                    "object": "obj",
                }.get(fv.type.kind, fv.type.kind)
                u = z3.And(z3.Not(fv.known), z3.Not(fv.none))
                self._memo_path[name] = SymVal(u, fv.none, fv.value, kind, fv.type, extra=fv)
            return self._memo_path[name]
        if isinstance(e, m.Arith):
            a, b = self._number(e.left), self._number(e.right)
            if a.kind == "date" and b.kind == "duration":
                u, n, shifted = sem.date_add_terms(a, b.v, b.extra, 1 if e.op == "+" else -1)
                if shifted is not None:
                    return SymVal(u, n, shifted, "date")
                return SymVal(u, n, z3.Int(f"approx|{id(e)}|{self.fresh()}"), "date")
            if a.v is None or b.v is None or not _is_arith(a.v) or not _is_arith(b.v):
                u, n = sem.states_terms(a, b)
                return SymVal(z3.Or(u, self.fresh()), n, z3.Real(f"approx|{self._fresh}"), "num")
            u, n, out = sem.arith_terms(e.op, a, b)
            if e.op == "/":
                return SymVal(u, n, out, "div", extra=(a.v, b.v))
            return SymVal(u, n, out, "int" if a.kind == b.kind == "int" else "num")
        if isinstance(e, m.Call):
            if e.name == "points":
                lo, hi = self.points(e.args[0].dotted)  # type: ignore[attr-defined]
                return SymVal(FALSE, FALSE, (lo, hi), "points")
            if e.name == "years_between":
                a, b = self.value(e.args[0]), self.value(e.args[1])
                u, n, years = sem.years_between_terms(a, b)
                if years is not None and a.kind == "date":
                    return SymVal(u, n, None, "years", extra=years)
                return SymVal(z3.Or(u, self.fresh()), n, z3.Int(f"approx|years|{self._fresh}"), "int")
            if e.name in ("min", "max", "floor"):
                args = [self._number(a) for a in e.args]
                if any(a.v is None or not _is_arith(a.v) for a in args):
                    return SymVal(self.fresh(), FALSE, z3.Real(f"approx|{self._fresh}"), "num")
                u, n, out = sem.num_fn_terms(e.name, args)
                kind = "int" if e.name == "floor" or all(a.kind == "int" for a in args) else "num"
                return SymVal(u, n, out, kind)
        # a condition used as a value: True / False / None
        t, f = self.cond(e)
        return SymVal(z3.And(z3.Not(t), z3.Not(f)), FALSE, t, "bool")

    def _number(self, e: m.Expr) -> SymVal:
        """An operand of arithmetic, min, max or floor (a points range: its `point_value`)."""
        v = self.value(e)
        return SymVal(*sem.point_value_terms(v), "int") if v.kind == "points" else v

    def points(self, name: str) -> tuple[Any, Any]:
        """The (lo, hi) range of a points table: `semantics.points_range_over` z3 terms."""
        if name not in self._memo_points:
            bands = []
            for factor in self.law.points[name].factors:
                values = [self._number(b.value) for b in factor.bands]
                bands.append(
                    (factor.cap, [(self.cond(b.when), v) for b, v in zip(factor.bands, values, strict=True)])
                )
            lo, hi, _ = sem.points_range_over(SYMBOLIC_NUMBERS, bands)
            self._memo_points[name] = (lo, hi)
        return self._memo_points[name]

    # ---------------------------------------------------------------- conditions
    def cond(self, e: m.Expr) -> Tri:
        """Memoised: equal expressions (spans aside) lower to the same formulas, shared between rules."""
        got = self._memo_expr.get(e)
        if got is None:
            fresh_before = self._fresh
            got = self._cond(e)
            if self._fresh == fresh_before:  # opaque atoms must stay distinct per occurrence
                self._memo_expr[e] = got
        elif self._current and e in self._opaque_exprs:
            self.approximate.add(self._current)
        return got

    def _cond(self, e: m.Expr) -> Tri:
        if isinstance(e, m.And):
            return t_and(self.cond(x) for x in e.operands)
        if isinstance(e, m.Or):
            return t_or(self.cond(x) for x in e.operands)
        if isinstance(e, m.Not):
            return t_not(self.cond(e.operand))
        if isinstance(e, m.Compare):
            return self.compare(e)
        if isinstance(e, m.Member):
            a = self.value(e.operand)
            if a.v is None or a.kind in ("points", "years", "opaque"):
                return self._opaque()
            options = [self._literal_like(a, self.value(v)) for v in e.values]
            return sem.member_terms(a, [o for o in options if o is not None])
        if isinstance(e, m.Call):
            return self.call(e)
        if isinstance(e, m.Path):
            a = self.value(e)
            truth = sem.truthy_terms(a, a.kind == "obj") if a.kind in ("obj", "bool") else None
            return self._opaque() if truth is None else truth
        if isinstance(e, m.Lit):
            return (TRUE, FALSE) if bool(e.value) else (FALSE, TRUE)
        return self._opaque()

    def _literal_like(self, a: SymVal, lit: SymVal) -> Any:
        """A literal as a term of the same sort as `a` (enum and text values become indices)."""
        if lit.kind == "str":
            if a.kind == "enum" and a.ftype is not None:
                return z3.IntVal(a.ftype.members.index(lit.extra)) if lit.extra in a.ftype.members else None
            if a.kind == "text" and isinstance(a.extra, FactVar):
                return z3.IntVal(a.extra.universe.index(lit.extra)) if lit.extra in a.extra.universe else None
            return None
        return lit.v

    def compare(self, e: m.Compare) -> Tri:
        """A comparison by its resolved form (`semantics.OPERATORS`), over the forms' z3 terms."""
        op, form = e.op, self.typing.operator(e)
        a, b = self.value(e.left), self.value(e.right)
        if form in ("is_none", "is_not_none"):
            side = a if getattr(self.type_of(e.left), "kind", None) == "object" else b
            return sem.is_none_terms(side, form == "is_none")
        if a.kind == "points" or b.kind == "points":
            return self._points_compare(op, a, b)
        if a.kind == "years" or b.kind == "years":
            if a.kind != "years":
                a, b, op = b, a, sem.FLIP[op]
            if b.v is None or not isinstance(b.v, z3.IntNumRef | z3.RatNumRef):
                return self._opaque()
            x, day = a.extra
            k = b.v.as_long() if isinstance(b.v, z3.IntNumRef) else b.v.as_fraction()
            return sem.compared_terms(sem.years_between_compare_terms(x, day, op, k), a, b)
        if a.kind == "str" or b.kind == "str" or {a.kind, b.kind} <= {"text", "enum"}:
            indices = self._indices(a, b)
            if indices is None:
                return self._opaque()
            a, b = indices
        if a.v is None or b.v is None or a.kind == "opaque" or b.kind == "opaque":
            return self._opaque()
        if a.kind == "div" and b.kind in ("num", "int") and _is_value(b.v):
            num, den = a.extra
            return sem.compared_terms(sem.divide_compare_terms(op, num, den, b.v), a, b)
        truth = sem.compare_terms(op, a, b)
        return self._opaque() if truth is None else truth

    def _indices(self, a: SymVal, b: SymVal) -> tuple[SymVal, SymVal] | None:
        """Text and enum values as indices in one universe: a fact's (its enum's members, or the
        text literals rules compare it with and one other value), or two strings' sorted union. A
        string outside the fact's universe is an index no value has (-1). None: no common universe."""
        if a.kind == "str" and b.kind == "str":
            union = sorted({a.extra, b.extra})
            a, b = (SymVal(x.u, x.n, z3.IntVal(union.index(x.extra)), "text") for x in (a, b))
            return a, b
        if a.kind == "str" or b.kind == "str":
            fact, lit = (b, a) if a.kind == "str" else (a, b)
            if fact.v is None or fact.kind not in ("text", "enum"):
                return None
            index = self._literal_like(fact, lit)
            lit = SymVal(lit.u, lit.n, index if index is not None else z3.IntVal(-1), fact.kind)
            return (lit, fact) if a.kind == "str" else (fact, lit)
        same = (
            a.ftype is not None and b.ftype is not None and a.ftype.members == b.ftype.members
            if a.kind == "enum"
            else isinstance(a.extra, FactVar)
            and isinstance(b.extra, FactVar)
            and a.extra.universe == b.extra.universe
        )
        return (a, b) if same and a.kind == b.kind else None

    def _points_compare(self, op: str, a: SymVal, b: SymVal) -> Tri:
        if (a.kind != "points" and (a.v is None or not _is_arith(a.v))) or (
            b.kind != "points" and (b.v is None or not _is_arith(b.v))
        ):
            return self._opaque()
        return sem.points_compare_terms(a, op, b)

    def call(self, e: m.Call) -> Tri:
        name = e.args[0].dotted if e.args and isinstance(e.args[0], m.Path) else ""
        if e.name == "eligible":
            return self.outcome(name)
        if e.name == "ineligible":
            return sem.ineligible(TERMS, self.outcome(name))
        if e.name == "met":
            return self.met(name)
        if e.name == "holds":
            return self.holds(name)
        if e.name == "not_at_hand":
            return sem.not_at_hand(TERMS)
        return self._opaque()

    def holds(self, document: str) -> Tri:
        fv = self.facts.get("holds")
        if fv is None or document not in fv.members:
            return self._opaque()
        return sem.holds_terms(self.value(m.Path(("holds",))), fv.members[document])

    # ---------------------------------------------------------------- rules, conditions, permits
    def rule_conjuncts(self, i: int) -> list[tuple[str, Tri]]:
        """A rule's applicability as named conjuncts (for unsat cores): conditions, exceptions, document."""
        if i in self._memo_conjuncts:
            return self._memo_conjuncts[i]
        cr = self.plan.rules[i]
        rule = cr.rule
        saved, self._current = self._current, rule.id
        # the program already holds each condition's source text
        out = [
            (text or f"condition {n + 1}", self.cond(x))
            for n, (text, x) in enumerate(zip(cr.condition_texts, conjuncts(rule.when), strict=True))
        ]
        out += [
            ("unless " + (text or f"exception {n + 1}"), t_not(self.cond(u)))
            for n, (text, u) in enumerate(zip(cr.exception_texts, rule.unless, strict=True))
        ]
        if cr.demands is not None:
            out.append((f"not {cr.demands_text}", t_not(self.cond(cr.demands))))
        self._current = saved
        self._memo_conjuncts[i] = out
        return out

    def applies(self, i: int) -> Tri:
        """`semantics.rule_applies`, then `semantics.requirement` (the last named conjunct of a
        requirement is `not demanded`)."""
        if i not in self._memo_rule:
            cr = self.plan.rules[i]
            parts = [p for _, p in self.rule_conjuncts(i)]
            n_cond = len(cr.conditions)
            a = sem.rule_applies(
                TERMS, parts[:n_cond], [t_not(p) for p in parts[n_cond : n_cond + len(cr.rule.unless)]]
            )
            if cr.demands is not None:
                a = sem.requirement(TERMS, a, t_not(parts[-1]))
            self._memo_rule[i] = a
        return self._memo_rule[i]

    def met(self, name: str) -> Tri:
        if name not in self._memo_cond:
            self._memo_cond[name] = sem.condition_met(
                TERMS, [self.applies(i) for i in self.plan.condition_rules.get(name, [])]
            )
        return self._memo_cond[name]

    def stands(self, permit: str, i: int) -> Tri:
        plan = self.plan.plans[permit]
        return sem.stands(TERMS, self.applies(i), [self.applies(j) for j, _ in plan.beaten_by.get(i, ())])

    def outcome(self, permit: str) -> Tri:
        """Permit outcome: T = eligible, F = ineligible (`semantics.permit_outcome`)."""
        if permit not in self._memo_outcome:
            plan = self.plan.plans.get(permit)
            if plan is None:
                return self._opaque()
            self._memo_outcome[permit] = sem.permit_outcome(
                TERMS,
                [self.stands(permit, i) for i in plan.grants],
                [self.stands(permit, i) for i in plan.restricts],
            )
        return self._memo_outcome[permit]

    def conclusion_value(self, i: int, attr: str) -> SymVal | None:
        rule = self.plan.rules[i].rule
        expr = next((c.expr for c in rule.conclusions if c.kind == "value" and c.name == attr), None)
        return self.value(expr) if expr is not None else None

    # ---------------------------------------------------------------- witnesses
    def application(
        self, model: z3.ModelRef, app_id: str, requested: list[str] | None = None
    ) -> dict[str, Any]:
        """Write a model back as an application in the contract's JSON (absent = unknown)."""
        app: dict[str, Any] = {"id": app_id, "decision_date": self.as_of.isoformat()}
        if requested:
            app["requested"] = list(requested)

        def is_true(x: z3.BoolRef) -> bool:
            return bool(z3.is_true(model.eval(x, model_completion=True)))

        def put(path: str, value: Any) -> None:
            node = app
            parts = path.split(".")
            for part in parts[:-1]:
                if node.get(part) is None:
                    node[part] = {}
                node = node[part]
            node[parts[-1]] = value

        def nulled(path: str) -> bool:
            node: Any = app
            for part in path.split(".")[:-1]:
                if not isinstance(node, dict) or part not in node:
                    return False
                node = node[part]
                if node is None:
                    return True
            return False

        for path, fv in sorted(self.facts.items(), key=lambda kv: kv[0].count(".")):
            if path in self.analysis_dates:
                continue
            if fv.null_self is not None and is_true(fv.null_self):
                if not nulled(path):
                    put(path, None)
                continue
            if not is_true(fv.known) or nulled(path):
                continue
            kind = fv.type.kind
            if kind == "object":
                if _get(app, path) is None:
                    put(path, {})
                continue
            if kind == "set":
                put(path, [d for d, h in fv.members.items() if is_true(h)])
                continue
            raw = model.eval(fv.value, model_completion=True)
            if kind == "bool":
                put(path, z3.is_true(raw))
            elif kind == "enum":
                put(path, fv.type.members[raw.as_long()])
            elif kind == "text":
                put(path, fv.universe[raw.as_long()])
            elif kind == "date":
                put(path, dt.date.fromordinal(raw.as_long()).isoformat())
            elif kind == "integer":
                put(path, raw.as_long())
            else:
                frac = raw.as_fraction() if isinstance(raw, z3.RatNumRef) else Fraction(raw.as_long())
                put(path, int(frac) if frac.denominator == 1 else float(frac))
        app.setdefault("applicant", {})
        return app

    def pin(self, app: dict[str, Any]) -> list[z3.BoolRef]:
        """Constraints fixing every fact to its state in an application, as the codec reads it
        (engine/codec.py, documented defaults applied) — the inverse of `application`."""
        states = read_application(self.law, app)
        out: list[z3.BoolRef] = [] if self.analyses(app) else [FALSE]  # outside the analysis dates
        for path, fv in self.facts.items():
            if path in self.analysis_dates:
                continue
            v = states.get(path)
            if fv.null_self is not None:  # this object itself is null (not an object above it)
                above = any(states.get(p) is NONE for p in prefixes(path)[:-1])
                out.append(fv.null_self == z3.BoolVal(v is NONE and not above))
            if v is NONE:
                out.append(fv.none)
                continue
            kind = fv.type.kind
            if v is None or (kind == "enum" and v not in fv.type.members):
                out.append(z3.Not(fv.known))
                continue
            out.append(fv.known)
            if kind == "set":
                out += [h == z3.BoolVal(d in v) for d, h in fv.members.items()]
            elif kind == "bool":
                out.append(fv.value == z3.BoolVal(bool(v)))
            elif kind == "enum":
                out.append(fv.value == fv.type.members.index(v))
            elif kind == "text":
                out.append(fv.value == (fv.universe.index(v) if v in fv.universe else len(fv.universe) - 1))
            elif kind == "date":
                out.append(fv.value == v.toordinal())
            elif kind != "object":
                out.append(fv.value == _num(v))
        return out


# ------------------------------------------------------------------------------------ helpers


def _num(v: float) -> Any:
    if isinstance(v, int) or float(v).is_integer():
        return z3.IntVal(int(v))
    return z3.RealVal(Fraction(v).limit_denominator(10**9))


def _is_arith(v: Any) -> bool:
    return isinstance(v, z3.ArithRef)


def _is_value(v: Any) -> bool:
    return isinstance(v, z3.IntNumRef | z3.RatNumRef)


def prefixes(path: str) -> list[str]:
    parts = path.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _get(app: dict[str, Any], path: str) -> Any:
    node: Any = app
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _other_text(node: dict[str, Any], used: set[str]) -> str:
    """A text value no rule mentions (respecting a simple `^[A-Z]{n}$` pattern such as ISO codes)."""
    if node.get("pattern") == "^[A-Z]{3}$":
        for candidate in ("ZZZ", "ZZY", "ZZX", "ZYZ"):
            if candidate not in used:
                return candidate
    n = 0
    while f"other_{n}" in used:
        n += 1
    return f"other_{n}"


def _children(e: m.Expr) -> tuple[m.Expr, ...]:
    from .expressions import children

    out = children(e)
    if isinstance(e, m.Call):
        out = out + e.args
    return out
