"""Peer 2: permanent residence as a durable_rules ruleset (Rete, C core), equivalent to
regulations/pr_measures/pr_measures.lex and to pr_measures.cedar.

Called as a durable_rules user would: the ruleset is defined once; each application is flattened
into one event and `post`ed. An event is consumed by the first rule that matches, highest priority
first, so the restrictive rules get `pri(1)` (refusal wins, as Cedar's forbid and lexgraph's
restrictive rules do) and the grants `pri(2)`; an event no rule matches raises
MessageNotHandledException: not eligible.

Encoding: a null object's fields are left out of the event (`+m.emp_position_level` reads "there
is an employer"); a held document is a flag `holds_DOC` (durable's allItems is false on an
empty list, so "does not hold" is written as the flag's absence); dates are integers YYYYMMDD (age >= N <=> decision >= birth + N*10000). Like
Cedar, durable_rules is two-valued: an absent fact makes its test fail, so only fully-known
applications are compared with lexgraph.
"""

from __future__ import annotations

from typing import Any

from durable.engine import MessageNotHandledException
from durable.lang import m, post, pri, ruleset, when_all

RULESET = "lexgraph_bench_permanent_residence"

_result: list[str] = [""]  # the rule that consumed the last event (actions run inside `post`)


def _fired(name: str) -> Any:
    def action(c: Any) -> None:
        _result[0] = name

    return action


def _general() -> Any:
    return (m.criminal_record == False) & (m.health_ok == True) & (m.security_risk == False)  # noqa: E712 - durable's DSL


def _one_of(field: Any, values: tuple[str, ...]) -> Any:
    out = field == values[0]
    for v in values[1:]:
        out = out | (field == v)
    return out


def _none_of(field: Any, values: tuple[str, ...]) -> Any:
    out = field != values[0]
    for v in values[1:]:
        out = out & (field != v)
    return out


_SENIOR = ("deputy_general_manager_or_above", "associate_senior_title_or_above")
_QUALIFYING_EMPLOYERS = (
    "key_national_project",
    "high_tech_enterprise",
    "foreign_invested_enterprise",
    "university",
    "research_institute",
)
_OWN_FAMILY_TIES = (
    "spouse_of_chinese_citizen_or_pr",
    "minor_unmarried_child_joining_parent",
    "dependent_aged_60_without_relatives_abroad",
)

with ruleset(RULESET):
    # ---- restrictions first (priority 1)
    when_all(pri(1), m.security_risk == True)(_fired("pr_measures/refusal"))
    when_all(
        pri(2),
        _general()
        & +m.inv_amount_usd
        & (
            (
                (m.inv_amount_usd >= 500000)
                & _one_of(m.inv_region, ("encouraged_industry", "western", "poverty_county"))
            )
            | (m.inv_amount_usd >= 2000000)
        )
        & (m.inv_consecutive_years_stable >= 3)
        & (m.inv_tax_record_good == True),
    )(_fired("pr_measures/art_6__para_1__item_1"))
    when_all(
        pri(2),
        _general()
        & _one_of(m.emp_position_level, _SENIOR)
        & _one_of(m.emp_employer_type, _QUALIFYING_EMPLOYERS)
        & (m.emp_consecutive_years_in_post >= 4)
        & (m.res_years_resident_in_last_4 >= 3)
        & (m.emp_tax_record_good == True)
        & (m.route != "independent"),
    )(_fired("pr_measures/art_6__para_1__item_2"))
    when_all(
        pri(2),
        _general() & (m.major_contribution_to_china == True) & +m.holds_government_recommendation_letter,
    )(_fired("pr_measures/art_6__para_1__item_3"))
    when_all(
        pri(2),
        _general()
        & (m.fam_relation == "spouse_or_minor_child_of_pr_principal")
        & (
            (m.fam_unmarried == False)
            | ((m.application_date < m.birth_date + 180000) & (m.fam_unmarried == True))
        ),
    )(_fired("pr_measures/art_6__para_1__item_4"))
    when_all(
        pri(2),
        _general()
        & (m.fam_relation == "spouse_of_chinese_citizen_or_pr")
        & (m.fam_marriage_years >= 5)
        & (m.res_consecutive_years_resident >= 5)
        & (m.res_min_months_resident_per_year >= 9)
        & (m.res_stable_income_and_housing == True),
    )(_fired("pr_measures/art_6__para_1__item_5"))
    when_all(
        pri(2),
        _general()
        & (m.fam_relation == "minor_unmarried_child_joining_parent")
        & (m.application_date < m.birth_date + 180000)
        & (m.fam_unmarried == True),
    )(_fired("pr_measures/art_6__para_1__item_6"))
    when_all(
        pri(2),
        _general()
        & (m.fam_relation == "dependent_aged_60_without_relatives_abroad")
        & (m.application_date >= m.birth_date + 600000)
        & (m.res_consecutive_years_resident >= 5)
        & (m.res_min_months_resident_per_year >= 9)
        & (m.res_stable_income_and_housing == True),
    )(_fired("pr_measures/art_6__para_1__item_7"))

_APPLICANT = (
    "criminal_record",
    "health_ok",
    "security_risk",
    "major_contribution_to_china",
    "deported_within_ban",
    "fraud_in_application",
)
_OBJECTS = (
    (
        "employment",
        "emp_",
        ("position_level", "employer_type", "consecutive_years_in_post", "tax_record_good"),
    ),
    (
        "residence",
        "res_",
        (
            "years_resident_in_last_4",
            "consecutive_years_resident",
            "min_months_resident_per_year",
            "stable_income_and_housing",
        ),
    ),
    ("investment", "inv_", ("amount_usd", "region", "consecutive_years_stable", "tax_record_good")),
    ("family", "fam_", ("relation", "marriage_years", "unmarried")),
)


def _day(iso: str) -> int:
    return int(iso[0:4]) * 10000 + int(iso[5:7]) * 100 + int(iso[8:10])


def event(app: dict[str, Any]) -> dict[str, Any]:
    """One flat event per application; absent facts and null objects' fields are left out."""
    a = app["applicant"]
    ev: dict[str, Any] = {k: a[k] for k in _APPLICANT if k in a}
    ev["application_date"] = _day(
        app.get("application_date", app["decision_date"])
    )  # the documented defaults
    ev["birth_date"] = _day(a["birth_date"])
    ev["route"] = app.get("route", "employer")
    for doc in app.get("holds") or ():
        ev["holds_" + doc] = True
    for name, prefix, fields in _OBJECTS:
        obj = app.get(name)
        if isinstance(obj, dict):
            for k in fields:
                if k in obj:
                    ev[prefix + k] = obj[k]
    return ev


def decide_rule(app: dict[str, Any]) -> str:
    """The rule that decided ('' when none matched)."""
    _result[0] = ""
    try:
        post(RULESET, event(app))
    except MessageNotHandledException:
        return ""
    return _result[0]


def decide(app: dict[str, Any]) -> bool:
    """True: eligible for permanent residence (a grant, not a restriction, consumed the event)."""
    return decide_rule(app) in GRANTS


GRANTS = frozenset(f"pr_measures/art_6__para_1__item_{n}" for n in range(1, 8))
