"""The corpus, article by article: each scenario file states the outcome and the rule that must
ground it (right answer for the right reason); coverage: no encoded rule or article unexercised."""

from __future__ import annotations

from pathlib import Path

import pytest
from lexgraph.api import LawContext, ScenarioError, coverage, load_law
from lexgraph.compliance.coverage import Scenario, check_scenario, load_scenarios

SCENARIOS = load_scenarios(Path(__file__).parent / "scenarios")


def _context(s: Scenario, corpus: LawContext) -> LawContext:
    if not s.amendments and not s.parameters and not s.law:
        return corpus
    return load_law(s.law, s.amendments, s.parameters)  # the process's law cache keeps each law once


def test_there_are_enough_scenarios() -> None:
    assert len(SCENARIOS) >= 60


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: f"{s.path.parent.name}/{s.path.stem}")
def test_scenario(scenario: Scenario, corpus: LawContext) -> None:
    _, problems = check_scenario(scenario, _context(scenario, corpus))
    assert problems == [], scenario.description


def test_every_rule_and_article_is_exercised() -> None:
    report = coverage(Path(__file__).parent / "scenarios")
    assert report.failures == {}
    assert report.rules_uncovered == []
    assert report.articles_uncovered == []
    # the duties and prohibitions, by the timelines beside the scenarios
    assert report.duties_total >= 15 and report.duties_uncovered == []


def test_coverage_names_the_duties_no_timeline_exercises(tmp_path: Path) -> None:
    (tmp_path / "only.jsonl").write_text(
        '{"case": "c", "date": "2024-03-01", "type": "entry", "residence_permit_required": true}\n',
        encoding="utf-8",
    )
    report = coverage(Path(__file__).parent / "scenarios" / "family_study", None, tmp_path)
    assert "obligations/residence_permit_after_entry" not in report.duties_uncovered
    assert "obligations/work_without_permits" in report.duties_uncovered
    assert len(report.duties_uncovered) == report.duties_total - 1
    (tmp_path / "bad.jsonl").write_text('{"case": "c"}\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="bad.jsonl:1"):
        coverage(Path(__file__).parent / "scenarios" / "family_study", None, tmp_path)
