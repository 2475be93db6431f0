"""The compiled proof (engine/proof_code.py) against what it claims, on every matrix law.

The proof of each program is generated once, from its Shape: per rule its condition traces read from
the traced run's flat record by position, per permit its contenders weighed and its grounds. Here, for
generated applications on every law of the differential matrix, each rule proof a decision shows is
checked against the program's compiled conditions (an oracle that never reads the flat record): every
condition and exception with its words, its value and the facts it shows, whether the rule applies (a
requirement: whether it binds) and whether what it demands is satisfied; each permit's outcome is the
evaluation's; and the whole decision is the same from the traced run, the untraced run and the
reference interpreter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lexgraph.compliance.render import decision_json, dumps
from lexgraph.engine.evaluate import Evaluation
from lexgraph.engine.reference import interpret
from lexgraph.engine.semantics import PY, rule_applies
from lexgraph.engine.trace import Decision, RuleProof
from test_batch import applications
from test_matrix import EXAMPLES, LAWS, context

LABEL = {True: "eligible", False: "ineligible", None: "undetermined"}


def _proofs(decision: Decision) -> list[RuleProof]:
    out: list[RuleProof] = []

    def walk(proofs: tuple[RuleProof, ...]) -> None:
        for p in proofs:
            out.append(p)
            walk(p.because)

    for d in decision.decisions:
        walk(d.grounds)
        walk(d.unmet)
    return out


def assert_proof_is_the_evaluations(ev: Evaluation, decision: Decision) -> None:
    program = ev.program
    by_id = {cr.rule.id: cr for cr in program.rules}

    def truth(expr: Any) -> Any:
        return program.function(expr)(ev.f, ev.o, ev.c, ev.pt)

    for d in decision.decisions:
        if d.kind == "grant" and d.permit in program.plans:
            assert d.outcome == LABEL[ev.o[d.permit]], d.permit
    for proof in _proofs(decision):
        if proof.effect.kind == "sanction":  # materials not submitted: its conditions are the requirements'
            continue
        cr = by_id[proof.rule]
        conditions = [(t, truth(x)) for t, x in zip(cr.condition_texts, cr.conditions, strict=True)]
        shown = list(cr.condition_facts)
        if cr.demands is not None:
            conditions.append((cr.demands_text, truth(cr.demands)))
            shown.append(cr.demands_facts)
        exceptions = [(t, truth(u)) for t, u in zip(cr.exception_texts, cr.rule.unless, strict=True)]
        assert [(c.expr, c.holds) for c in proof.conditions] == conditions, proof.rule
        assert [(c.expr, c.holds) for c in proof.exceptions] == exceptions, proof.rule
        assert [tuple(c.facts) for c in proof.conditions] == [tuple(p) for p in shown], proof.rule
        assert [tuple(c.facts) for c in proof.exceptions] == [tuple(p) for p in cr.exception_facts], (
            proof.rule
        )
        if cr.demands is not None:
            values = [v for _, v in conditions[:-1]]
            assert proof.applies == rule_applies(PY, values, [v for _, v in exceptions]), proof.rule
            assert proof.satisfied == conditions[-1][1], proof.rule
        else:
            assert proof.applies == ev.applies[cr.index], proof.rule
            assert proof.satisfied is None, proof.rule
        if proof.overridden_by:
            assert ev.applies[by_id[proof.overridden_by].index] is True, proof.rule
        if proof.waits_for:
            assert ev.applies[by_id[proof.waits_for].index] is None, proof.rule


def check_law(law: str, apps: list[dict[str, Any]]) -> None:
    ev = context(law).evaluator
    for app in apps:
        day = dt.date.fromisoformat(app["decision_date"])
        for variant in (app, {**app, "cancellation_of": sorted(context(law).law.permits)[:2]}):
            traced = ev.evaluate(variant, day, trace=True)
            decision = traced.decision()
            assert_proof_is_the_evaluations(traced, decision)
            full = dumps(decision_json(decision))
            assert dumps(decision_json(ev.evaluate(variant, day, trace=False).decision())) == full, (law, app)
            reference = interpret(ev.program(day), variant, day)
            assert dumps(decision_json(reference.decision())) == full, (law, app)


@pytest.mark.parametrize("law", sorted(LAWS))
@settings(
    max_examples=max(EXAMPLES // 2, 10),
    deadline=None,
    derandomize=EXAMPLES == 30,  # CI runs a fixed sample, as the matrix does
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.differing_executors],
)
@given(apps=st.lists(applications(), min_size=1, max_size=3))
def test_every_proof_is_the_evaluations_own(law: str, apps: list[dict[str, Any]]) -> None:
    check_law(law, apps)
