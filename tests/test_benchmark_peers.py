"""The benchmark's peer encodings (Cedar policies, durable_rules ruleset) must decide permanent
residence exactly as lexgraph does, so that benchmarks/decide.py compares the same rules. Runs the
three real engines on ~200 fully-known generated applications; a change to the corpus that the
peers do not follow fails here."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's `benchmarks` package

from lexgraph.api import LawContext, load_law  # noqa: E402
from lexgraph.compliance.applications import validate_application  # noqa: E402

from benchmarks.peers import durable_pr  # noqa: E402
from benchmarks.peers.cedar_pr import CedarPR  # noqa: E402
from benchmarks.workload import boundary_applications, generate, pr_fully_known, pr_law_dir  # noqa: E402

PR = "permanent_residence"
N = 280  # → about 200 fully-known applications; every peer rule decides at least one of them


@pytest.fixture(scope="module")
def apps() -> list[dict[str, Any]]:
    return generate(N)


@pytest.fixture(scope="module")
def full() -> LawContext:
    return load_law()


@pytest.fixture(scope="module")
def pr_ctx(full: LawContext, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LawContext]:
    with pr_law_dir(full, tmp_path_factory.mktemp("bench")) as (law_dir, _kept):
        yield load_law([law_dir])


def test_workload_follows_the_contract_and_is_deterministic(apps: list[dict[str, Any]]) -> None:
    for app in apps:
        validate_application(app)
    assert generate(N) == apps
    assert generate(N, seed=1) != apps
    known = sum(pr_fully_known(a) for a in apps)
    assert 150 <= known < N  # both fully-known and partly-unknown applications


def test_slice_decides_permanent_residence_like_the_whole_corpus(
    apps: list[dict[str, Any]], full: LawContext, pr_ctx: LawContext
) -> None:
    assert {r.instrument for r in pr_ctx.law.rules.values()} >= {"pr_measures"}
    assert len(pr_ctx.law.rules) < len(full.law.rules)
    for app in apps:  # unknown facts included: the slice must keep the three-valued outcome too
        assert (
            pr_ctx.evaluator.evaluate(app, trace=False).o[PR]
            == full.evaluator.evaluate(app, trace=False).o[PR]
        ), app["id"]


def test_three_engines_agree_on_fully_known_applications(
    apps: list[dict[str, Any]], pr_ctx: LawContext
) -> None:
    cedar = CedarPR()
    known = [a for a in apps if pr_fully_known(a)]
    assert len(known) >= 180
    decided_by: Counter[str] = Counter()
    outcomes: Counter[bool | None] = Counter()
    for app in known:
        lex = pr_ctx.evaluator.evaluate(app, trace=True).o[PR]
        allowed, reasons, errors = cedar.explain(app)
        rule = durable_pr.decide_rule(app)
        assert not errors, (app["id"], errors)  # a fully-known application never trips a Cedar policy
        assert lex is allowed is (rule in durable_pr.GRANTS), (app["id"], lex, reasons, rule)
        outcomes[lex] += 1
        decided_by.update(reasons)
    assert outcomes[True] >= 10 and outcomes[False] >= 10
    # every Cedar policy decided some application, so none can drift unnoticed
    policies = {f"pr_measures/art_6__para_1__item_{n}" for n in range(1, 8)} | {"pr_measures/refusal"}
    assert set(decided_by) == policies


def test_three_engines_agree_on_every_threshold(pr_ctx: LawContext) -> None:
    cedar = CedarPR()
    cases = boundary_applications()
    outcomes: Counter[bool | None] = Counter()
    for app in cases:
        validate_application(app)
        assert pr_fully_known(app)
        lex = pr_ctx.evaluator.evaluate(app, trace=True).o[PR]
        assert lex is cedar.decide(app) is durable_pr.decide(app), app["id"]
        outcomes[lex] += 1
    assert outcomes[True] >= 50 and outcomes[False] >= 50 and len(cases) >= 200


def test_an_unknown_fact_leaves_lexgraph_undetermined_where_the_peers_must_guess(pr_ctx: LawContext) -> None:
    """Why only fully-known applications are compared: a two-valued peer answers anyway."""
    app = next(
        a
        for a in generate(N)
        if pr_fully_known(a)
        and pr_ctx.evaluator.evaluate(a).o[PR] is True
        and a["applicant"]["criminal_record"] is False
    )
    unknown = {**app, "applicant": {k: v for k, v in app["applicant"].items() if k != "criminal_record"}}
    assert pr_ctx.evaluator.evaluate(unknown).o[PR] is None
    assert CedarPR().decide(unknown) is False and durable_pr.decide(unknown) is False
