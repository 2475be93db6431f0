"""The traced run's flat record and the facts an evaluation reads again, against the reference
interpreter: every entry of the record is the value of its own condition (also where the generated
code reads a condition evaluated before, or a plain one, from another local), what a requirement
demands is recorded exactly where the requirement may bind, and `Evaluation.fact_values` (a traced
run's own facts with the rest read from the application, `Program.read_rest`; an untraced run's read
again, `Program.read_facts`) are the facts the reference reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lexgraph.engine import semantics as sem
from lexgraph.engine.compile import UNREAD
from lexgraph.engine.reference import Interpreter
from test_batch import applications
from test_matrix import EXAMPLES, LAWS, context


def assert_record(law: str, apps: list[dict[str, Any]]) -> None:
    ev = context(law).evaluator
    for app in apps:
        day = dt.date.fromisoformat(app["decision_date"])
        program = ev.program(day)
        it = Interpreter(program, app)
        applies = it.run()
        traced = ev.evaluate(app, day, trace=True)
        assert traced.recorded is not None
        where = (law, app)
        for cr in program.plan.rules:
            conditions, exceptions = traced.recorded[cr.index]
            assert list(conditions) == [it.cond(x) for x in cr.conditions], ("conditions", cr.index, where)
            assert list(exceptions) == [it.cond(u) for u in cr.rule.unless], ("exceptions", cr.index, where)
            if cr.demands is None:
                continue
            binds = sem.rule_applies(sem.PY, list(conditions), list(exceptions))
            at = program.trace_layout.demands[cr.index]
            if binds is False:  # it cannot bind: what it demands is not read
                assert traced.recorded.flat[at] is UNREAD, ("unread demand", cr.index, where)
                assert traced.recorded.get(-1 - cr.index) is None, ("unread demand", cr.index, where)
            else:
                assert traced.recorded[-1 - cr.index] == (it.cond(cr.demands),), ("demand", cr.index, where)
        assert traced.applies == applies, ("applicability", where)
        facts = tuple(it.f.get(name) for name in program.fact_names)
        assert traced.fact_values == facts, ("facts read again", where)
        assert ev.evaluate(app, day, trace=False).fact_values == facts, ("facts read again, fast", where)


@pytest.mark.parametrize("law", sorted(LAWS))
@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES == 30, suppress_health_check=list(HealthCheck)
)
@given(apps=st.lists(applications(), min_size=1, max_size=6))
def test_the_traced_record_is_each_conditions_value(law: str, apps: list[dict[str, Any]]) -> None:
    assert_record(law, apps)
