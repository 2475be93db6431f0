"""The column evaluator agrees exactly with the per-application evaluator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lexgraph.api import LawContext, load_law
from lexgraph.compliance.population import generate
from lexgraph.engine.batch import (
    BatchEvaluator,
    FactBatch,
    applications_from_table,
    contract_columns,
    table_from_applications,
)
from lexgraph.engine.schema import contract_schema

FIXTURE = Path(__file__).parent / "impact" / "fixture_independent.lex"
REFORM = Path(__file__).parent.parent / "regulations" / "amendments" / "independent_application.lex"
CODE = {True: 1, False: 0, None: -1}


@pytest.fixture(scope="module")
def baseline() -> LawContext:
    return load_law()


@pytest.fixture(scope="module")
def amended() -> LawContext:
    return load_law(None, [FIXTURE], {"pass_mark": "45"})


@pytest.fixture(scope="module")
def reform() -> LawContext:
    return load_law(None, [REFORM], {"pass_mark": "40"})


def _node(path: str) -> dict[str, Any]:
    node: dict[str, Any] = contract_schema()
    for part in path.split("."):
        node = node["properties"][part]
    return node


# values near the thresholds the rules and points tables use
NUMBERS = st.sampled_from(
    [
        0,
        1,
        1.5,
        2,
        2.5,
        3,
        4,
        5,
        6,
        8,
        9,
        12,
        20,
        45_000,
        50_000,
        70_000,
        120_000,
        150_000,
        350_000,
        450_000,
        500_000,
        720_000,
        2_000_000,
    ]
)
DATES = st.dates(dt.date(1940, 1, 1), dt.date(2024, 12, 31)) | st.sampled_from(
    [dt.date(1964, 6, 1), dt.date(1964, 6, 2), dt.date(1999, 6, 1), dt.date(2006, 6, 2), dt.date(2000, 2, 29)]
)


def _value(col: Any) -> st.SearchStrategy[Any]:
    node = _node(col.name)
    if "enum" in node:
        return st.sampled_from(node["enum"])
    if col.kind == "boolean":
        return st.booleans()
    if col.kind == "integer":
        return st.integers(node.get("minimum", 0), node.get("maximum", 10))
    if col.kind == "number":
        return NUMBERS
    if col.kind == "date":
        return DATES.map(dt.date.isoformat)
    if col.kind == "list":
        return st.lists(
            st.sampled_from(
                _node("holds")["items"]["$ref"] and contract_schema()["$defs"]["document"]["enum"]
            ),
            max_size=4,
            unique=True,
        )
    if col.name == "applicant.nationality":
        return st.sampled_from(["DEU", "USA", "MMR", "IND"])
    return st.sampled_from(["Z", "R", "X", "n/a"])


@st.composite
def applications(draw: Any) -> dict[str, Any]:
    """A valid application: each field absent, (for objects) null, or a value near a threshold."""
    app: dict[str, Any] = {
        "id": "h",
        "decision_date": draw(st.sampled_from(["2024-06-01", "2017-06-01", "2013-08-01"])),
        "applicant": {},
    }
    nulled: set[str] = set()
    for col in contract_columns():
        if col.name in ("id", "decision_date", "requested") or any(
            col.name.startswith(p + ".") for p in nulled
        ):
            continue
        parent = col.name.rsplit(".", 1)[0] if "." in col.name else ""
        if parent and _get(app, parent) is None:
            continue
        if col.kind == "marker":
            if col.name == "applicant":
                continue
            choices = ["absent", "null", "object", "object"] if col.nullable_object else ["absent", "object"]
            choice = draw(st.sampled_from(choices))
            if choice == "null":
                app[col.name] = None
                nulled.add(col.name)
            elif choice == "object":
                _put(app, col.name, {})
            continue
        if col.name not in ("applicant.nationality", "applicant.birth_date") and draw(st.integers(0, 4)) == 0:
            continue  # unknown
        _put(app, col.name, draw(_value(col)))
    return app


def _get(app: dict[str, Any], path: str) -> Any:
    node: Any = app
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _put(app: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = app
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def _assert_agrees(context: LawContext, apps: list[dict[str, Any]]) -> None:
    codes = BatchEvaluator(context.evaluator).outcome_codes(FactBatch.from_applications(apps))
    for i, app in enumerate(apps):
        expected = context.evaluator.evaluate(app, trace=False).o
        got = {p: int(codes[p][i]) for p in expected}
        assert got == {p: CODE[v] for p, v in expected.items()}, (app, got, expected)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(apps=st.lists(applications(), min_size=1, max_size=12))
def test_batch_equals_per_application(
    apps: list[dict[str, Any]], baseline: LawContext, amended: LawContext, reform: LawContext
) -> None:
    _assert_agrees(baseline, apps)
    _assert_agrees(amended, apps)
    _assert_agrees(reform, apps)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(app=applications())
def test_columnar_layout_round_trips(app: dict[str, Any]) -> None:
    back = applications_from_table(table_from_applications([app]))[0]
    assert back == app


def test_batch_equals_per_application_on_a_population(
    baseline: LawContext, amended: LawContext, reform: LawContext
) -> None:
    table = generate(2000, seed=7)
    apps = applications_from_table(table)
    for context in (baseline, amended, reform):
        codes = BatchEvaluator(context.evaluator).outcome_codes(FactBatch(table))
        expected = {
            p: np.array([CODE[context.evaluator.evaluate(a, trace=False).o[p]] for a in apps]) for p in codes
        }
        for p in codes:
            assert np.array_equal(codes[p], expected[p]), p
    # the population is not trivial: every outcome occurs for the work permit
    assert set(np.unique(codes["work_permit"]).tolist()) == {-1, 0, 1}
