"""国务院令第814号: an adopted amending decision applied by date — items inserted, later items renumbered,
citations by the numbering in force on the decision date, rule ids stable; the checker's errors for
item insertions; `lexgraph diff` of the 2013 text against the decision."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from lexgraph.api import LawContext, diff, load_law
from lexgraph.engine.evaluate import cited_text, law_numbering, render_citation
from lexgraph.engine.numbering import renumbered_text
from lexgraph.engine.pipeline import check_sources

ROOT = Path(__file__).resolve().parent.parent
REGULATIONS = ROOT / "regulations"
DECISION = REGULATIONS / "entry_exit_regulations" / "decision_2025_k_visa.lex"
TITLE = "中华人民共和国外国人入境出境管理条例"
Z_GRANT = "entry_exit_regulations/art_6__para_1__item_12"
R_GRANT = "entry_exit_regulations/art_6__para_1__item_9"
Z_DOCS = "entry_exit_regulations/art_7__para_1__item_12"
K_GRANT = "decision_2025_k_visa/entry_exit_regulations__art_6__para_1__item_6__k_visa"


def _sheet(corpus: LawContext, day: str, rule_id: str) -> tuple[str, str]:
    program = corpus.evaluator.program(dt.date.fromisoformat(day))
    index = next(i for i, cr in enumerate(program.rules) if cr.rule.id == rule_id)
    return program.sheets[index].citation, program.sheets[index].text


@pytest.mark.parametrize(
    ("day", "z6", "z7", "r6"),
    [
        ("2013-09-01", "第六条第十二项", "第七条第一款第十二项", "第六条第九项"),
        ("2025-09-30", "第六条第十二项", "第七条第一款第十二项", "第六条第九项"),
        ("2025-10-01", "第六条第十三项", "第七条第一款第十三项", "第六条第十项"),
        ("2030-01-01", "第六条第十三项", "第七条第一款第十三项", "第六条第十项"),
    ],
)
def test_citations_follow_the_numbering_in_force(
    corpus: LawContext, day: str, z6: str, z7: str, r6: str
) -> None:
    citation, text = _sheet(corpus, day, Z_GRANT)
    assert citation == f"{TITLE} {z6}"
    assert text.startswith(f"({z6.split('条第')[1][:-1]})Z字签证")  # the enumerator moves with the number
    assert _sheet(corpus, day, Z_DOCS)[0] == f"{TITLE} {z7}"
    assert _sheet(corpus, day, R_GRANT)[0] == f"{TITLE} {r6}"


def test_the_decision_is_in_force_from_its_date_and_the_k_visa_with_it(corpus: LawContext) -> None:
    law = corpus.law
    assert "decision_2025_k_visa" not in law.instruments_in_force(dt.date(2025, 9, 30))
    assert "decision_2025_k_visa" in law.instruments_in_force(dt.date(2025, 10, 1))
    assert "decision_2025_k_visa" not in law.applied_amendments  # in force, not a proposal applied
    before = corpus.evaluator.program(dt.date(2025, 9, 30))
    after = corpus.evaluator.program(dt.date(2025, 10, 1))
    assert before is not after
    assert K_GRANT not in {cr.rule.id for cr in before.rules} and K_GRANT in {
        cr.rule.id for cr in after.rules
    }
    assert _sheet(corpus, "2025-10-01", K_GRANT) == (
        f"{TITLE} 第六条第六项",
        "(六)K字签证,发给入境的外国青年科技人才",
    )


def test_rule_ids_and_the_2013_text_are_untouched(corpus: LawContext) -> None:
    law = corpus.law
    article = law.articles[("entry_exit_regulations", 6)]
    assert [i.number for i in article.paragraphs[0].items] == list(range(1, 13))
    assert article.paragraphs[0].items[5].text.startswith("(六)L字签证")
    consolidated = law_numbering(law).article("entry_exit_regulations", 6)
    assert consolidated is not None
    items = consolidated.paragraphs[0].items
    assert [i.number for i in items] == list(range(1, 14))
    assert items[5].text.startswith("(六)K字签证") and items[6].text.startswith("(七)L字签证")
    assert items[12].text.startswith("(十三)Z字签证")
    assert Z_GRANT in law.rules
    assert law.rules[Z_GRANT].citation is not None and law.rules[Z_GRANT].citation.item == 12


def test_a_decision_header_lists_the_decision_among_the_instruments(corpus: LawContext) -> None:
    app = json.loads(
        (ROOT / "tests/scenarios/entry_exit_regulations/k_visa_young_talent_with_proof.json").read_text()
    )
    decision = corpus.decide(app["application"])
    assert "decision_2025_k_visa" in decision.instruments and decision.amendments == ()
    old = corpus.decide({**app["application"], "decision_date": "2025-09-30"})
    assert "decision_2025_k_visa" not in old.instruments


def test_render_citation_without_a_date_uses_the_latest_numbering(corpus: LawContext) -> None:
    law = corpus.law
    assert render_citation(law, law.rules[Z_GRANT]) == f"{TITLE} 第六条第十三项"
    assert render_citation(law, law.rules[Z_GRANT], law_numbering(law, ())) == f"{TITLE} 第六条第十二项"
    numbers = law_numbering(law)
    c = numbers.cite_rule(law.rules[Z_GRANT], law.instruments)
    assert cited_text(law, c, numbers).startswith("(十三)Z字签证")


def test_renumbered_text_keeps_the_brackets() -> None:
    assert renumbered_text("(十二)Z字签证", 13) == "(十三)Z字签证"
    assert renumbered_text("（九）某项", 10) == "（十）某项"
    assert renumbered_text("无编号", 3) == "无编号"


# ------------------------------------------------------------------ the checker


def _errors(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    extra = tmp_path / "extra.lex"
    extra.write_text(text, encoding="utf-8")
    _, diagnostics = check_sources([REGULATIONS, extra])
    return [(d.code, d.message) for d in diagnostics]


HEAD = """amendment bad_decision {
  title_zh "测试决定"
  status adopted
  rank administrative_regulation
  in_force 2026-01-01
  amends entry_exit_regulations
}
"""


def test_an_item_cannot_be_inserted_beyond_the_last_plus_one(tmp_path: Path) -> None:
    # after 国务院令第814号, 第六条 has 13 items: 14 is the last place an item can go, 15 is not
    assert (
        _errors(
            tmp_path, HEAD + 'insert item entry_exit_regulations art 6 para 1 item 14 { text "(十四)测试" }'
        )
        == []
    )
    errors = _errors(
        tmp_path, HEAD + 'insert item entry_exit_regulations art 6 para 1 item 15 { text "(十五)测试" }'
    )
    assert [c for c, _ in errors] == ["amendment_target"] and "has 13 items" in errors[0][1]


def test_an_item_needs_an_encoded_paragraph(tmp_path: Path) -> None:
    errors = _errors(
        tmp_path, HEAD + 'insert item entry_exit_regulations art 6 para 3 item 1 { text "(一)测试" }'
    )
    assert [c for c, _ in errors] == ["amendment_target"]


def test_an_adopted_amendment_applies_by_date_only_item_insertions(tmp_path: Path) -> None:
    errors = _errors(tmp_path, HEAD + "repeal article entry_exit_regulations 15")
    assert [c for c, _ in errors] == ["amendment_target"] and "applies by date" in errors[0][1]


def test_an_adopted_amendment_needs_its_date(tmp_path: Path) -> None:
    errors = _errors(tmp_path, HEAD.replace("  in_force 2026-01-01\n", ""))
    assert [c for c, _ in errors] == ["missing_metadata"]


def test_an_amendment_cites_by_the_numbering_it_leaves(tmp_path: Path) -> None:
    # 国务院令第814号 leaves 13 items in 第六条: item 13 of it exists for a later decision, 14 does not
    ok = HEAD + "rule z at entry_exit_regulations art 6 para 1 item 13 {\n  conclude eligible k_visa\n}\n"
    assert _errors(tmp_path, ok) == []
    bad = HEAD + "rule z at entry_exit_regulations art 6 para 1 item 14 {\n  conclude eligible k_visa\n}\n"
    assert [c for c, _ in _errors(tmp_path, bad)] == ["dangling_citation"]
    other = HEAD + "rule z at exit_entry_law art 21 para 1 item 1 {\n  conclude eligible k_visa\n}\n"
    errors = _errors(tmp_path, other)
    assert [c for c, _ in errors] == ["dangling_citation"] and "cites only instruments it amends" in errors[
        0
    ][1]


def test_only_an_amendment_cites_another_instrument(tmp_path: Path) -> None:
    text = "part of pr_measures\nrule x at entry_exit_regulations art 6 para 1 item 2 {\n  conclude eligible d_visa\n}\n"
    assert [c for c, _ in _errors(tmp_path, text)] == ["bad_citation"]


def test_part_of_an_unknown_instrument_is_an_error(tmp_path: Path) -> None:
    text = "part of no_such_law\nrule x at art 1 {\n  conclude eligible d_visa\n}\n"
    assert "unknown_instrument" in [c for c, _ in _errors(tmp_path, text)]


# ------------------------------------------------------------------ lexgraph diff


def test_diff_shows_the_table_of_amendments_with_the_renumbering() -> None:
    d = diff(load_law([REGULATIONS], exclude=[DECISION]), load_law([REGULATIONS]))
    changed = {(a.instrument, a.number): a for a in d.articles}
    art6 = changed[("entry_exit_regulations", 6)]
    assert art6.change == "replaced" and art6.by == "decision_2025_k_visa"
    assert (
        "(十二)Z字签证" in art6.old_text
        and "(十三)Z字签证" in art6.new_text
        and "(六)K字签证" in art6.new_text
    )
    assert changed[("entry_exit_regulations", 7)].new_text.count("(十三)申请Z字签证") == 1
    rules = {r.rule: r for r in d.rules}
    assert rules[K_GRANT].change == "added"
    z = rules[Z_GRANT]
    assert (z.change, z.old_citation, z.citation) == (
        "renumbered",
        f"{TITLE} 第六条第十二项",
        f"{TITLE} 第六条第十三项",
    )
    moved = {
        r.id
        for r in load_law([REGULATIONS]).law.rules.values()
        if r.instrument == "entry_exit_regulations"
        and r.citation
        and (r.citation.article, r.citation.paragraph) in ((6, 1), (7, 1))
        and r.citation.item >= 6
    }
    assert {r.rule for r in d.rules if r.change == "renumbered"} == moved and len(moved) >= 6
    assert d.amendments[0]["status"] == "adopted"


def test_diff_command_prints_the_table(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "lexgraph.compliance.cli", "diff", str(REGULATIONS), "--with", str(DECISION)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert (
        "修改决定 amending decision: decision_2025_k_visa" in out.stdout and "国务院令第814号" in out.stdout
    )
    assert "序号调整 renumbered: entry_exit_regulations/art_6__para_1__item_12" in out.stdout
    assert "was: 中华人民共和国外国人入境出境管理条例 第六条第十二项" in out.stdout


def test_a_rule_of_a_local_instrument_states_its_jurisdiction(tmp_path: Path) -> None:
    local = (
        'instrument some_city_guide {\n  title_zh "某市办事指南"\n  rank normative_document\n  in_force 2020-01-01\n'
        '  jurisdiction "上海市"\n}\n'
    )
    unguarded = (
        local
        + 'rule r {\n  source "guide"\n  conclude eligible permanent_residence\n  when holds(work_permit)\n}\n'
    )
    errors = _errors(tmp_path, unguarded)
    assert [c for c, _ in errors] == [
        "jurisdiction_unguarded"
    ] and 'employment.work_jurisdiction == "上海市"' in errors[0][1]
    guarded = local + (
        'rule r {\n  source "guide"\n  conclude eligible permanent_residence\n'
        '  when employment.work_jurisdiction == "上海市" and holds(work_permit)\n}\n'
    )
    assert _errors(tmp_path, guarded) == []
