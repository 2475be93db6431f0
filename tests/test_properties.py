"""Property tests: the parser never crashes on arbitrary text; evaluation is deterministic,
ignores irrelevant facts, and is monotone in what is known (three-valued logic)."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lexgraph.api import load_law
from lexgraph.compliance.render import decision_json, dumps
from lexgraph.engine.pipeline import check_sources
from lexgraph.engine.syntax import parse

_GRAMMAR_BITS = [
    "rule",
    "at",
    "art",
    "para",
    "item",
    "{",
    "}",
    "when",
    "and",
    "or",
    "not",
    "conclude",
    "eligible",
    "work_permit",
    "applicant.age",
    ">=",
    "18",
    '"x"',
    "article",
    "text",
    "instrument",
    "(",
    ")",
    ",",
    "all",
    "of",
    "2013-07-01",
    "30 days",
    "import",
    "\n",
    " ",
    "#",
    "unless",
    "points",
    "->",
    "factor",
]


_DEEP = (
    'instrument d { title_zh "d" }\narticle 1 { text "x" }\nrule r at art 1 { conclude eligible z_visa when '
)
_HOSTILE_SOURCES = [
    _DEEP + "not " * 400 + "applicant.criminal_record }",
    _DEEP + " and ".join(["applicant.criminal_record"] * 1000) + " }",
    _DEEP + "all of { " * 300 + "applicant.criminal_record" + " }" * 300 + " }",
    _DEEP + "decision_date > applicant.birth_date + 9000 years }",
    'amendment a { title_zh "x" } import "/dev/zero"',
]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(st.sampled_from(_GRAMMAR_BITS), max_size=40).map(" ".join)))
@example(_HOSTILE_SOURCES[0])
@example(_HOSTILE_SOURCES[1])
@example(_HOSTILE_SOURCES[2])
@example(_HOSTILE_SOURCES[3])
def test_arbitrary_text_never_crashes_the_parser(text: str) -> None:
    tree, errors = parse(text, "fuzz.lex")
    assert (tree is None) == bool(errors)
    for e in errors:
        assert e.code in ("syntax_error", "nesting_too_deep", "duration_too_long")
        assert e.span.line >= 1 and e.span.column >= 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_GRAMMAR_BITS), max_size=30).map(" ".join))
@example(_HOSTILE_SOURCES[0])
@example(_HOSTILE_SOURCES[1])
@example(_HOSTILE_SOURCES[2])
@example(_HOSTILE_SOURCES[3])
@example(_HOSTILE_SOURCES[4])
def test_arbitrary_text_never_crashes_the_checker(tmp_path_factory: Any, text: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "f.lex"
    path.write_text(text, encoding="utf-8")
    _, diagnostics = check_sources([path])
    assert all(d.code and d.message for d in diagnostics)


_BOOL = st.one_of(st.none(), st.booleans())


def _maybe(key: str, strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(st.just({}), strategy.map(lambda v: {key: v}))


def _object(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.tuples(*(_maybe(k, v) for k, v in fields.items())).map(
        lambda parts: {k: v for p in parts for k, v in p.items()}
    )


APPLICANT = _object(
    {
        "education": st.sampled_from(["none", "secondary", "bachelor", "master", "doctorate"]),
        "related_work_experience_years": st.integers(0, 30),
        "chinese_hsk_level": st.integers(0, 6),
        "criminal_record": st.booleans(),
        "health_ok": st.booleans(),
        "security_risk": st.booleans(),
        "disease_barring_entry": st.booleans(),
        "violation_unfit_to_reside": st.booleans(),
        "fraud_in_application": st.booleans(),
        "deported_within_ban": st.booleans(),
        "can_cover_expenses": st.booleans(),
        "selected_by_talent_programme": st.booleans(),
        "major_contribution_to_china": st.booleans(),
        "degree_from_chinese_university": st.booleans(),
        "formerly_chinese_national": st.booleans(),
    }
)
EMPLOYMENT = st.one_of(
    st.none(),
    _object(
        {
            "position_level": st.sampled_from(
                ["staff", "manager", "deputy_general_manager_or_above", "associate_senior_title_or_above"]
            ),
            "annual_salary_cny": st.integers(0, 2_000_000),
            "local_average_annual_salary_cny": st.integers(50_000, 150_000),
            "consecutive_years_in_post": st.integers(0, 10),
            "annual_months_working_in_china": st.integers(0, 12),
            "contract_signed": st.booleans(),
            "tax_record_good": st.booleans(),
            "work_region": st.sampled_from(
                ["western", "northeast_old_industrial", "poverty_county", "other"]
            ),
        }
    ),
)
RESIDENCE = _object(
    {
        "years_resident_in_last_4": st.integers(0, 4),
        "consecutive_years_resident": st.integers(0, 10),
        "min_months_resident_per_year": st.integers(0, 12),
        "stable_income_and_housing": st.booleans(),
    }
)
FAMILY = st.one_of(
    st.none(),
    _object(
        {
            "relation": st.sampled_from(
                [
                    "spouse_of_chinese_citizen_or_pr",
                    "spouse_or_minor_child_of_pr_principal",
                    "minor_unmarried_child_joining_parent",
                    "dependent_aged_60_without_relatives_abroad",
                ]
            ),
            "marriage_years": st.integers(0, 20),
            "unmarried": st.booleans(),
        }
    ),
)


@st.composite
def applications(draw: Any) -> dict[str, Any]:
    app: dict[str, Any] = {
        "id": "p",
        "decision_date": draw(st.sampled_from(["2012-01-01", "2016-05-01", "2024-06-01"])),
        "applicant": {
            "nationality": "USA",
            "birth_date": draw(st.sampled_from(["1950-03-01", "1985-06-15", "2008-01-01"])),
            **draw(APPLICANT),
        },
    }
    for key, strategy in (
        ("employment", EMPLOYMENT),
        ("residence", RESIDENCE),
        ("family", FAMILY),
        ("route", st.sampled_from(["employer", "independent"])),
        (
            "holds",
            st.lists(
                st.sampled_from(["work_permit", "work_permit_notice", "talent_confirmation_letter"]),
                unique=True,
            ),
        ),
    ):
        if draw(st.booleans()):
            app[key] = draw(strategy)
    return app


CORPUS = load_law()


@settings(max_examples=80, deadline=None)
@given(applications())
def test_evaluation_is_deterministic(app: dict[str, Any]) -> None:
    first = dumps(decision_json(CORPUS.decide(copy.deepcopy(app))))
    assert first == dumps(decision_json(CORPUS.decide(copy.deepcopy(app))))
    assert json.loads(first)["law"]["digest"] == CORPUS.law.digest


@settings(max_examples=80, deadline=None)
@given(applications(), st.text(min_size=1, max_size=8).filter(lambda k: k.isidentifier()), st.integers())
def test_an_irrelevant_fact_never_changes_an_outcome(app: dict[str, Any], key: str, value: int) -> None:
    noisy = copy.deepcopy(app)
    noisy[f"x_{key}"] = value  # the contract allows extra properties; no rule reads them
    noisy["applicant"][f"x_{key}"] = value
    assert CORPUS.evaluator.outcomes(noisy) == CORPUS.evaluator.outcomes(app)


def _remove_one_fact(app: dict[str, Any], choice: int) -> dict[str, Any] | None:
    """A copy with one known fact made unknown (absent). A fact with a documented default is not made
    unknown by its absence (absent `route` is the employer route), so it is never removed."""
    defaulted = {f.path for f in CORPUS.law.facts.values() if f.default is not None}
    paths = [
        (section, key)
        for section in ("applicant", "employment", "residence", "family")
        if isinstance(app.get(section), dict)
        for key in app[section]
        if (section, key) != ("applicant", "nationality")
        and (section, key) != ("applicant", "birth_date")
        and f"{section}.{key}" not in defaulted
    ]
    paths += [(key, None) for key in ("employment", "family", "holds") if key in app]
    if not paths:
        return None
    section, key = paths[choice % len(paths)]
    out = copy.deepcopy(app)
    if key is None:
        del out[section]
    else:
        del out[section][key]
    return out


@settings(max_examples=150, deadline=None)
@given(applications(), st.integers(0, 1000))
def test_learning_a_fact_never_turns_one_decided_outcome_into_another(
    app: dict[str, Any], choice: int
) -> None:
    less = _remove_one_fact(app, choice)
    if less is None:
        return
    before = CORPUS.evaluator.outcomes(less)
    after = CORPUS.evaluator.outcomes(app)
    for permit, outcome in before.items():
        if outcome is not None:
            assert after[permit] is outcome, (permit, less, app)


JSON_VALUES = st.recursive(
    # JSON has no NaN or Infinity: those reach the gate only from Python callers, and the bounds test
    # below gives them as explicit examples (jsonschema-rs cannot hold them and leaves them to jsonschema).
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=12),
        st.sampled_from(
            [
                "2024-02-30",
                "2024-06-01",
                "20240601",
                "2024-6-1",
                "DEU",
                "deu",
                "doctorate",
                # where the two validators once disagreed (issue 19), and the contract's bounds
                "DEU\n",
                "\nDEU",
                "0000-01-01",
                "9999-12-31",
                "1799-12-31",
                "1800-01-01",
                "2999-12-31",
                "3000-01-01",
            ]
        ),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


_EDGE_APP = {
    "id": "p",
    "decision_date": "2024-06-01",
    "applicant": {"nationality": "USA", "birth_date": "1985-06-15"},
}


@settings(max_examples=400, deadline=None)
@given(applications(), st.integers(0, 1000), JSON_VALUES)
@example(_EDGE_APP, 2, {"nationality": "DEU\n", "birth_date": "1985-06-15"})  # the applicant, replaced
@example(_EDGE_APP, 1, "0000-01-01")  # decision_date
@example(_EDGE_APP, 1, "9999-12-31")
@example(_EDGE_APP, 1, "2024-02-30")
def test_the_native_contract_validator_accepts_exactly_what_jsonschema_accepts(
    app: dict[str, Any], choice: int, value: Any
) -> None:
    """validate_application trusts jsonschema-rs to accept; it must never accept what the
    reference validator (jsonschema) rejects, nor reject what it accepts."""
    from lexgraph.compliance.applications import _validator, accepted

    mutated = copy.deepcopy(app)
    targets: list[tuple[dict[str, Any], str]] = [
        (mutated, k)
        for k in ("id", "decision_date", "applicant", "employment", "residence", "family", "route", "holds")
    ]
    targets += [
        (section, k) for section in mutated.values() if isinstance(section, dict) for k in list(section)
    ]
    holder, key = targets[choice % len(targets)]
    holder[key] = value
    for candidate in (app, mutated):
        assert accepted(candidate) == _validator().is_valid(candidate), candidate


@settings(max_examples=200, deadline=None)
@given(applications(), st.integers(0, 1000), JSON_VALUES)
@example(_EDGE_APP, 1, float("nan"))
@example(_EDGE_APP, 1, float("inf"))
@example(_EDGE_APP, 0, 10**400)
@example(_EDGE_APP, 2, {"nationality": "DEU\n", "birth_date": "1985-06-15"})
def test_validation_accepts_only_what_both_validators_accept_within_the_bounds(
    app: dict[str, Any], choice: int, value: Any
) -> None:
    """validate_application, the one gate of the CLI and the service, accepts exactly when the
    reference validator does and the contract's bounds hold; whatever it accepts decides."""
    from lexgraph.compliance.applications import (
        ApplicationError,
        _validator,
        out_of_bounds,
        validate_application,
    )

    mutated = copy.deepcopy(app)
    targets: list[tuple[dict[str, Any], str]] = [
        (mutated, k)
        for k in ("id", "decision_date", "applicant", "employment", "residence", "family", "route", "holds")
    ]
    holder, key = targets[choice % len(targets)]
    holder[key] = value
    expected = not out_of_bounds(mutated) and _validator().is_valid(mutated)
    try:
        validate_application(mutated)
        accepted_ = True
    except ApplicationError as error:
        accepted_ = False
        assert error.problems and all(p.startswith("$") for p, _ in error.problems)
    assert accepted_ == expected, mutated
    if accepted_:
        CORPUS.evaluator.decide(mutated, None, trace=False)
