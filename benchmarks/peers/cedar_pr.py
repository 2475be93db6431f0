"""Peer 1: permanent residence with cedarpy's `is_authorized` and the policies in pr_measures.cedar.

Called as a Cedar user would: the policy set and the (empty) entity set are parsed once into
cedarpy's reusable handles; each application becomes one request whose context carries its facts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cedarpy

POLICIES = Path(__file__).with_name("pr_measures.cedar")

_APPLICANT = (
    "criminal_record",
    "health_ok",
    "security_risk",
    "major_contribution_to_china",
    "deported_within_ban",
    "fraud_in_application",
)
# (object, fields kept as they are, fields that are contract numbers → Cedar decimals)
_OBJECTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("employment", ("position_level", "employer_type", "tax_record_good"), ("consecutive_years_in_post",)),
    (
        "residence",
        ("stable_income_and_housing",),
        ("years_resident_in_last_4", "consecutive_years_resident", "min_months_resident_per_year"),
    ),
    ("investment", ("region", "tax_record_good"), ("amount_usd", "consecutive_years_stable")),
    ("family", ("relation", "unmarried"), ("marriage_years",)),
)
_PRINCIPAL = {"type": "Applicant", "id": "applicant"}
_ACTION = {"type": "Action", "id": "apply"}
_RESOURCE = {"type": "Permit", "id": "permanent_residence"}


def _day(iso: str) -> int:
    """2024-06-01 → 20240601: whole-year differences become integer thresholds (see the .cedar file)."""
    return int(iso[0:4]) * 10000 + int(iso[5:7]) * 100 + int(iso[8:10])


def _decimal(x: float) -> dict[str, Any]:
    return {"__extn": {"fn": "decimal", "arg": f"{x:.4f}"}}


def context(app: dict[str, Any]) -> dict[str, Any]:
    """The Cedar request context for one application. Absent facts stay absent (Cedar then errors
    in the policies that read them); null objects are left out (`context has X` is false)."""
    a = app["applicant"]
    ctx: dict[str, Any] = {
        "decision_date": _day(app["decision_date"]),
        "applicant": {k: a[k] for k in _APPLICANT if k in a},
    }
    ctx["applicant"]["birth_date"] = _day(a["birth_date"])
    ctx["application_date"] = _day(
        app.get("application_date", app["decision_date"])
    )  # the documented defaults
    ctx["route"] = app.get("route", "employer")
    if "holds" in app:
        ctx["holds"] = app["holds"]
    for name, plain, numbers in _OBJECTS:
        obj = app.get(name)
        if isinstance(obj, dict):
            rec = {k: obj[k] for k in plain if k in obj}
            rec.update({k: _decimal(obj[k]) for k in numbers if k in obj})
            ctx[name] = rec
    return ctx


class CedarPR:
    def __init__(self) -> None:
        self.policies = cedarpy.PolicySet.from_str(POLICIES.read_text(encoding="utf-8"))
        self.entities = cedarpy.Entities.from_json_str("[]")

    def decide(self, app: dict[str, Any]) -> bool:
        """True: eligible for permanent residence (Allow)."""
        request = {"principal": _PRINCIPAL, "action": _ACTION, "resource": _RESOURCE, "context": context(app)}
        return cedarpy.is_authorized(request, self.policies, self.entities).allowed

    def explain(self, app: dict[str, Any]) -> tuple[bool, list[str], list[str]]:
        """(allowed, the policies that decided, errors) — for reporting a disagreement."""
        request = {"principal": _PRINCIPAL, "action": _ACTION, "resource": _RESOURCE, "context": context(app)}
        result = cedarpy.is_authorized(request, self.policies, self.entities)
        ids = result.diagnostics.id_annotations_by_reason
        return result.allowed, [ids.get(r, r) for r in result.diagnostics.reasons], result.diagnostics.errors
