"""The regulation language: every error kind located exactly, good fixtures clean, and every
construct decided for the right reason (case files under tests/language/cases/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lexgraph.api import LawContext, load_law
from lexgraph.compliance.coverage import Scenario, check_scenario, load_scenarios
from lexgraph.engine import model as m
from lexgraph.engine.lower import lower
from lexgraph.engine.pipeline import check_sources
from lexgraph.engine.syntax import parse

HERE = Path(__file__).parent / "language"
BAD = sorted((HERE / "bad").glob("*.lex"))
EXPECTED = json.loads((HERE / "bad" / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_each_error_kind_is_located_exactly(path: Path) -> None:
    _, diagnostics = check_sources([path.relative_to(Path.cwd())])
    expected = EXPECTED[path.name]
    assert [(d.code, d.span.line, d.span.column, d.message) for d in diagnostics] == [
        (expected["code"], expected["line"], expected["column"], expected["message"])
    ]
    rendered = diagnostics[0].render()
    assert rendered.startswith(
        f"{path.relative_to(Path.cwd())}:{expected['line']}:{expected['column']}: {expected['code']}: "
    )
    if diagnostics[0].excerpt:  # a file that cannot be read has no line to show
        assert rendered.splitlines()[-1].endswith("^")


def test_every_error_code_has_a_fixture() -> None:
    codes = {e["code"] for e in EXPECTED.values()}
    assert {
        "syntax_error",
        "unknown_fact",
        "type_mismatch",
        "duplicate_id",
        "dangling_citation",
        "dangling_reference",
        "cycle",
        "amendment_target",
        "unknown_permit",
        "unknown_document",
        "unknown_condition",
        "unknown_parameter",
        "fact_not_in_contract",
    } <= codes


def test_all_errors_are_reported_at_once(tmp_path: Path) -> None:
    source = (HERE / "bad" / "unknown_fact.lex").read_text(encoding="utf-8")
    source = source.replace('import "../../../regulations', f'import "{Path.cwd()}/regulations')
    source += "\nrule extra at art 1 para 1 {\n  conclude eligible nowhere_permit\n  when decision_date > 100 CNY\n}\n"
    (tmp_path / "many.lex").write_text(source, encoding="utf-8")
    _, diagnostics = check_sources([tmp_path / "many.lex"])
    assert [d.code for d in diagnostics] == ["unknown_fact", "unknown_permit", "type_mismatch"]


@pytest.mark.parametrize("folder", ["good/constructs", "../../regulations"])
def test_good_sources_check_clean(folder: str) -> None:
    law, diagnostics = check_sources([HERE / folder])
    assert diagnostics == []
    assert law is not None and law.rules


def test_amendment_checks_clean_and_applies_purely() -> None:
    baseline = load_law([HERE / "good/constructs"])
    amended = load_law(
        [HERE / "good/constructs"], [HERE / "good/constructs_amendment.lex"], {"pass_mark": "70"}
    )
    assert "fixture_law/art_1__para_1__item_2__salary" in baseline.law.rules
    assert "fixture_law/art_1__para_1__item_2__salary" not in amended.law.rules
    assert ("fixture_law", 4) in amended.law.articles and ("fixture_law", 4) not in baseline.law.articles
    assert amended.law.articles[("fixture_law", 3)].paragraphs[0].text.endswith("（修改）。")
    assert baseline.law.articles[("fixture_law", 3)].paragraphs[0].text == "永久居留的一般条件与积分。"
    assert amended.law.parameter_values["pass_mark"] == 70 and baseline.law.digest != amended.law.digest


# ---------------------------------------------------------------- parser: one test per construct


def _lower(text: str) -> m.FileModel:
    tree, errors = parse(text, "t.lex")
    assert not errors and tree is not None
    model, problems = lower(tree, "t.lex", text)
    assert not problems
    return model


def test_parse_instrument_metadata() -> None:
    fm = _lower(
        'instrument a { title_zh "甲" rank law in_force 2013-07-01 repealed none implements b/art_47__para_2 '
        'enacted_under old_law jurisdiction "中国（上海）自由贸易试验区" source "x.md" }'
    )
    inst = fm.instruments[0]
    assert (
        inst.rank,
        str(inst.in_force),
        inst.repealed,
        inst.implements,
        inst.enacted_under,
        inst.jurisdiction,
    ) == ("law", "2013-07-01", None, ("b/art_47__para_2",), ("old_law",), "中国（上海）自由贸易试验区")


def test_parse_article_paragraph_item() -> None:
    fm = _lower(
        'instrument a { title_zh "甲" } article 6 { paragraph 1 { text "首句：" item 5 { text "（五）项；" gloss "g" } } }'
    )
    article = fm.articles[0]
    assert article.paragraphs[0].items[0] == m.Item(5, "（五）项；", "g")
    assert article.full_text() == "首句：（五）项；"


def test_parse_rule_with_defeasibility() -> None:
    fm = _lower(
        'instrument a { title_zh "甲" } strict rule r at art 1 para 2 item 3 { conclude ineligible p, q '
        "when x.y >= 5 unless z overrides other, b/art_1 }"
    )
    rule = fm.rules[0]
    assert rule.id == "a/art_1__para_2__item_3__r" and rule.strict
    assert rule.conclusions[0].permits == ("p", "q") and rule.overrides == ("other", "b/art_1")
    assert rule.when == m.Compare(">=", m.Path(("x", "y")), m.Lit(5)) and rule.unless == (m.Path(("z",)),)


def test_parse_conclusions() -> None:
    fm = _lower(
        'instrument a { title_zh "甲" } rule r { source "s" conclude requires d for p conclude condition c '
        'conclude value p.class = "A" conclude obligation go for p by residence.entry_date + 30 days }'
    )
    kinds = [(c.kind, c.name) for c in fm.rules[0].conclusions]
    assert kinds == [("requires", "d"), ("condition", "c"), ("value", "class"), ("obligation", "go")]


def test_parse_expressions_flatten_and_units() -> None:
    fm = _lower(
        'instrument a { title_zh "甲" } rule r at art 1 { conclude eligible p when all of { a, b and c, '
        'any of { d, e } , x in {"m", "n"}, s >= 450000 CNY, not f, 2013-07-01 <= decision_date } }'
    )
    when = fm.rules[0].when
    assert isinstance(when, m.And) and len(when.operands) == 8  # `b and c` joins the list
    assert m.Lit(450000, "CNY") in [o.right for o in when.operands if isinstance(o, m.Compare)]


def test_parse_points_parameters_vocabulary_and_amendment_ops() -> None:
    fm = _lower(
        'fact applicant.x: ordered enum {a, b} permit p "许可" issues d document d "文件" '
        "derive age: integer = years_between(applicant.birth_date, decision_date) "
        'amendment r { title_zh "改" } parameter pass_mark: integer = 70 "why" '
        'points t { factor f "因素" max 20 { when applicant.x >= "b" -> 20 } } '
        'insert article i 7 { paragraph 1 { text "新" } } repeal article i 3 repeal rule i/art_1'
    )
    assert fm.facts[0].type == m.FactType("enum", members=("a", "b"), ordered=True)
    assert fm.permits[0].issues == ("d",) and fm.parameters[0].default == 70
    assert fm.points[0].factors[0].cap == 20
    assert [op.kind for op in fm.amend_ops] == ["insert_article", "repeal_article", "repeal_rule"]


def test_parse_import_and_comments() -> None:
    fm = _lower('# a comment\nimport "other.lex"  # trailing comment\n')
    assert [i[0] for i in fm.imports] == ["other.lex"]


# ---------------------------------------------------------------- evaluation case files

CASES = load_scenarios(HERE / "cases")


def _context(s: Scenario) -> LawContext:
    return load_law(s.law, s.amendments, s.parameters)  # the process's law cache keeps each law once


@pytest.mark.parametrize("scenario", CASES, ids=lambda s: s.path.stem)
def test_case(scenario: Scenario) -> None:
    _, problems = check_scenario(scenario, _context(scenario))
    assert problems == [], scenario.description


def test_trace_names_the_priority_principle() -> None:
    case = next(s for s in CASES if s.path.stem == "rank_sets_aside_lower_refusal")
    decision = _context(case).decide(case.application)
    work = next(d for d in decision.decisions if d.permit == "work_permit")
    set_aside = next(g for g in work.grounds if g.rule.endswith("no_independent"))
    assert set_aside.overridden_by == "fixture_law/art_1__para_1__item_1__contract"
    assert set_aside.principle == "rank: 上位法优于下位法"


def test_values_points_and_obligations_in_detail() -> None:
    case = next(s for s in CASES if s.path.stem == "contract_grants_work_permit")
    app = {
        **case.application,
        "residence": {"entry_date": "2024-05-10", "entry_visa": "Z"},
        "applicant": {**case.application["applicant"], "education": "master"},
    }
    decision = _context(case).decide(app)
    by = {d.permit: d for d in decision.decisions}
    assert by["work_permit"].detail["class"] == "B"
    assert by["work_residence_permit"].detail["obligations"][0]["deadline"] == "2024-06-09"
    rich = {**app, "employment": {**app["employment"], "annual_salary_cny": 600000}}
    assert {d.permit: d for d in _context(case).decide(rich).decisions}["work_permit"].detail["class"] == "A"
