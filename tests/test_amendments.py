"""Amendments as values, the content-keyed law cache, the law sent to workers by content, and
quotas as a declared construct (issue 16)."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import shutil
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from lexgraph.compliance.cli import main
from lexgraph.compliance.decisions import CONTEXTS, LawContent, LawContext
from lexgraph.compliance.impact import LawSpec, _to_ipc, evaluate_chunk, evaluate_ipc_chunk, impact
from lexgraph.compliance.population import generate, write
from lexgraph.engine import pipeline
from lexgraph.engine.amend import Amendment, amend
from lexgraph.engine.diagnostics import LexgraphError
from lexgraph.engine.model import SourceFile
from lexgraph.engine.pipeline import LRU, load_law, read_amendment

ROOT = Path(__file__).resolve().parent.parent
REGULATIONS = ROOT / "regulations"
REFORM = REGULATIONS / "amendments" / "independent_application.lex"
FIXTURE = Path(__file__).parent / "impact" / "fixture_independent.lex"

HEADER = """amendment probe {
  title_zh "探针"
  status proposed
  amends pr_measures
}
"""


def _amendment(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "probe.lex"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _errors(tmp_path: Path, body: str) -> list[Any]:
    path = _amendment(tmp_path, body)
    with pytest.raises(LexgraphError) as error:
        load_law([REGULATIONS], [path])
    return error.value.diagnostics


# ------------------------------------------------------------------ amendments as values


def test_an_amendment_parses_alone_and_applies_as_a_value() -> None:
    value = read_amendment(REFORM)  # no baseline needed to parse and lower it
    assert isinstance(value, Amendment) and value.ids == ("independent_application",)
    assert any(r.id.endswith("independent_pr") for f in value.files for r in f.rules)
    baseline = load_law([REGULATIONS])
    amended = amend(baseline, value)
    assert amended.applied_amendments == ("independent_application",)
    assert (
        set(amended.rules) > set(baseline.rules) and not baseline.applied_amendments
    )  # the baseline is untouched
    assert amend(baseline, ()) is baseline


def test_unknown_references_are_errors_at_the_amendments_own_place(tmp_path: Path) -> None:
    diagnostics = _errors(
        tmp_path,
        """
rule r {
  source "probe"
  conclude eligible permanent_residence
  when applicant.no_such_fact
  overrides pr_measures/no_such_rule
}
repeal article pr_measures 99
""",
    )
    shown = {(d.code, d.span.line) for d in diagnostics}
    assert all(d.span.path.endswith("probe.lex") for d in diagnostics), [d.render() for d in diagnostics]
    assert ("dangling_reference", 7) in shown  # the rule's span: overrides a rule the baseline lacks
    assert ("unknown_fact", 10) in shown  # the expression's span: a fact the baseline does not declare
    assert ("amendment_target", 13) in shown  # the operation's span: an article the baseline lacks


def test_the_amended_law_is_checked_again(tmp_path: Path) -> None:
    """Repealing the rule that concludes a condition leaves `met(pr_qualifying_employer)` in the
    baseline reading nothing: the merged files check, the amended law does not, and the error is
    said at the amendment's repeal."""
    body = "\nrepeal rule pr_measures/qualifying_employer\n"
    path = _amendment(tmp_path, body)
    _law, merged_only = pipeline.check_sources([REGULATIONS, path])
    assert merged_only == []  # what `check --with` looked at before: the files side by side
    diagnostics = _errors(tmp_path, body)
    assert diagnostics and all(d.span.path.endswith("probe.lex") and d.span.line == 7 for d in diagnostics)
    assert any(
        d.code == "unknown_condition"
        and "pr_qualifying_employer" in d.message
        and "in the baseline at" in d.message
        for d in diagnostics
    )
    assert main(["check", str(REGULATIONS), "--with", str(path)]) == 1


def test_set_on_an_amended_law_parses_and_checks_nothing_again() -> None:
    LawContext.load(None, [REFORM])
    counts = [
        (c.hits, c.misses)
        for c in (pipeline.FILES, pipeline.BASELINES, pipeline.AMENDMENTS, pipeline.AMENDED)
    ]
    context_misses = CONTEXTS.misses
    raised = LawContext.load(None, [REFORM], {"pass_mark": "41"})
    assert raised.law.parameter_values["pass_mark"] == 41
    after = [
        (c.hits, c.misses)
        for c in (pipeline.FILES, pipeline.BASELINES, pipeline.AMENDMENTS, pipeline.AMENDED)
    ]
    assert [m for _h, m in after] == [
        m for _h, m in counts
    ]  # no file parsed, no law checked or amended again
    assert CONTEXTS.misses == context_misses + 1  # a new plan for the new value
    assert LawContext.load(None, [REFORM], {"pass_mark": "41"}) is raised  # and kept


# ------------------------------------------------------------------ the law cache


def test_the_cache_is_keyed_by_content(tmp_path: Path) -> None:
    corpus = tmp_path / "law"
    shutil.copytree(REGULATIONS, corpus, ignore=shutil.ignore_patterns("amendments"))
    first = LawContext.load([corpus])
    assert LawContext.load([corpus]) is first
    pr = corpus / "pr_measures" / "pr_measures.lex"
    pr.write_text(
        pr.read_text(encoding="utf-8").replace("rule qualifying_employer {", "rule qualifying_employer2 {"),
        encoding="utf-8",
    )
    second = LawContext.load([corpus])  # same path, new content: a new law
    assert second is not first and "pr_measures/qualifying_employer2" in second.law.rules
    assert second.law.digest != first.law.digest


def test_lru_is_bounded_counts_and_is_thread_safe() -> None:
    lru: LRU[int, int] = LRU(3)
    made: list[int] = []

    def make(k: int) -> int:
        made.append(k)
        return k * k

    for k in (1, 2, 3, 1, 4):  # 1 is used again, so 2 is the least recently used when 4 arrives
        assert lru.get(k, lambda k=k: make(k)) == k * k
    assert len(lru) == 3 and 2 not in lru and 1 in lru and (lru.hits, lru.misses) == (1, 4)
    with pytest.raises(ValueError):
        LRU(0)
    shared: LRU[int, int] = LRU(8)
    barrier = threading.Barrier(8)

    def work(i: int) -> None:
        barrier.wait()
        for k in range(200):
            shared.get((i + k) % 20, lambda k=k: k)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(shared) == 8 and shared.hits + shared.misses == 1600


# ------------------------------------------------------------------ the law travels by content


def test_a_worker_decides_by_the_law_it_is_sent_not_by_its_disk(tmp_path: Path) -> None:
    corpus = tmp_path / "law"
    shutil.copytree(REGULATIONS, corpus, ignore=shutil.ignore_patterns("amendments"))
    spec = LawSpec(LawContent.of([corpus], [FIXTURE], {"pass_mark": "30"}))
    table = generate(300, seed=9)
    here = evaluate_chunk(spec, table)
    shutil.rmtree(corpus)  # the corpus is gone from disk (a worker with another corpus, or none)
    # a fresh interpreter (spawn: nothing inherited) builds the law from what it is sent
    with cf.ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        there = pool.submit(evaluate_ipc_chunk, spec, _to_ipc(table)).result()
    assert here.keys() == there.keys()
    assert all(np.array_equal(here[k], there[k]) for k in here if k != "n")


def test_a_law_whose_content_does_not_match_its_digest_is_refused() -> None:
    content = LawContent.of(None, [FIXTURE], {})
    first = content.baseline[0]
    tampered = replace(
        content, baseline=(SourceFile(first.path, first.text + "\n# edited\n"), *content.baseline[1:])
    )
    with pytest.raises(LexgraphError, match="digest"):
        LawContext.from_content(tampered)
    with pytest.raises(LexgraphError, match="digest"):
        evaluate_chunk(LawSpec(tampered), generate(5, seed=1))


# ------------------------------------------------------------------ quotas as a construct


def test_the_quota_is_declared_checked_and_read_by_impact(tmp_path: Path) -> None:
    law = load_law(None, [REFORM])
    (quota,) = law.quotas.values()
    assert (quota.permit, quota.counts, quota.parameter, quota.ranked_by) == (
        "permanent_residence",
        "quota.independent_grants_this_year",
        "independent_pr_quota",
        "independent_pr_points",
    )
    assert quota.through == "independent_application/art_3__para_3__independent_quota"
    population = tmp_path / "pop.parquet"
    write(generate(300, seed=4), population)
    report = impact(population, [FIXTURE], {"quota": "3"}, workers=1, examples=0)
    (q,) = report["quotas"]
    assert (q["parameter"], q["limit"], q["count_fact"], q["ranked_by"]) == (
        "quota",
        3,
        "quota.independent_grants_this_year",
        "fixture_points",
    )
    # the same amendment without the declaration: the parameter named `quota` is no quota any more
    undeclared = tmp_path / "undeclared.lex"
    text = FIXTURE.read_text(encoding="utf-8")
    undeclared.write_text(
        text[: text.index("quota independent_grants")] + text[text.index("rule independent_pr {") :],
        encoding="utf-8",
    )
    assert impact(population, [undeclared], {"quota": "3"}, workers=1, examples=0)["quotas"] == []


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        (
            "counts quota.class_c_quota_available\n  limit params.quota\n  ranked by id\n  through fixture_quota",
            "not an integer fact",
        ),
        (
            "counts quota.independent_grants_this_year\n  limit params.pass_mark_x\n  ranked by id\n  through fixture_quota",
            "not an integer parameter",
        ),
        (
            "counts quota.independent_grants_this_year\n  limit params.quota\n  ranked by points nope\n  through fixture_quota",
            "unknown points table",
        ),
        (
            "counts quota.independent_grants_this_year\n  limit params.quota\n  ranked by id\n  through independent_pr",
            "must compare",
        ),
        (
            "counts quota.independent_grants_this_year\n  limit params.quota\n  ranked by id",
            "needs `through RULE`",
        ),
    ],
)
def test_a_bad_quota_declaration_is_an_error_at_its_place(
    tmp_path: Path, declaration: str, message: str
) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    start = text.index("quota independent_grants")
    end = text.index("}", start) + 1
    path = tmp_path / "bad_quota.lex"
    path.write_text(
        text[:start]
        + "quota independent_grants for permanent_residence {\n  "
        + declaration
        + "\n}"
        + text[end:],
        encoding="utf-8",
    )
    with pytest.raises(LexgraphError) as error:
        load_law(None, [path])
    diagnostics = error.value.diagnostics
    assert any(message in d.message for d in diagnostics), [d.render() for d in diagnostics]
    assert all(
        d.span.path.endswith("bad_quota.lex") and d.span.line == text[:start].count("\n") + 1
        for d in diagnostics
    )


def test_local_workers_reading_their_own_row_groups_give_the_same_report(tmp_path: Path) -> None:
    import pyarrow.parquet as pq
    from lexgraph.compliance.population import row_groups
    from lexgraph.compliance.render import dumps

    population = tmp_path / "groups.parquet"
    pq.write_table(generate(500, seed=6), population, row_group_size=120)
    assert [rows for rows, _ in row_groups(population, 250)] == [240, 240, 20]
    inline = impact(population, [FIXTURE], {"quota": "7"}, workers=1, examples=1, chunk_rows=250)
    local = impact(population, [FIXTURE], {"quota": "7"}, workers=2, examples=1, chunk_rows=250)
    assert dumps(inline) == dumps(local) and inline["quotas"][0]["granted"] == 7
