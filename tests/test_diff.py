"""`lexgraph diff` and the independent-application reform (regulations/amendments/independent_application.lex).

The fixture amendment (tests/amendments/) amends a small synthetic law, so its golden diff does not
move when the corpus grows; the reform is checked against the real corpus and the seeds it quotes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lexgraph.api import LawContext, LexgraphError, diff, load_law
from lexgraph.compliance.cli import main
from lexgraph.compliance.coverage import check_scenario, load_scenarios
from lexgraph.compliance.diff import AmendmentDiff, render
from lexgraph.engine.pipeline import check_sources

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "amendments"
BASELINE = FIXTURES / "baseline"
FIXTURE = FIXTURES / "fixture_amendment.lex"
REGULATIONS = ROOT / "regulations"
REFORM = REGULATIONS / "amendments" / "independent_application.lex"
SCENARIOS = ROOT / "tests" / "scenarios" / "amendments"
# ../shared/seeds beside the repository (CI clones main with shared/ beside it)
SEEDS = next((p for p in (ROOT.parent / "shared" / "seeds", Path("/work/shared/seeds")) if p.is_dir()), None)


@pytest.fixture(scope="module")
def fixture_diff() -> AmendmentDiff:
    return diff(load_law([BASELINE]), load_law([BASELINE], [FIXTURE]))


@pytest.fixture(scope="module")
def reform() -> tuple[LawContext, LawContext]:
    return load_law([REGULATIONS]), load_law([REGULATIONS], [REFORM])


# ------------------------------------------------------------------ the fixture: golden files


def test_fixture_diff_json_is_exactly_the_golden_file(fixture_diff: AmendmentDiff) -> None:
    assert render(fixture_diff, "json") == (FIXTURES / "expected_diff.json").read_text(encoding="utf-8")


def test_fixture_diff_text_is_exactly_the_golden_file(fixture_diff: AmendmentDiff) -> None:
    assert render(fixture_diff, "text") == (FIXTURES / "expected_diff.txt").read_text(encoding="utf-8")


def test_fixture_diff_content(fixture_diff: AmendmentDiff) -> None:
    """The golden file says what the fixture does; these say why it is right."""
    changes = {(a.instrument, a.number): a.change for a in fixture_diff.articles}
    assert changes == {
        ("fixture_amendment", 1): "inserted",
        ("fixture_measures", 2): "replaced",
        ("fixture_measures", 3): "repealed",
        ("fixture_measures", 5): "inserted",
    }
    rules = {r.rule: r for r in fixture_diff.rules}
    assert rules["fixture_measures/art_3__para_1"].change == "repealed"  # with its article
    assert rules["fixture_measures/art_1__para_2"].change == "repealed"  # repeal rule
    assert rules["fixture_measures/art_2__para_1"].replaced_by == "fixture_amendment/art_1__para_2__doctorate"
    assert rules["fixture_amendment/art_1__para_1__independent"].change == "added"
    assert {p.permit for p in fixture_diff.permits} == {"work_permit", "permanent_residence"}
    by_rules = {c.rules: c for c in fixture_diff.conflicts}
    clause = by_rules[
        ("fixture_amendment/art_1__para_1__independent", "fixture_measures/art_1__para_1__employer_only")
    ]
    assert clause.status == "introduced" and clause.after is not None and clause.after.principle == "override"
    repealed_side = by_rules[("fixture_measures/art_1__para_1", "fixture_measures/art_3__para_1")]
    assert (
        repealed_side.status == "resolved"
        and repealed_side.before is None
        and not repealed_side.present_after
    )
    # the untouched, still unresolved pair is not reported
    assert ("fixture_measures/art_1__para_1", "fixture_measures/art_1__para_1__employer_only") not in by_rules


def test_cli_diff_writes_the_golden_json_and_a_self_contained_page(tmp_path: Path) -> None:
    out = tmp_path / "diff.json"
    assert main(["diff", str(BASELINE), "--with", str(FIXTURE), "--format", "json", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (FIXTURES / "expected_diff.json").read_text(encoding="utf-8")
    page = tmp_path / "diff.html"
    assert main(["diff", str(BASELINE), "--with", str(FIXTURE), "--format", "html", "-o", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert (
        "修改对照表" in text and "测试用条文：具有硕士学位的" in text and "测试用条文：具有博士学位的" in text
    )
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", text)  # no network


def test_cli_diff_set_parameter_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["diff", str(BASELINE), "--with", str(FIXTURE), "--set", "min_age=21", "--format", "json"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["parameters"] == [
        {
            "name": "min_age",
            "type": "integer",
            "default": 18,
            "value": 21,
            "doc": "the youngest independent applicant",
            "owner": "fixture_amendment",
        }
    ]


def test_cli_diff_needs_an_amendment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(BASELINE)]) == 2
    assert "--with" in capsys.readouterr().err


def test_cli_diff_bad_amendment_names_file_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.lex"
    bad.write_text(
        FIXTURE.read_text(encoding="utf-8").replace(
            "overrides fixture_measures/art_1__para_1__employer_only",
            "overrides fixture_measures/no_such_rule",
        ),
        encoding="utf-8",
    )
    assert main(["diff", str(BASELINE), "--with", str(bad)]) == 1
    err = capsys.readouterr().err
    assert re.search(r"bad\.lex:\d+:\d+", err) and "no_such_rule" in err


def test_cli_diff_unknown_parameter_is_an_input_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(BASELINE), "--with", str(FIXTURE), "--set", "no_such=1"]) == 1
    assert "unknown parameter" in capsys.readouterr().err


# ------------------------------------------------------------------ the reform


def test_reform_checks_clean() -> None:
    law, diagnostics = check_sources([REGULATIONS, REFORM])
    assert law is not None and diagnostics == []
    assert law.instruments["independent_application"].status == "proposed"


def _quoted_texts(context: LawContext) -> list[str]:
    texts = []
    for (inst, _), article in context.law.articles.items():
        if inst != "independent_application":
            continue
        texts += [article.text] if article.text else []
        for p in article.paragraphs:
            texts += [p.text] if p.text else []
            texts += [i.text for i in p.items if i.text]
    return texts


def test_every_quoted_text_of_the_reform_is_verbatim_from_the_seeds(
    reform: tuple[LawContext, LawContext],
) -> None:
    assert SEEDS is not None, "the seeds (../shared/seeds) are needed to check the reform's quotations"
    strip = lambda s: re.sub(r"\s+", "", s)  # noqa: E731 - the seeds are OCR'd: whitespace is noise
    seeds = [strip(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    texts = _quoted_texts(reform[1])
    assert len(texts) >= 15
    not_found = [t for t in texts if not any(strip(t) in s for s in seeds)]
    assert not_found == []


def test_every_reform_rule_names_its_source_passage(reform: tuple[LawContext, LawContext]) -> None:
    rules = [r for r in reform[1].law.rules.values() if r.instrument == "independent_application"]
    assert len(rules) >= 7
    assert all(re.match(r"seed 00[012] ", r.source) for r in rules), [r.id for r in rules if not r.source]


def test_reform_diff_shows_the_priority_clause_and_the_permits_it_reaches(
    reform: tuple[LawContext, LawContext],
) -> None:
    d = diff(*reform)
    assert {p.permit for p in d.permits} >= {
        "work_permit",
        "talent_confirmation_letter",
        "work_residence_permit",
        "permanent_residence",
        "job_seeking_visa",
    }
    overridden = {c.rules for c in d.conflicts if c.after is not None and c.after.principle == "override"}
    employer_routes = {
        r for r, rule in reform[0].law.rules.items() if r.endswith("employer_route") and rule.requirement
    }
    assert employer_routes == {loser for pair in overridden for loser in pair if loser in employer_routes}
    assert {a.instrument for a in d.articles} == {"independent_application"}
    assert {p.name for p in d.parameters} >= {"pass_mark", "independent_pr_quota"}


def test_without_the_priority_clause_the_conflicts_are_unresolved(
    tmp_path: Path, reform: tuple[LawContext, LawContext]
) -> None:
    text = REFORM.read_text(encoding="utf-8")
    stripped = re.sub(r"^\s*overrides [^\n]*\n", "", text, flags=re.M)
    assert stripped != text
    copy = tmp_path / "no_clause.lex"
    copy.write_text(stripped, encoding="utf-8")
    d = diff(reform[0], load_law([REGULATIONS], [copy]))
    with_employer_route = [c for c in d.conflicts if any(r.endswith("employer_route") for r in c.rules)]
    assert with_employer_route and all(
        c.status == "introduced" and c.after is None for c in with_employer_route
    )
    # …and so the employer route still bars the independent work permit
    app = json.loads((ROOT / "examples" / "independent_talent.json").read_text(encoding="utf-8"))
    outcome = {x.permit: x.outcome for x in load_law([REGULATIONS], [copy]).decide(app).decisions}
    assert outcome["work_permit"] == "ineligible"


def test_example_is_eligible_only_under_the_reform(reform: tuple[LawContext, LawContext]) -> None:
    app = json.loads((ROOT / "examples" / "independent_talent.json").read_text(encoding="utf-8"))
    before = {x.permit: x.outcome for x in reform[0].decide(app).decisions}
    after = {x.permit: x.outcome for x in reform[1].decide(app).decisions}
    for permit in ("work_permit", "talent_confirmation_letter", "permanent_residence"):
        assert (before[permit], after[permit]) == ("ineligible", "eligible"), permit
    # the R visa and the residence permit rest on documents the applicant does not hold yet: refused,
    # with the documents the reform now lets him obtain alone as the pathway (advice, not a ground)
    decided = {x.permit: x for x in reform[1].decide(app).decisions}
    for permit, document in (
        ("r_visa", "talent_confirmation_letter"),
        ("work_residence_permit", "work_permit"),
    ):
        assert decided[permit].outcome == "ineligible", permit
        step = next(s for s in decided[permit].pathway if s.document == document)
        assert step.outcome == "eligible" and step.authority, permit


def test_pass_mark_and_quota_are_parameters() -> None:
    app = json.loads((ROOT / "examples" / "independent_talent.json").read_text(encoding="utf-8"))
    outcomes = []
    for params in ({}, {"pass_mark": "35"}, {"pass_mark": "36"}, {"independent_pr_quota": "812"}):
        context = load_law([REGULATIONS], [REFORM], params)
        outcomes.append(
            next(x.outcome for x in context.decide(app).decisions if x.permit == "permanent_residence")
        )
    # the example scores 35 (doctorate 20, age 15) and 812 independent grants were made this year
    assert outcomes == ["eligible", "eligible", "ineligible", "ineligible"]
    with pytest.raises(LexgraphError):
        load_law([REGULATIONS], [REFORM], {"pass_mark": "high"})


SCENARIO_FILES = sorted(SCENARIOS.glob("*.json"))


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_reform_scenario(path: Path) -> None:
    (scenario,) = load_scenarios(path)
    assert [a.resolve() for a in scenario.amendments] == [REFORM.resolve()]
    assert any(e.get("cited") for e in scenario.expect)  # each scenario names the citation that grounds it
    _, problems = check_scenario(scenario, load_law(None, scenario.amendments, scenario.parameters))
    assert problems == []


def test_scenarios_cover_every_outcome() -> None:
    outcomes = {
        e["outcome"] for p in SCENARIO_FILES for e in json.loads(p.read_text(encoding="utf-8"))["expect"]
    }
    assert outcomes == {"eligible", "ineligible", "undetermined"}
