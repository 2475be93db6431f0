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
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import z3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lexgraph.compliance.applications import ApplicationError, validate_application
from lexgraph.compliance.decisions import LawContext
from lexgraph.engine.batch import BatchEvaluator, FactBatch
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

DATES = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
OPS = st.sampled_from([">=", ">", "<=", "<", "==", "!="])


def _z3_value(term: Any) -> Any:
    got = z3.simplify(term)
    if z3.is_true(got) or z3.is_false(got):
        return z3.is_true(got)
    return got.as_long() if z3.is_int_value(got) else got.as_fraction()


@settings(max_examples=200, deadline=None, derandomize=True)
@given(a=DATES, b=DATES, op=OPS, k=st.integers(-2, 120))
def test_years_between_forms(a: dt.date, b: dt.date, op: str, k: int) -> None:
    """`years_between`: the numpy form on YYYYMMDD integers and the z3 form (a bound on the birth
    date) agree with the scalar definition, 29 February included."""
    import numpy as np
    from lexgraph.engine import semantics as sem

    days = np.array([(a - sem.EPOCH).days, (b - sem.EPOCH).days])
    assert int(
        sem.years_between_columns(sem.civil_columns(days[:1]), sem.civil_columns(days[1:]))[0]
    ) == sem.years_between(a, b)
    x = z3.IntVal(a.toordinal())
    assert _z3_value(sem.years_between_compare_terms(x, b, op, k)) == sem.COMPARE[op](
        sem.years_between(a, b), k
    )


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    d=DATES,
    n=st.integers(0, 40),
    unit=st.sampled_from(["days", "months", "years"]),
    sign=st.sampled_from([1, -1]),
)
def test_date_add_forms(d: dt.date, n: int, unit: str, sign: int) -> None:
    import numpy as np
    from lexgraph.engine import semantics as sem

    want = sem.date_add(d, n, unit, sign)
    got = sem.date_add_columns(np.array([(d - sem.EPOCH).days] * 2), n, unit, sign)
    assert [sem.EPOCH + dt.timedelta(days=int(x)) for x in got] == [want, want]
    assert _z3_value(sem.date_add_terms(z3.IntVal(d.toordinal()), n, unit, sign)) == want.toordinal()


@settings(max_examples=200, deadline=None, derandomize=True)
@given(a=st.integers(-50, 50), b=st.integers(-5, 5), op=OPS, k=st.integers(-20, 20))
def test_divide_forms(a: int, b: int, op: str, k: int) -> None:
    """Division by zero is unknown in every form; otherwise the quotient compares as the scalar one."""
    import numpy as np
    from lexgraph.engine import semantics as sem

    want = sem.divide(a, b)
    data, known = sem.divide_columns(
        np.array([float(a)]), np.array([float(b)]), np.array([True]), np.bool_(False)
    )
    assert bool(known[0]) == (want is not None)
    if want is not None:
        assert float(data[0]) == want
    unknown = _z3_value(sem.divide_unknown_terms(z3.BoolVal(False), z3.BoolVal(False), z3.IntVal(b)))
    assert unknown == (want is None)
    holds = _z3_value(sem.divide_compare_terms(op, z3.IntVal(a), z3.IntVal(b), z3.IntVal(k)))
    assert holds == (want is not None and sem.COMPARE[op](want, k))


RANGES = st.tuples(st.integers(0, 30), st.integers(0, 10)).map(lambda t: (t[0], t[0] + t[1]))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(a=RANGES, b=RANGES, op=OPS)
def test_points_compare_forms(a: tuple[int, int], b: tuple[int, int], op: str) -> None:
    import numpy as np
    from lexgraph.engine import semantics as sem

    want = sem.points_compare(a, op, b)
    v, k = sem.points_compare_columns(
        np.array([a[0]]), np.array([a[1]]), op, np.array([b[0]]), np.array([b[1]])
    )
    assert (bool(v[0]) if k[0] else None) == want
    t, f = sem.points_compare_terms(z3.IntVal(a[0]), z3.IntVal(a[1]), op, z3.IntVal(b[0]), z3.IntVal(b[1]))
    assert (True if _z3_value(t) else False if _z3_value(f) else None) == want
