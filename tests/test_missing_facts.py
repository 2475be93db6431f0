"""The facts an undetermined decision says it misses are every fact its outcome can still turn on.

`test_decisions.test_undetermined_names_the_facts_that_decide_it` shows they suffice: supplied, they
decide it. Here, the converse, stated from the law alone and not from how the search walks it: a fact
the application leaves unknown that the decision does not name can never decide it by itself. The
decisions are the compiled search's (engine/proof_support.py); the property knows only the law's
facts and the contract's values for them.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lexgraph.api import LawContext
from lexgraph.engine import model as m
from test_decisions import _put, _value, scenario_leaving_facts_out

_ABSENT = object()


def _at(app: dict[str, Any], path: str) -> Any:
    node: Any = app
    for part in path.split("."):
        if not isinstance(node, dict):
            return None  # below a null object or a value: not an absent fact of its own
        node = node.get(part, _ABSENT)
    return node


def _unknown_facts(corpus: LawContext, app: dict[str, Any]) -> list[str]:
    """The declared facts the application leaves out (no documented default stands in for them, and
    none stands in for another's), each one under an object the application gives (so supplying it
    supplies nothing else)."""
    facts = corpus.law.facts
    standing_in = {f.default.dotted for f in facts.values() if isinstance(f.default, m.Path)}
    out = []
    for path, fact in sorted(facts.items()):
        if fact.default is not None or path in standing_in:
            continue
        parent = path.rpartition(".")[0]
        if _at(app, path) is _ABSENT and (not parent or isinstance(_at(app, parent), dict)):
            out.append(path)
    return out


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_a_fact_not_named_missing_decides_nothing(corpus: LawContext, data: st.DataObject) -> None:
    app = scenario_leaving_facts_out(data)
    decision = corpus.decide(app)
    open_ = {d.permit: d.missing_facts for d in decision.decisions if d.outcome == "undetermined"}
    for path in _unknown_facts(corpus, app):
        supplied = copy.deepcopy(app)
        _put(supplied, path, _value(corpus.law.facts[path], data.draw))
        after = {d.permit: d.outcome for d in corpus.decide(supplied).decisions}
        for permit, missing in open_.items():
            if path not in missing:
                assert after[permit] == "undetermined", (permit, path, missing)
