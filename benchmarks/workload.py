"""The benchmark's workload: generated applications and the permanent-residence law slice.

Applications follow contract/application.schema.json and mix realistic profiles (engineers,
senior post holders, investors, spouses, children, elderly dependants, special contributors,
graduates, visitors) with values drawn around the legal thresholds so that every rule is
exercised both ways. About a third of them leave some facts out (unknown), as real files do.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lexgraph.api import LawContext
from lexgraph.engine.schema import contract_enum

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "regulations"
SEED = 20240601

# Every fact the permanent-residence rules read (pr_measures 第六条 and its later articles, plus the
# cancellation grounds of exit_entry_law 第四十九条 that pr_measures/refusal reads). An application
# is "fully known" for permanent residence when each is present, or lies under an explicit null
# object; only those applications are compared with the two-valued peers.
PR_FACTS: tuple[str, ...] = (
    "route",
    "holds",
    "applicant.birth_date",
    "applicant.criminal_record",
    "applicant.health_ok",
    "applicant.security_risk",
    "applicant.major_contribution_to_china",
    "applicant.deported_within_ban",
    "applicant.fraud_in_application",
    "employment.position_level",
    "employment.employer_type",
    "employment.consecutive_years_in_post",
    "employment.tax_record_good",
    "residence.years_resident_in_last_4",
    "residence.consecutive_years_resident",
    "residence.min_months_resident_per_year",
    "residence.stable_income_and_housing",
    "investment.amount_usd",
    "investment.region",
    "investment.consecutive_years_stable",
    "investment.tax_record_good",
    "family.relation",
    "family.marriage_years",
    "family.unmarried",
)

# Facts a generated application may leave out (unknown): a mix of PR facts and others (never the
# contract's required ones).
_DROPPABLE: tuple[str, ...] = tuple(p for p in PR_FACTS if p != "applicant.birth_date") + (
    "applicant.education",
    "applicant.related_work_experience_years",
    "applicant.chinese_hsk_level",
    "applicant.can_cover_expenses",
    "employment.annual_salary_cny",
    "employment.contract_signed",
    "employment.local_average_annual_salary_cny",
    "employment.annual_months_working_in_china",
    "residence.entry_date",
    "employment",
    "investment",
    "family",
    "residence",
)

_NATIONALITIES = (
    "DEU",
    "USA",
    "GBR",
    "FRA",
    "JPN",
    "KOR",
    "IND",
    "RUS",
    "BRA",
    "CAN",
    "AUS",
    "SGP",
    "NGA",
    "ITA",
)
_EMPLOYER_TYPES = contract_enum("employment.employer_type")
_REGIONS = ("encouraged_industry", "western", "poverty_county", "central", "other")
_DOCUMENTS = (
    "work_permit_notice",
    "work_permit",
    "z_visa",
    "work_residence_permit",
    "r_visa",
    "talent_confirmation_letter",
    "government_recommendation_letter",
    "employer_recommendation",
)
_PROFILES = (
    ("engineer", 28),
    ("senior_post", 15),
    ("investor", 12),
    ("spouse", 12),
    ("child", 8),
    ("elderly", 6),
    ("contributor", 4),
    ("graduate", 9),
    ("visitor", 6),
)


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _years(rng: random.Random, lo: float, hi: float) -> float | int:
    """Years or months in half steps, as files record them (3, 3.5, 4 …)."""
    v = round(rng.uniform(lo, hi) * 2) / 2
    return int(v) if v.is_integer() else v


def _employment(rng: random.Random, senior: bool) -> dict[str, Any]:
    level = (
        rng.choice(("deputy_general_manager_or_above", "associate_senior_title_or_above"))
        if senior
        else rng.choice(("staff", "staff", "manager", "manager", "deputy_general_manager_or_above"))
    )
    salary = rng.randrange(80, 1500) * 1000
    return {
        "employer_name": f"Employer {rng.randrange(10_000)}",
        "employer_type": rng.choice(_EMPLOYER_TYPES),
        "position_level": level,
        "annual_salary_cny": salary,
        "local_average_annual_salary_cny": rng.choice((72000, 96000, 120000, 150000)),
        "annual_income_tax_cny": salary // 5,
        "consecutive_years_in_post": _years(rng, 0, 9),
        "annual_months_working_in_china": rng.randrange(3, 13),
        "contract_signed": rng.random() < 0.9,
        "tax_record_good": rng.random() < 0.9,
        "work_region": rng.choice(
            ("western", "northeast_old_industrial", "poverty_county", "other", "other")
        ),
        "consecutive_years_working_in_china": _years(rng, 0, 10),
        "local_bonus_points": rng.randrange(0, 6),
        # Outside Beijing: the peers encode 办法 第六条 only, so the Beijing salary-and-tax route
        # (regulations/local/, a rule of 北京市) must be definitely inapplicable (no draw: the seed's
        # applications are otherwise unchanged).
        "work_jurisdiction": "上海市",
    }


def application(rng: random.Random, index: int) -> dict[str, Any]:
    """One application of a randomly chosen profile; facts near thresholds on purpose."""
    profile = rng.choices([p for p, _ in _PROFILES], [w for _, w in _PROFILES])[0]
    decision = _date(rng, dt.date(2014, 1, 1), dt.date(2025, 12, 31))
    age = {
        "child": rng.randrange(3, 21),
        "elderly": rng.randrange(55, 80),
        "graduate": rng.randrange(21, 30),
        "senior_post": rng.randrange(32, 62),
    }.get(profile, rng.randrange(22, 66))
    # birthdays either side of the decision day, so ages 17/18 and 59/60 fall both ways
    birth = decision.replace(year=decision.year - age, day=min(decision.day, 28)) + dt.timedelta(
        days=rng.randrange(-20, 21)
    )
    contributor = profile == "contributor" or rng.random() < 0.01
    settled = profile in ("spouse", "elderly")
    applicant: dict[str, Any] = {
        "nationality": rng.choice(_NATIONALITIES),
        "birth_date": birth.isoformat(),
        "education": rng.choice(("secondary", "bachelor", "bachelor", "master", "doctorate")),
        "related_work_experience_years": _years(rng, 0, 20),
        "chinese_hsk_level": rng.randrange(0, 7),
        "criminal_record": rng.random() < 0.03,
        "health_ok": rng.random() < 0.96,
        "disease_barring_entry": rng.random() < 0.02,
        "violation_unfit_to_reside": rng.random() < 0.01,
        "deported_within_ban": rng.random() < 0.02,
        "security_risk": rng.random() < 0.02,
        "fraud_in_application": rng.random() < 0.02,
        "can_cover_expenses": rng.random() < 0.9,
        "major_contribution_to_china": contributor,
        "selected_by_talent_programme": rng.random() < 0.05,
        "internationally_recognised_award": rng.random() < 0.03,
        "encouraged_post": rng.random() < 0.2,
        "innovative_entrepreneur": rng.random() < 0.05,
        "excellent_young_talent": rng.random() < 0.05,
        "degree_from_top_foreign_university": rng.random() < 0.2,
        "graduation_date": (birth + dt.timedelta(days=365 * 22 + rng.randrange(0, 2000))).isoformat(),
    }
    app: dict[str, Any] = {
        "id": f"bench-{index:06d}",
        "decision_date": decision.isoformat(),
        "route": rng.choices(("employer", "independent", "government_recommendation"), (6, 3, 1))[0],
        "applicant": applicant,
        "employment": _employment(rng, profile == "senior_post")
        if profile in ("engineer", "senior_post") or rng.random() < 0.15
        else None,
        "residence": {  # family-based profiles have mostly lived in China already
            "years_resident_in_last_4": _years(rng, 0, 4),
            "consecutive_years_resident": _years(rng, 2, 9) if settled else _years(rng, 0, 12),
            "min_months_resident_per_year": rng.randrange(6, 13) if settled else rng.randrange(2, 13),
            "stable_income_and_housing": rng.random() < 0.8,
            "entry_date": _date(rng, decision - dt.timedelta(days=4000), decision).isoformat(),
            "entry_visa": rng.choice(("Z", "R", "Q1", "S1", "M", "X1", "L")),
        },
        "investment": {
            "amount_usd": rng.choice((300_000, 500_000, 800_000, 1_500_000, 2_000_000, 5_000_000))
            + rng.choice((-1, 0, 0, 1000)),
            "region": rng.choice(_REGIONS),
            "consecutive_years_stable": _years(rng, 0, 6),
            "tax_record_good": rng.random() < 0.85,
        }
        if profile == "investor" or rng.random() < 0.03
        else None,
        "family": None,
        "holds": sorted(rng.sample(_DOCUMENTS, rng.randrange(0, 4))),
    }
    if contributor and rng.random() < 0.6:
        app["holds"] = sorted({*app["holds"], "government_recommendation_letter"})
    relation = {
        "spouse": "spouse_of_chinese_citizen_or_pr",
        "elderly": "dependent_aged_60_without_relatives_abroad",
        "child": rng.choice(
            ("minor_unmarried_child_joining_parent", "spouse_or_minor_child_of_pr_principal")
        ),
    }.get(profile)
    if relation is not None or rng.random() < 0.05:
        app["family"] = {
            "relation": relation or "spouse_or_minor_child_of_pr_principal",
            "marriage_years": _years(rng, 0, 10) if profile != "child" else 0,
            "unmarried": rng.random() < 0.9 if profile == "child" else rng.random() < 0.1,
        }
    if rng.random() < 0.35:  # some facts unknown
        for path in rng.sample(_DROPPABLE, rng.randrange(1, 4)):
            _drop(app, path)
    return app


def _drop(app: dict[str, Any], path: str) -> None:
    *parents, leaf = path.split(".")
    node: Any = app
    for part in parents:
        node = node.get(part)
        if not isinstance(node, dict):
            return
    node.pop(leaf, None)


def generate(n: int, seed: int = SEED) -> list[dict[str, Any]]:
    """n applications, the same for the same seed."""
    rng = random.Random(seed)
    return [application(rng, i) for i in range(n)]


def pr_fully_known(app: dict[str, Any]) -> bool:
    """Every fact the permanent-residence rules read is known (present, or under a null object)."""
    for path in PR_FACTS:
        node: Any = app
        for part in path.split("."):
            if node is None:  # under an explicit null object: known to be none
                break
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
    return True


def pr_rules(full: LawContext) -> set[str]:
    """The rules the grant of permanent residence rests on: every pr_measures rule and every other rule
    concluding for it (the Beijing route of regulations/local/) — not the grounds of cancelling it, a
    decision of its own kind (法 第四十九条) — plus (transitively) every rule concluding a condition or
    permit they read, and every rule they override."""
    law, g = full.law, full.graph.g
    need = {
        r.id
        for r in law.rules.values()
        if r.instrument == "pr_measures"
        or any("permanent_residence" in c.permits and c.kind != "cancelled" for c in r.conclusions)
    }
    frontier = list(need)
    while frontier:
        for _, target, data in g.out_edges(f"rule:{frontier.pop()}", data=True):
            if data["kind"] == "overrides":
                found = {target.split(":", 1)[1]}
            elif data["kind"] == "depends_on" and target.startswith(("condition:", "permit:")):
                found = {
                    source.split(":", 1)[1]
                    for source, _, d in g.in_edges(target, data=True)
                    if d["kind"] == "concludes"
                }
            else:
                continue
            frontier += sorted(found - need)
            need |= found
    return need


def _without(text: str, spans: list[tuple[int, int, int, int]]) -> str:
    """The source text with the given (line, column, end_line, end_column) regions cut out."""
    starts = [0]
    for row in text.split("\n"):  # spans count lines by "\n" only
        starts.append(starts[-1] + len(row) + 1)
    for line, col, end_line, end_col in sorted(spans, reverse=True):
        a, b = starts[line - 1] + col - 1, starts[end_line - 1] + end_col - 1
        text = text[:a] + f"# (rule left out of the benchmark slice: line {line})" + text[b:]
    return text


@contextmanager
def pr_law_dir(full: LawContext, workdir: Path) -> Iterator[tuple[Path, dict[str, int]]]:
    """A temporary law directory for permanent residence only: regulations/vocabulary*.lex,
    regulations/pr_measures/, and of every other instrument file only the rules the grant of permanent
    residence rests on (pr_rules) — articles and instrument headers kept, other rules cut out.
    The real checker loads it. Yields (dir, {file: rules kept})."""
    need = pr_rules(full)
    by_file: dict[str, list[Any]] = {}
    for rule in full.law.rules.values():
        by_file.setdefault(rule.span.path, []).append(rule)
    target = workdir / "pr_law"
    target.mkdir()
    for vocabulary in sorted(CORPUS.glob("vocabulary*.lex")):  # vocabulary.lex and the files beside it
        shutil.copy(vocabulary, target / vocabulary.name)
    kept: dict[str, int] = {}
    for path, rules in sorted(by_file.items()):
        if not any(r.id in need for r in rules):
            continue
        src = Path(path) if Path(path).exists() else REPO / path
        rel = src.resolve().relative_to(CORPUS.resolve())
        cut = [
            (r.span.line, r.span.column, r.span.end_line, r.span.end_column)
            for r in rules
            if r.id not in need
        ]
        (target / rel.parent).mkdir(parents=True, exist_ok=True)
        (target / rel).write_text(_without(src.read_text(encoding="utf-8"), cut), encoding="utf-8")
        kept[str(rel)] = sum(r.id in need for r in rules)
    try:
        yield target, kept
    finally:
        shutil.rmtree(target, ignore_errors=True)


# ------------------------------------------------------------------ boundary cases
# One qualifying application per item of 第六条第一款 (and the child variant of item 4); every
# variant below changes one fact of one template: a number a half step either side of its
# threshold, every member of an enum, a flipped bool, a birthday a day either side of 18 / 60, a
# null object. Random applications rarely sit on a threshold; these always do, so a peer whose
# threshold or list drifts disagrees here.
_ENUMS: dict[str, tuple[str, ...]] = {
    "route": ("employer", "independent", "government_recommendation"),
    "employment.position_level": (
        "staff",
        "manager",
        "deputy_general_manager_or_above",
        "associate_senior_title_or_above",
    ),
    "employment.employer_type": _EMPLOYER_TYPES,
    "investment.region": _REGIONS,
    "family.relation": (
        "spouse_of_chinese_citizen_or_pr",
        "spouse_or_minor_child_of_pr_principal",
        "minor_unmarried_child_joining_parent",
        "dependent_aged_60_without_relatives_abroad",
    ),
}
_DECISION = dt.date(2024, 6, 15)


def _template(birth_years: int, **parts: Any) -> dict[str, Any]:
    app: dict[str, Any] = {
        "id": "",
        "decision_date": _DECISION.isoformat(),
        "route": "employer",
        "applicant": {
            "nationality": "DEU",
            "birth_date": _DECISION.replace(year=_DECISION.year - birth_years).isoformat(),
            "criminal_record": False,
            "health_ok": True,
            "security_risk": False,
            "deported_within_ban": False,
            "fraud_in_application": False,
            "major_contribution_to_china": False,
        },
        "employment": None,
        "investment": None,
        "family": None,
        "holds": [],
        "residence": {
            "years_resident_in_last_4": 3,
            "consecutive_years_resident": 5,
            "min_months_resident_per_year": 9,
            "stable_income_and_housing": True,
        },
    }
    for key, value in parts.items():
        if key == "applicant":
            app["applicant"].update(value)
        else:
            app[key] = value
    return app


def _templates() -> dict[str, dict[str, Any]]:
    return {
        "item_1": _template(
            45,
            investment={
                "amount_usd": 500000,
                "region": "western",
                "consecutive_years_stable": 3,
                "tax_record_good": True,
            },
        ),
        "item_2": _template(
            45,
            employment={
                "position_level": "deputy_general_manager_or_above",
                "employer_type": "high_tech_enterprise",
                "consecutive_years_in_post": 4,
                "tax_record_good": True,
            },
        ),
        "item_3": _template(
            50, applicant={"major_contribution_to_china": True}, holds=["government_recommendation_letter"]
        ),
        "item_4_spouse": _template(
            40,
            family={
                "relation": "spouse_or_minor_child_of_pr_principal",
                "marriage_years": 2,
                "unmarried": False,
            },
        ),
        "item_4_child": _template(
            17,
            family={
                "relation": "spouse_or_minor_child_of_pr_principal",
                "marriage_years": 0,
                "unmarried": True,
            },
        ),
        "item_5": _template(
            35,
            family={"relation": "spouse_of_chinese_citizen_or_pr", "marriage_years": 5, "unmarried": False},
        ),
        "item_6": _template(
            17,
            family={
                "relation": "minor_unmarried_child_joining_parent",
                "marriage_years": 0,
                "unmarried": True,
            },
        ),
        "item_7": _template(
            60,
            family={
                "relation": "dependent_aged_60_without_relatives_abroad",
                "marriage_years": 0,
                "unmarried": False,
            },
        ),
    }


def _set(app: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in app.items()}
    *parents, leaf = path.split(".")
    node = out
    for part in parents:
        node = node[part]
    node[leaf] = value
    return out


def boundary_applications() -> list[dict[str, Any]]:
    """Fully-known applications on every threshold of the permanent-residence rules."""
    out: list[dict[str, Any]] = []
    for name, base in _templates().items():
        variants: list[tuple[str, dict[str, Any]]] = [("as_is", base)]
        for path in PR_FACTS:
            *parents, leaf = path.split(".")
            node: Any = base
            for part in parents:
                node = node.get(part) if isinstance(node, dict) else None
            if not isinstance(node, dict) or leaf not in node:
                continue
            value = node[leaf]
            if path in _ENUMS:
                variants += [(f"{path}={v}", _set(base, path, v)) for v in _ENUMS[path] if v != value]
            elif isinstance(value, bool):
                variants.append((f"{path}={not value}", _set(base, path, not value)))
            elif isinstance(value, int | float):
                variants += [
                    (f"{path}={value + d}", _set(base, path, value + d))
                    for d in (-0.5, 0.5)
                    if value + d >= 0
                ]
            elif path == "applicant.birth_date":
                day = dt.date.fromisoformat(value)
                variants += [
                    (f"{path}{d:+d}d", _set(base, path, (day + dt.timedelta(days=d)).isoformat()))
                    for d in (-1, 1)
                ]
            elif path == "holds":
                variants.append(
                    (
                        "holds=letter" if not value else "holds=[]",
                        _set(base, path, [] if value else ["government_recommendation_letter"]),
                    )
                )
        for obj in ("employment", "investment", "family"):
            if base[obj] is not None:
                variants.append((f"{obj}=null", _set(base, obj, None)))
        for label, app in variants:
            app["id"] = f"boundary-{name}-{label}"
            out.append(app)
    return out
