"""The differential matrix: every law × generated applications, five backends, one answer.

For the baseline, the reform and the fixture corpora, each generated application is decided by
- the reference interpreter (engine/reference.py: the plan walked over Python scalars),
- the generated program, fast and traced (engine/compile.py),
- the column evaluator (engine/batch.py: numpy masks),
- z3 with every fact pinned to the application (engine/symbolic.py),
and all five must agree on every permit's outcome and every rule's applicability; the missing facts
of the proofs built from the reference, fast and traced evaluations must be the same.

Every backend reads the decision date from the application (engine/codec.py `decision_day`) —
except z3, whose one analysis choice (engine/symbolic.py `Symbolic.analysis_dates`) fixes it, and
the facts that default to it (`application_date`), to the day analysed. The four other backends
decide every generated application, its `application_date` its own; z3 is compared on the
applications its analysis searches (filed on the day they are decided, or with no filing date),
and `pin` must have no model for the others.
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lexgraph.compliance.applications import ApplicationError, validate_application
from lexgraph.compliance.decisions import LawContext
from lexgraph.engine import model as m
from lexgraph.engine import semantics as sem
from lexgraph.engine.batch import BatchEvaluator, FactBatch
from lexgraph.engine.codec import FALSE, TRUE, Val
from lexgraph.engine.reference import interpret
from lexgraph.engine.symbolic import Symbolic
from test_batch import applications

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
REGULATIONS = ROOT / "regulations"
LAWS: dict[str, tuple[list[Path], list[Path], dict[str, str]]] = {
    "baseline": ([REGULATIONS], [], {}),
    "reform": (
        [REGULATIONS],
        [REGULATIONS / "amendments" / "independent_application.lex"],
        {"pass_mark": "40"},
    ),
    "impact_fixture": ([REGULATIONS], [TESTS / "impact" / "fixture_independent.lex"], {"pass_mark": "45"}),
    "analysis_amendment": ([REGULATIONS], [TESTS / "analysis" / "amendment" / "independent_route.lex"], {}),
    "constructs": ([TESTS / "language" / "good" / "constructs"], [], {}),
    "constructs_amended": (
        [TESTS / "language" / "good" / "constructs"],
        [TESTS / "language" / "good" / "constructs_amendment.lex"],
        {"pass_mark": "70"},
    ),
    "planted": ([TESTS / "analysis" / "planted"], [], {}),
    "compatible": ([TESTS / "analysis" / "compatible"], [], {}),
    "diff_baseline": ([TESTS / "amendments" / "baseline"], [], {}),
    "diff_amended": (
        [TESTS / "amendments" / "baseline"],
        [TESTS / "amendments" / "fixture_amendment.lex"],
        {},
    ),
    "operators": ([TESTS / "matrix"], [], {}),  # the operators no corpus rule uses yet
}
CODE = {True: 1, False: 0, None: -1}
# CI runs a fixed sample; LEXGRAPH_MATRIX_EXAMPLES=500 searches further (random seeds)
EXAMPLES = int(os.environ.get("LEXGRAPH_MATRIX_EXAMPLES", "30"))


@cache
def context(law: str) -> LawContext:
    dirs, amendments, parameters = LAWS[law]
    return LawContext.load(dirs, amendments, parameters)


@cache
def symbolic(law: str, day: dt.date) -> tuple[Symbolic, z3.Solver]:
    ctx = context(law)
    sym = Symbolic(ctx.law, ctx.evaluator.plan(day), day)
    solver = z3.Solver()
    solver.add(sym.domain)
    return sym, solver


def _z3(law: str, app: dict[str, Any]) -> tuple[dict[str, bool | None], dict[int, bool | None]]:
    """z3's outcomes and rule applicabilities with every fact pinned — only those it lowers exactly
    (a rule with an opaque atom, e.g. `date + N months` on an unknown date, decides nothing)."""
    day = dt.date.fromisoformat(app["decision_date"])
    sym, solver = symbolic(law, day)
    solver.push()
    try:
        solver.add(sym.pin(app))
        if not sym.analyses(app):  # filed on another day: outside the analysis, no model
            assert solver.check() == z3.unsat, app
            return {}, {}
        assert solver.check() == z3.sat, app
        model = solver.model()

        def tri(t: tuple[Any, Any]) -> bool | None:
            if z3.is_true(model.eval(t[0], model_completion=True)):
                return True
            return False if z3.is_true(model.eval(t[1], model_completion=True)) else None

        outcomes = {p: tri(sym.outcome(p)) for p in sym.plan.plans}
        applies = {i: tri(sym.applies(i)) for i in range(len(sym.plan.rules))}
        exact = _exact(sym)
        return (
            {p: v for p, v in outcomes.items() if p in exact},
            {i: v for i, v in applies.items() if sym.plan.rules[i].rule.id not in sym.approximate},
        )
    finally:
        solver.pop()


def _exact(sym: Symbolic) -> set[str]:
    """The permits whose every rule, and every permit or condition those rules read, z3 lowers exactly."""
    plan = sym.plan
    out: set[str] = set()

    def exact_rule(i: int, seen: frozenset[str]) -> bool:
        cr = plan.rules[i]
        if cr.rule.id in sym.approximate:
            return False
        return all(exact_permit(p, seen) for p in cr.reads_permits) and all(
            exact_rule(j, seen) for c in cr.reads_conditions for j in plan.condition_rules.get(c, [])
        )

    def exact_permit(p: str, seen: frozenset[str]) -> bool:
        if p in seen:
            return False
        pp = plan.plans[p]
        return all(
            exact_rule(i, seen | {p}) and all(exact_rule(j, seen | {p}) for j, _ in pp.beaten_by.get(i, ()))
            for i in pp.contenders
        )

    for p in plan.plans:
        if exact_permit(p, frozenset()):
            out.add(p)
    return out


def _valid(app: dict[str, Any]) -> bool:
    """z3's domain is the contract's: an application outside it (a number above the schema's
    maximum) has no model, so only the other four backends decide it."""
    try:
        validate_application(app)
    except ApplicationError:
        return False
    return True


def _missing(decision: Any) -> dict[str, tuple[str, ...]]:
    return {d.permit: d.missing_facts for d in decision.decisions}


def assert_matrix(law: str, apps: list[dict[str, Any]]) -> None:
    ctx = context(law)
    ev = ctx.evaluator
    codes = BatchEvaluator(ev).outcome_codes(FactBatch.from_applications(apps))
    for row, app in enumerate(apps):
        day = dt.date.fromisoformat(app["decision_date"])
        program = ev.program(day)
        reference = interpret(program, app, day)
        fast = ev.evaluate(app, day, trace=False)
        traced = ev.evaluate(app, day, trace=True)
        where = (law, app)
        assert fast.o == reference.o, ("fast codegen", where)
        assert traced.o == reference.o, ("traced codegen", where)
        assert fast.applies == reference.applies == traced.applies, ("rule applicability", where)
        assert fast.c == reference.c, ("named conditions", where)
        assert {p: int(codes[p][row]) for p in reference.o} == {p: CODE[v] for p, v in reference.o.items()}, (
            "numpy",
            where,
        )
        if _valid(app):
            outcomes, applies = _z3(law, app)
            assert outcomes == {p: reference.o[p] for p in outcomes}, ("z3 pinned", where)
            assert applies == {i: reference.applies[i] for i in applies}, ("z3 pinned rules", where)
        missing = _missing(reference.decision())
        assert _missing(fast.decision()) == missing, ("missing facts, fast", where)
        assert _missing(traced.decision()) == missing, ("missing facts, traced", where)


@pytest.mark.parametrize("law", sorted(LAWS))
def test_the_five_backends_agree(law: str) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=EXAMPLES == 30,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(apps=st.lists(applications(), min_size=1, max_size=6))
    def check(apps: list[dict[str, Any]]) -> None:
        assert_matrix(law, apps)

    check()


def test_the_matrix_is_not_vacuous() -> None:
    """Over the scenarios' own applications the baseline decides every outcome somewhere, and the
    reference interpreter builds the same proofs as the generated program."""
    import json

    from lexgraph.compliance.render import decision_json, dumps

    ctx = context("baseline")
    seen: set[bool | None] = set()
    for path in sorted((TESTS / "scenarios").rglob("*.json"))[:60]:
        scenario = json.loads(path.read_text(encoding="utf-8"))
        app = scenario.get("application")
        if not isinstance(app, dict) or "decision_date" not in app or scenario.get("law"):
            continue
        day = dt.date.fromisoformat(scenario.get("as_of") or app["decision_date"])
        reference = interpret(ctx.evaluator.program(day), app, day)
        seen.update(reference.o.values())
        assert dumps(decision_json(reference.decision())) == dumps(decision_json(ctx.decide(app, day))), (
            path.name
        )
    assert seen == {True, False, None}


# ------------------------------------------------------------------ each operator's forms, one definition
#
# Every operator of `semantics.OPERATORS` has a scalar definition, a code template, a numpy form and
# a z3 form; each numpy and z3 form is checked here against the scalar definition on generated fact
# states — unknown (None) and none (NONE) included. A numpy form runs over a column of several rows
# (codec.Val) and over a constant (a literal); a z3 form over values whose unknown / none formulas
# are constants or pinned variables, and whose value is a free variable where it is unknown or none
# (so a form must not read it): the solver proves each result.

FORM_CHECKS: dict[str, Callable[..., None]] = {}


def checks(*operators: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(test: Callable[..., None]) -> Callable[..., None]:
        for name in operators:
            FORM_CHECKS[name] = test
        return test

    return register


def test_a_number_compared_with_a_number_is_a_numeric_comparison() -> None:
    """`x > 0` is a comparison of numbers, never one of booleans (0 == False in Python: the checker
    kept one resolved operator for both until a literal's type became part of it)."""
    from lexgraph.engine.typer import typing_of

    law = context("baseline").law
    typing = typing_of(law)
    numeric = [
        e
        for e in law.types
        if isinstance(e, m.Compare)
        and any(isinstance(x, m.Lit) and type(x.value) in (int, float) for x in (e.left, e.right))
        and {getattr(law.types.get(x), "kind", None) for x in (e.left, e.right)}
        & {"integer", "number", "money"}
    ]
    assert numeric and {typing.operator(e) for e in numeric} == {"compare_number"}


def test_every_operator_has_its_four_forms_and_a_check() -> None:
    """An operator without a form its backends need, a form outside semantics.py, a numpy or z3 form
    of no operator, or an operator no check below covers, fails here."""
    for name, forms in sem.OPERATORS.items():
        for kind in ("scalar", "code", "columns", "terms"):
            functions = getattr(forms, kind)
            assert functions, f"{name} has no {kind} form"
            for f in functions:
                assert getattr(sem, f.__name__, None) is f, f"{name}: {f} is not defined in semantics.py"
    assert set(FORM_CHECKS) == set(sem.OPERATORS)
    named = {f.__name__ for forms in sem.OPERATORS.values() for f in forms.columns + forms.terms}
    lifting = {"states_columns", "states_terms", "compared_terms"}  # every form's handling of states
    for name, obj in vars(sem).items():
        if callable(obj) and re.fullmatch(r"[a-z]\w*_(columns|terms)", name) and name not in lifting:
            assert name in named, f"{name} is the form of no operator in OPERATORS"
    from lexgraph.engine import batch, symbolic

    for module in (batch, symbolic):  # the backends define no operator form of their own
        own = [
            name
            for name, obj in vars(module).items()
            if inspect.isfunction(obj)
            and obj.__module__ == module.__name__
            and re.search(r"_(columns|terms)$", name)
        ]
        assert own == [], (module.__name__, own)


# ---- the forms' representations of fact states


@dataclass
class Term:
    """A value over z3 (as engine/symbolic.py `SymVal`): u unknown, n none, v its term."""

    u: Any
    n: Any
    v: Any


FALSE_TERM = z3.BoolVal(False)
_fresh = iter(range(10**9))


def column(kind: str, cells: list[Any], universe: Sequence[str] = ()) -> Val:
    """Fact states as a column (as engine/codec.py `FactBatch` reads them)."""
    known = np.array([c is not None for c in cells])
    none = np.array([c is sem.NONE for c in cells])
    has = [c is not None and c is not sem.NONE for c in cells]
    if kind == "obj":
        return Val("obj", TRUE, known, none)
    if kind == "str":
        cats = tuple(sorted({c for c, h in zip(cells, has, strict=True) if h}))
        codes = np.array([cats.index(c) if h else 0 for c, h in zip(cells, has, strict=True)], dtype="int64")
        return Val("str", codes, known, none, cats=cats)
    if kind == "set":
        docs = sorted({d for c, h in zip(cells, has, strict=True) if h for d in c} | set(universe))
        members = {d: np.array([h and d in c for c, h in zip(cells, has, strict=True)]) for d in docs}
        return Val("set", TRUE, known, none, members=members)
    if kind == "date":
        data = np.array(
            [(c - sem.EPOCH).days if h else 0 for c, h in zip(cells, has, strict=True)], dtype="int64"
        )
        return Val("date", data, known, none)
    if kind == "bool":
        return Val(
            "bool", np.array([bool(c) if h else False for c, h in zip(cells, has, strict=True)]), known, none
        )
    return Val(
        "num", np.array([float(c) if h else np.nan for c, h in zip(cells, has, strict=True)]), known, none
    )


def constant(kind: str, value: Any) -> Val:
    """A literal as a column form reads it (engine/batch.py `_const`): one value, known everywhere."""
    if kind == "date":
        return Val("date", np.int64((value - sem.EPOCH).days), TRUE)
    if kind == "num":
        return Val("num", float(value), TRUE)
    return Val(kind, value if kind == "str" else np.bool_(value), TRUE)


def term(
    cell: Any, value: Callable[[Any], Any], sort: Callable[[str], Any], pinned: bool, facts: list[Any]
) -> Term:
    """A fact state as z3 terms: unknown / none constants, or variables pinned by `facts`; the value a
    free variable where there is none."""
    has = cell is not None and cell is not sem.NONE
    v = value(cell) if has else sort(f"free|{next(_fresh)}")
    if not pinned:
        return Term(z3.BoolVal(cell is None), z3.BoolVal(cell is sem.NONE), v)
    u, n = z3.Bool(f"u|{next(_fresh)}"), z3.Bool(f"n|{next(_fresh)}")
    facts += [u == (cell is None), n == (cell is sem.NONE)]
    return Term(u, n, v)


def literal(v: Any) -> Term:
    return Term(FALSE_TERM, FALSE_TERM, v)


def _at(x: Any, row: int) -> Any:
    return x if np.ndim(x) == 0 else x[row]


def row_condition(pair: tuple[Any, Any], row: int) -> bool | None:
    v, k = (_at(x, row) for x in pair)
    return bool(v) if k else None


def row_value(triple: tuple[Any, Any, Any], row: int) -> Any:
    data, known, none = (_at(x, row) for x in triple)
    return None if not known else sem.NONE if none else np.asarray(data).item()


def proved(formula: Any, facts: list[Any]) -> bool | None:
    """True: valid; False: unsatisfiable (under `facts`); None: it depends on a free value."""
    solver = z3.Solver()
    solver.add(facts)
    if solver.check(z3.Not(formula)) == z3.unsat:
        return True
    return False if solver.check(formula) == z3.unsat else None


def term_condition(pair: tuple[Any, Any] | None, facts: list[Any]) -> bool | None:
    assert pair is not None
    t, f = (proved(x, facts) for x in pair)
    assert t is not None and f is not None, ("a z3 form reads a value that is unknown or none", pair)
    assert not (t and f), pair
    return True if t else False if f else None


def term_value(triple: tuple[Any, Any, Any], facts: list[Any]) -> Any:
    u, n, v = triple
    unknown, none = proved(u, facts), proved(n, facts)
    assert unknown is not None and none is not None, triple
    if unknown:
        return None
    if none:
        return sem.NONE
    solver = z3.Solver()
    solver.add(facts)
    assert solver.check() == z3.sat
    got = solver.model().eval(v, model_completion=True)
    assert solver.check(v != got) == z3.unsat, ("a z3 value depends on an unknown value", triple)
    if z3.is_true(got) or z3.is_false(got):
        return z3.is_true(got)
    return got.as_long() if z3.is_int_value(got) else got.as_fraction()


def states(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.just(sem.NONE), values)


def rows(values: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    return st.lists(states(values), min_size=1, max_size=5)


FORMS = settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
OPS = st.sampled_from([">=", ">", "<=", "<", "==", "!="])
EQUALITY = st.sampled_from(["==", "!="])
NUMS = st.sampled_from([-2, -1, 0, 0.5, 1, 1.5, 2, 3, 7])
DATES = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
TEXTS = st.sampled_from(["alpha", "beta", "gamma"])
MEMBERS = ("junior", "manager", "director")  # an ordered enum's members, by rank


def _num(x: Any) -> Any:
    return z3.IntVal(x) if float(x).is_integer() else z3.RealVal(Fraction(x))


def _ordinal(d: dt.date) -> Any:
    return z3.IntVal(d.toordinal())


SORTS: dict[str, tuple[Callable[[Any], Any], Callable[[str], Any]]] = {
    "num": (_num, z3.Real),
    "date": (_ordinal, z3.Int),
    "bool": (z3.BoolVal, z3.Bool),
}


def _same(want: Any, got: Any) -> bool:
    if want is None or want is sem.NONE or got is None or got is sem.NONE:
        return want is got
    return bool(float(want) == float(got))


def _compare_forms(
    kind: str, op: str, left: list[Any], right: list[Any], lit: bool, pinned: bool, index: Any
) -> None:
    """`compare` per row against `compare_columns` and `compare_terms` (text and enum values as
    indices in one universe: `index`); the right side a column, or a literal where `lit`."""
    want = [sem.compare(op, a, b) for a, b in zip(left, right, strict=True)]
    a = column(kind, left)
    bs = [constant(kind, b) if lit and b is not None and b is not sem.NONE else None for b in right]
    b = column(kind, right)
    cols = sem.compare_columns(op, a, b)
    assert cols is not None
    for row, w in enumerate(want):
        assert row_condition(cols, row) == w, ("numpy", row, left, op, right)
        if lit and right[row] not in (None, sem.NONE):
            one = sem.compare_columns(op, column(kind, [left[row]]), bs[row])  # type: ignore[arg-type]
            assert one is not None and row_condition(one, 0) == w, (
                "numpy, a literal",
                left[row],
                op,
                right[row],
            )
    value, sort = SORTS.get(kind, (lambda c: z3.IntVal(index(c)), z3.Int))
    for x, y, w in zip(left, right, want, strict=True):
        facts: list[Any] = []
        tx = term(x, value, sort, pinned, facts)
        ty = literal(value(y)) if lit and y not in (None, sem.NONE) else term(y, value, sort, pinned, facts)
        assert term_condition(sem.compare_terms(op, tx, ty), facts) == w, ("z3", x, op, y)


COMPARED: dict[str, tuple[str, st.SearchStrategy[Any], st.SearchStrategy[str]]] = {
    # operator → the column kind, its values and the comparisons the checker allows
    "compare_number": ("num", NUMS, OPS),
    "compare_date": ("date", DATES, OPS),
    "compare_bool": ("bool", st.booleans(), EQUALITY),
    # text and an enum's members: columns as ranks in one sorted union of their strings (each side
    # its own codes); z3 as indices in one universe
    "compare_text": ("str", TEXTS, EQUALITY),
    "compare_enum": ("str", TEXTS, EQUALITY),
}


@checks(*COMPARED)
@pytest.mark.parametrize("operator", sorted(COMPARED))
@FORMS
@given(data=st.data(), lit=st.booleans(), pinned=st.booleans())
def test_compare_forms(operator: str, data: st.DataObject, lit: bool, pinned: bool) -> None:
    kind, values, ops = COMPARED[operator]
    op = data.draw(ops)
    cells = data.draw(st.lists(st.tuples(states(values), states(values)), min_size=1, max_size=5))
    universe = ["alpha", "beta", "gamma"]
    _compare_forms(kind, op, [a for a, _ in cells], [b for _, b in cells], lit, pinned, universe.index)


@checks("compare_enum_rank")
@FORMS
@given(
    op=OPS,
    cells=st.lists(
        st.tuples(states(st.sampled_from([*MEMBERS, "other"])), states(st.sampled_from(MEMBERS))),
        min_size=1,
        max_size=5,
    ),
    lit=st.booleans(),
    pinned=st.booleans(),
)
def test_compare_enum_rank_forms(op: str, cells: list[tuple[Any, Any]], lit: bool, pinned: bool) -> None:
    """An ordered enum compares by rank; a value outside the enum has none (unknown)."""
    ranks = sem.enum_ranks(MEMBERS)
    for x, y in cells:
        want = sem.compare(op, ranks.get(x), ranks.get(y))
        a = Val("num", *sem.enum_rank_columns(column("str", [x]), MEMBERS))
        b_col = constant("str", y) if lit and y not in (None, sem.NONE) else column("str", [y])
        b = Val("num", *sem.enum_rank_columns(b_col, MEMBERS))
        cols = sem.compare_columns(op, a, b)
        assert cols is not None and row_condition(cols, 0) == want, ("numpy", x, op, y)
        facts: list[Any] = []
        # z3: an enum value is its member's index; a value outside the enum is unknown (`Symbolic.pin`)
        x_state = None if x == "other" else x
        tx = term(x_state, lambda c: z3.IntVal(MEMBERS.index(c)), z3.Int, pinned, facts)
        ty = term(y, lambda c: z3.IntVal(MEMBERS.index(c)), z3.Int, pinned, facts)
        got = sem.compare_terms(op, sem.enum_rank_terms(tx), sem.enum_rank_terms(ty))
        assert term_condition(got, facts) == want, ("z3", x, op, y)


RANGES = st.tuples(st.integers(0, 30), st.integers(0, 10)).map(lambda t: (t[0], t[0] + t[1]))


@checks("compare_points_range")
@FORMS
@given(
    a=RANGES,
    op=OPS,
    b=st.one_of(RANGES, states(st.integers(0, 40))),
    flip=st.booleans(),
    pinned=st.booleans(),
)
def test_points_compare_forms(a: tuple[int, int], op: str, b: Any, flip: bool, pinned: bool) -> None:
    """A points range against a range or a number (unknown or none: the comparison is unknown)."""
    want = sem.points_compare(b, op, a) if flip else sem.points_compare(a, op, b)
    pts = Val("pts", np.array([float(a[0])]), TRUE, FALSE, hi=np.array([float(a[1])]))
    other = (
        Val("pts", np.array([float(b[0])]), TRUE, FALSE, hi=np.array([float(b[1])]))
        if isinstance(b, tuple)
        else column("num", [b])
    )
    sides = (other, pts) if flip else (pts, other)
    assert row_condition(sem.points_compare_columns(sides[0], op, sides[1]), 0) == want, ("numpy", a, op, b)
    facts: list[Any] = []
    t_pts = literal((z3.IntVal(a[0]), z3.IntVal(a[1])))
    t_other = (
        literal((z3.IntVal(b[0]), z3.IntVal(b[1])))
        if isinstance(b, tuple)
        else term(b, z3.IntVal, z3.Int, pinned, facts)
    )
    t_sides = (t_other, t_pts) if flip else (t_pts, t_other)
    assert term_condition(sem.points_compare_terms(t_sides[0], op, t_sides[1]), facts) == want, (
        "z3",
        a,
        op,
        b,
    )


OBJECTS = rows(st.just({}))  # an object: absent, null or present


@checks("is_none", "is_not_none")
@FORMS
@given(cells=OBJECTS, none=st.booleans(), pinned=st.booleans())
def test_is_none_forms(cells: list[Any], none: bool, pinned: bool) -> None:
    want = [sem.is_none(c, none) for c in cells]
    cols = sem.is_none_columns(column("obj", cells), none)
    for row, (c, w) in enumerate(zip(cells, want, strict=True)):
        assert row_condition(cols, row) == w, ("numpy", c, none)
        facts: list[Any] = []
        got = sem.is_none_terms(term(c, lambda _: None, lambda _: None, pinned, facts), none)
        assert term_condition(got, facts) == w, ("z3", c, none)


@checks("date_add_days", "date_add_months_clamped", "date_add_years_clamped")
@FORMS
@given(
    cells=rows(DATES),
    n=st.integers(0, 40),
    unit=st.sampled_from(["days", "months", "years"]),
    sign=st.sampled_from([1, -1]),
    pinned=st.booleans(),
)
def test_date_add_forms(cells: list[Any], n: int, unit: str, sign: int, pinned: bool) -> None:
    """Days exactly; months and years by the calendar, the day clamped (z3: on a fixed date only)."""
    want = [sem.date_add(c, n, unit, sign) for c in cells]
    cols = sem.date_add_columns(column("date", cells), n, unit, sign)
    assert cols is not None
    for row, (c, w) in enumerate(zip(cells, want, strict=True)):
        got = row_value(cols, row)
        assert (got if not isinstance(w, dt.date) else sem.EPOCH + dt.timedelta(days=got)) == w, ("numpy", c)
        facts: list[Any] = []
        u, none, v = sem.date_add_terms(term(c, _ordinal, z3.Int, pinned, facts), n, unit, sign)
        if v is None:  # calendar months of an unknown date: not a term (the lowering makes an atom)
            assert unit != "days" and not isinstance(c, dt.date)
            continue
        got = term_value((u, none, v), facts)
        assert (dt.date.fromordinal(got) if isinstance(w, dt.date) else got) == w, ("z3", c)


ARITH_OPS = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide_zero_unknown"}


@checks(*ARITH_OPS.values())
@FORMS
@given(
    op=st.sampled_from(sorted(ARITH_OPS)),
    cells=st.lists(st.tuples(states(NUMS), states(NUMS)), min_size=1, max_size=5),
    pinned=st.booleans(),
)
def test_arith_forms(op: str, cells: list[tuple[Any, Any]], pinned: bool) -> None:
    """+, -, * and / (by zero: unknown) over numbers, unknown and none."""
    left, right = [a for a, _ in cells], [b for _, b in cells]
    want = [sem.arith(op, a, b) for a, b in cells]
    cols = sem.arith_columns(op, column("num", left), column("num", right))
    for row, ((a, b), w) in enumerate(zip(cells, want, strict=True)):
        assert _same(w, row_value(cols, row)), ("numpy", a, op, b)
        facts: list[Any] = []
        got = term_value(
            sem.arith_terms(op, term(a, _num, z3.Real, pinned, facts), term(b, _num, z3.Real, pinned, facts)),
            facts,
        )
        assert _same(w, got), ("z3", a, op, b)


@FORMS
@given(a=st.integers(-50, 50), b=st.integers(-5, 5), op=OPS, k=st.integers(-20, 20))
def test_divide_compare_forms(a: int, b: int, op: str, k: int) -> None:
    """A quotient compared without division in z3: by zero the comparison is not true."""
    want = sem.divide(a, b)
    holds = proved(sem.divide_compare_terms(op, z3.IntVal(a), z3.IntVal(b), z3.IntVal(k)), [])
    assert holds == (want is not None and sem.COMPARE[op](want, k))


@checks("years_between")
@FORMS
@given(
    cells=st.lists(st.tuples(states(DATES), states(DATES)), min_size=1, max_size=5),
    op=OPS,
    k=st.integers(-2, 120),
    pinned=st.booleans(),
)
def test_years_between_forms(cells: list[tuple[Any, Any]], op: str, k: int, pinned: bool) -> None:
    """Whole years (29 February counts from 1 March): numpy on YYYYMMDD integers; z3 compares the
    years with a bound on the earlier date, the later fixed."""
    left, right = [a for a, _ in cells], [b for _, b in cells]
    cols = sem.years_between_columns(column("date", left), column("date", right))
    for row, (a, b) in enumerate(cells):
        want = sem.years_between(a, b)
        assert _same(want, row_value(cols, row)), ("numpy", a, b)
        facts: list[Any] = []
        ta = term(a, _ordinal, z3.Int, pinned, facts)
        tb = term(b, _ordinal, z3.Int, pinned, facts)
        tb.v = _ordinal(b if isinstance(b, dt.date) else dt.date(2000, 2, 29))  # the analysis date: fixed
        u, n, years = sem.years_between_terms(ta, tb)
        assert years is not None
        x, day = years
        got = sem.compared_terms(sem.years_between_compare_terms(x, day, op, k), Term(u, n, None), literal(k))
        assert term_condition(got, facts) == sem.compare(op, want, k), ("z3", a, b, op, k)


@checks("min", "max", "floor")
@FORMS
@given(
    name=st.sampled_from(["min", "max", "floor"]),
    cells=st.lists(st.lists(states(NUMS), min_size=3, max_size=3), min_size=1, max_size=4),
    pinned=st.booleans(),
)
def test_num_fn_forms(name: str, cells: list[list[Any]], pinned: bool) -> None:
    arity = 1 if name == "floor" else 3
    args = [column("num", [c[i] for c in cells]) for i in range(arity)]
    cols = sem.num_fn_columns(name, args)
    for row, c in enumerate(cells):
        want = sem.num_fn(name, *c[:arity])
        assert _same(want, row_value(cols, row)), ("numpy", name, c)
        facts: list[Any] = []
        got = term_value(
            sem.num_fn_terms(name, [term(x, _num, z3.Real, pinned, facts) for x in c[:arity]]), facts
        )
        assert _same(want, got), ("z3", name, c)


BANDS = st.lists(
    st.tuples(st.sampled_from([True, False, None]), states(st.sampled_from([0, 2, 5, 8, 12]))),
    min_size=1,
    max_size=3,
)


@checks("points")
@FORMS
@given(factors=st.lists(st.tuples(st.sampled_from([5, 10]), BANDS), min_size=1, max_size=3))
def test_points_range_forms(factors: list[tuple[int, list[tuple[Any, Any]]]]) -> None:
    """A points table's range: the best band that surely holds, and the best that may (an unknown
    band value counts as the cap), each factor capped."""
    from lexgraph.engine.batch import Tri as Masks

    lo, hi, _ = sem.points_range(factors)
    c_lo, c_hi, _ = sem.points_range_over(
        sem.ColumnNumbers(),
        [
            (
                cap,
                [
                    (Masks(np.array([h is True]), np.array([h is not None])), column("num", [v]))
                    for h, v in bands
                ],
            )
            for cap, bands in factors
        ],
    )
    assert (float(np.asarray(c_lo).flat[0]), float(np.asarray(c_hi).flat[0])) == (lo, hi)
    facts: list[Any] = []
    t_lo, t_hi, _ = sem.points_range_over(
        sem.TermNumbers(),
        [
            (
                cap,
                [
                    (
                        (z3.BoolVal(h is True), z3.BoolVal(h is False)),
                        term(v, z3.IntVal, z3.Int, False, facts),
                    )
                    for h, v in bands
                ],
            )
            for cap, bands in factors
        ],
    )
    assert (
        term_value((FALSE_TERM, FALSE_TERM, t_lo), facts),
        term_value((FALSE_TERM, FALSE_TERM, t_hi), facts),
    ) == (lo, hi)


@checks("point_value")
@FORMS
@given(a=RANGES)
def test_point_value_forms(a: tuple[int, int]) -> None:
    want = sem.point_value(a)
    pts = Val("pts", np.array([float(a[0])]), TRUE, FALSE, hi=np.array([float(a[1])]))
    assert _same(want, row_value(sem.point_value_columns(pts), 0))
    got = term_value(sem.point_value_terms(literal((z3.IntVal(a[0]), z3.IntVal(a[1])))), [])
    assert _same(want, got)


@checks("member")
@FORMS
@given(
    text=st.booleans(),
    cells=rows(st.sampled_from(["alpha", "beta", "gamma", 1, 2, 3.5])),
    options=st.lists(st.sampled_from(["alpha", "gamma", 1, 3.5]), max_size=3),
    lit=st.booleans(),
    pinned=st.booleans(),
)
def test_member_forms(text: bool, cells: list[Any], options: list[Any], lit: bool, pinned: bool) -> None:
    """`X in {…}` over text (columns: codes; z3: indices) and numbers."""
    universe = ["alpha", "beta", "gamma"]
    cells = [c for c in cells if c is None or c is sem.NONE or isinstance(c, str) == text] or [None]
    values = [o for o in options if isinstance(o, str) == text]
    kind = "str" if text else "num"
    cols = sem.member_columns(column(kind, cells), values)
    for row, c in enumerate(cells):
        want = sem.member(c, set(values))
        assert row_condition(cols, row) == want, ("numpy", c, values)
        if lit and c is not None and c is not sem.NONE:
            assert row_condition(sem.member_columns(constant(kind, c), values), 0) == want, (
                "numpy, a literal",
                c,
            )
        facts: list[Any] = []
        value, sort = ((lambda x: z3.IntVal(universe.index(x))), z3.Int) if text else (_num, z3.Real)
        got = sem.member_terms(term(c, value, sort, pinned, facts), [value(o) for o in values])
        assert term_condition(got, facts) == want, ("z3", c, values)


@checks("truthy")
@FORMS
@given(is_object=st.booleans(), cells=rows(st.booleans()), pinned=st.booleans())
def test_truthy_forms(is_object: bool, cells: list[Any], pinned: bool) -> None:
    """A fact as a condition: an object present (not null), a boolean true."""
    cells = [({} if c is not None and c is not sem.NONE else c) for c in cells] if is_object else cells
    cols = sem.truthy_columns(column("obj" if is_object else "bool", cells), is_object)
    assert cols is not None
    for row, c in enumerate(cells):
        want = sem.truthy(c, is_object)
        assert row_condition(cols, row) == want, ("numpy", c)
        facts: list[Any] = []
        t = term(
            c,
            (lambda _: None) if is_object else z3.BoolVal,
            (lambda _: None) if is_object else z3.Bool,
            pinned,
            facts,
        )
        assert term_condition(sem.truthy_terms(t, is_object), facts) == want, ("z3", c)


@checks("holds")
@FORMS
@given(
    cells=rows(st.frozensets(st.sampled_from(["passport", "letter"]))),
    document=st.sampled_from(["passport", "letter", "visa"]),
    pinned=st.booleans(),
)
def test_holds_forms(cells: list[Any], document: str, pinned: bool) -> None:
    cols = sem.holds_columns(column("set", cells), document)
    for row, c in enumerate(cells):
        want = sem.holds(c, document)
        assert row_condition(cols, row) == want, ("numpy", c, document)
        facts: list[Any] = []
        held = term(c, lambda _: None, lambda _: None, pinned, facts)
        member = z3.BoolVal(document in c) if isinstance(c, frozenset) else z3.Bool(f"held|{next(_fresh)}")
        assert term_condition(sem.holds_terms(held, member), facts) == want, ("z3", c, document)


@checks("ineligible", "not_at_hand")
@FORMS
@given(outcome=st.sampled_from([True, False, None]))
def test_kleene_builtins_forms(outcome: bool | None) -> None:
    """`ineligible` and `not_at_hand`: one definition over every Kleene instance."""
    from lexgraph.engine.batch import MASKS
    from lexgraph.engine.symbolic import TERMS

    for builtin, want in (
        (lambda k: sem.ineligible(k, k.const(outcome)), sem.ineligible(sem.PY, outcome)),
        (sem.not_at_hand, sem.not_at_hand(sem.PY)),
    ):
        masks = builtin(MASKS)
        assert row_condition((masks.v, masks.k), 0) == want
        assert term_condition(builtin(TERMS), []) == want
