"""`lexgraph analyze`: planted findings, no false positives, the independent-route amendment, the real
corpus, acknowledgements, emitted scenarios, graph edges, and the z3 encoding against the evaluator."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import z3
from lexgraph.api import LawContext, analyze, load_law
from lexgraph.compliance.analysis import Finding, Report, add_findings, finding_id, read_acknowledged
from lexgraph.compliance.applications import validate_application
from lexgraph.compliance.coverage import check_scenario, load_scenarios, proofs
from lexgraph.engine.symbolic import Symbolic
from lexgraph.engine.trace import Decision

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "analysis"
REGULATIONS = ROOT / "regulations"
AMENDMENT = FIXTURES / "amendment" / "independent_route.lex"
REFORM = REGULATIONS / "amendments" / "independent_application.lex"
AS_OF = dt.date(2024, 6, 1)


def applies(decision: Decision, rule: str) -> bool | None:
    """Whether a rule applies in a decided witness, read from the proof trees `decide` returns."""
    seen = [p.applies for p in proofs(decision) if p.rule == rule]
    assert seen, f"{rule} is not among the grounds of the decision"
    return seen[0]


def outcome(decision: Decision, permit: str) -> str:
    return next(d.outcome for d in decision.decisions if d.permit == permit)


@pytest.fixture(scope="module")
def planted() -> tuple[LawContext, Report]:
    context = load_law([FIXTURES / "planted"])
    return context, analyze(context, AS_OF)


@pytest.fixture(scope="module")
def real() -> tuple[LawContext, Report, float]:
    context = load_law([REGULATIONS])
    start = time.perf_counter()
    report = analyze(context, AS_OF)
    return context, report, time.perf_counter() - start


def only(report: Report, kind: str) -> Finding:
    found = report.by_kind(kind)
    assert len(found) == 1, [f.rules for f in found]
    return found[0]


# ------------------------------------------------------------------ planted findings, each reproduced


def test_planted_findings_are_found_exactly(planted: tuple[LawContext, Report]) -> None:
    """One planted finding of each kind: no more, no fewer."""
    _, report = planted
    assert sorted((f.kind, f.rules) for f in report.findings) == sorted(
        [
            ("conflict", ("fixture_planted/grant_z", "fixture_planted/refuse_z")),
            ("redundant", ("fixture_planted/grant_wp_a", "fixture_planted/grant_wp_b")),
            ("masked", ("fixture_planted/grant_r_special", "fixture_planted/refuse_r")),
            ("dead", ("fixture_planted/grant_d_dead",)),
            ("dangling", ("fixture_planted/recommended",)),
            ("undecidable", ("fixture_planted/track_other",)),
        ]
    )


def test_planted_conflict_is_found_unresolved_and_reproduced(planted: tuple[LawContext, Report]) -> None:
    context, report = planted
    f = only(report, "conflict")
    assert f.rules == ("fixture_planted/grant_z", "fixture_planted/refuse_z")
    assert f.resolution == {"by": "none", "winner": None} and f.gating
    assert "restrictive side stand" in f.detail["explanation"]
    validate_application(f.witness)
    decision = context.decide(f.witness)
    assert applies(decision, "fixture_planted/grant_z") is True
    assert applies(decision, "fixture_planted/refuse_z") is True
    assert outcome(decision, "z_visa") == "ineligible"  # unresolved: the restrictive side stands
    assert {g.kind for g in report.gating} == {"conflict", "undecidable"}


def test_planted_masked_rule_is_no_conflict_of_its_own_provision(planted: tuple[LawContext, Report]) -> None:
    context, report = planted
    f = only(report, "masked")
    assert f.rules == ("fixture_planted/grant_r_special", "fixture_planted/refuse_r")
    assert f.resolution == {"by": "override", "winner": "fixture_planted/refuse_r"}
    decision = context.decide(f.witness)
    assert applies(decision, "fixture_planted/grant_r_special") is True
    assert applies(decision, "fixture_planted/refuse_r") is True
    assert outcome(decision, "r_visa") == "ineligible"  # the winner decides
    # the override is written into the one provision: an exception by construction, not a conflict
    assert not [c for c in report.by_kind("conflict") if c.permit == "r_visa"]


def test_planted_redundancy_is_proven_with_its_unsat_core(planted: tuple[LawContext, Report]) -> None:
    context, report = planted
    f = only(report, "redundant")
    assert f.detail["relation"] == "subsumes"
    assert (
        f.detail["subsumer"] == "fixture_planted/grant_wp_a"
        and f.detail["subsumed"] == "fixture_planted/grant_wp_b"
    )
    # the core names the one condition that makes it so — not the irrelevant english_proficient
    assert f.detail["core"] == {"fixture_planted/grant_wp_b": ["applicant.chinese_hsk_level >= 5"]}
    decision = context.decide(f.witness)
    assert applies(decision, "fixture_planted/grant_wp_a") is True
    assert applies(decision, "fixture_planted/grant_wp_b") is True


def test_planted_dead_rule_by_the_contracts_range(planted: tuple[LawContext, Report]) -> None:
    context, report = planted
    f = only(report, "dead")
    assert f.rules == ("fixture_planted/grant_d_dead",)
    assert f.detail["core"] == ["applicant.chinese_hsk_level > 6"]
    # the near-miss witness meets every other condition, and still the rule does not apply
    assert f.witness is not None and f.witness["applicant"]["health_ok"] is True
    decision = context.decide(f.witness)
    assert outcome(decision, "d_visa") == "eligible"  # by grant_d: the dead rule never adds anything
    evaluation = context.evaluator.evaluate(f.witness, AS_OF)
    index = next(cr.index for cr in evaluation.program.rules if cr.rule.id == "fixture_planted/grant_d_dead")
    conditions, _ = evaluation.trace[index]
    assert evaluation.applies[index] is False and list(conditions) == [False, True]


def test_planted_undecidable_outcome(planted: tuple[LawContext, Report]) -> None:
    context, report = planted
    f = only(report, "undecidable")
    assert f.permit == "job_seeking_visa" and f.detail["attribute"] == "job_seeking_visa.track"
    assert f.detail["grants"] == ["fixture_planted/grant_job_seeking"]
    decision = context.decide(f.witness)
    assert outcome(decision, "job_seeking_visa") == "ineligible"
    assert applies(decision, "fixture_planted/grant_job_seeking") is False
    d = next(d for d in decision.decisions if d.permit == "job_seeking_visa")
    # no provision refuses: closure does, and the grounds are the grant's unmet conditions
    assert [g.rule for g in d.grounds] == ["fixture_planted/grant_job_seeking"]


def test_closure_is_structural_and_listed_only_with_all() -> None:
    context = load_law([FIXTURES / "planted"])
    full = analyze(context, AS_OF, structural=True)
    closure = {f.permit: f for f in full.by_kind("closure")}
    f = closure["permanent_residence"]
    decision = context.decide(f.witness)
    assert outcome(decision, "permanent_residence") == "ineligible"
    assert applies(decision, "fixture_planted/grant_pr") is False
    # the defects are the same with and without --all
    assert [x.id for x in full.defects] == [x.id for x in analyze(context, AS_OF).findings]


def test_planted_dangling_document(planted: tuple[LawContext, Report]) -> None:
    context, report = planted
    f = only(report, "dangling")
    assert f.rules == ("fixture_planted/recommended",)
    assert "fixture_unissued_letter" in f.detail["needs"][0]
    assert f.witness["holds"] == []  # the requirement fails: nothing in the law provides the document


def test_every_planted_witness_is_valid_and_verified(planted: tuple[LawContext, Report]) -> None:
    _, report = planted
    for f in report.findings:
        assert f.witness is not None and f.verified is True, f.id
        validate_application(f.witness)
    assert not report.undecided


def test_structural_patterns_yield_no_finding() -> None:
    """Enumerated alternatives, requirements, refusal grounds, ranked values and closure are how the law
    is built: none is a finding; --all lists each under its own kind, every witness reproducing it."""
    context = load_law([FIXTURES / "compatible"])
    report = analyze(context, AS_OF)
    assert report.findings == [] and report.stats["rules"] == 11
    assert report.stats["candidates"] < report.stats["pairs"]
    full = analyze(context, AS_OF, structural=True)
    assert {f.kind for f in full.findings} == {"alternative", "requirement", "refusal_ground", "closure"}
    assert full.defects == []
    for f in full.findings:
        assert f.verified is True, f.id
    kinds = {(f.kind, f.rules) for f in full.findings}
    assert (
        "refusal_ground",
        ("fixture_compatible/degree_route", "fixture_compatible/z_refused_for_record"),
    ) in kinds
    assert ("alternative", ("fixture_compatible/class_a", "fixture_compatible/class_b")) in kinds


# ------------------------------------------------------------------ the independent route


ROUTES = {
    "work_permit": (
        "fixture_independent_route/independent_work_permit",
        "work_permit_classification/employer_route",
    ),
    "talent_confirmation_letter": (
        "fixture_independent_route/independent_letter",
        "talent_visa_measures/art_5__para_2__employer_route",
    ),
}


def test_amendment_conflicts_resolved_in_its_favour_by_override() -> None:
    context = load_law([REGULATIONS], [AMENDMENT])
    report = analyze(context, AS_OF)
    by_rules = {frozenset(f.rules): f for f in report.by_kind("conflict")}
    for permit, (new, old) in ROUTES.items():
        f = by_rules[frozenset((new, old))]
        assert f.permit == permit and f.resolution == {"by": "override", "winner": new}
        decision = context.decide(f.witness)
        assert applies(decision, new) is True and applies(decision, old) is True
        assert outcome(decision, permit) == "eligible"


def test_amendment_without_its_priority_clause_leaves_them_unresolved(tmp_path: Path) -> None:
    text = AMENDMENT.read_text(encoding="utf-8")
    stripped = tmp_path / "no_priority.lex"
    stripped.write_text(
        "\n".join(line for line in text.splitlines() if not line.strip().startswith("overrides")),
        encoding="utf-8",
    )
    context = load_law([REGULATIONS], [stripped])
    report = analyze(context, AS_OF)
    by_rules = {frozenset(f.rules): f for f in report.by_kind("conflict")}
    gating = {f.id for f in report.gating}
    for permit, (new, old) in ROUTES.items():
        f = by_rules[frozenset((new, old))]
        assert f.resolution == {"by": "none", "winner": None} and f.id in gating
        assert "outside the statutory hierarchy" in f.detail["explanation"]
        decision = context.decide(f.witness)
        assert applies(decision, new) is True and applies(decision, old) is True
        assert outcome(decision, permit) == "ineligible"


REFORM_ROUTES = {
    "work_permit": (
        "independent_application/art_1__para_2__independent_work_permit",
        ROUTES["work_permit"][1],
    ),
    "talent_confirmation_letter": (
        "independent_application/art_1__para_2__independent_confirmation_letter",
        ROUTES["talent_confirmation_letter"][1],
    ),
}


@pytest.mark.skipif(not REFORM.exists(), reason="the reform amendment has not landed yet")
def test_reform_amendment_against_the_employer_requirement(tmp_path: Path) -> None:
    context = load_law([REGULATIONS], [REFORM])
    report = analyze(context, AS_OF)
    by_rules = {frozenset(f.rules): f for f in report.by_kind("conflict")}
    for permit, (new, old) in REFORM_ROUTES.items():
        f = by_rules[frozenset((new, old))]
        assert f.resolution == {"by": "override", "winner": new} and f.verified is True
        decision = context.decide(f.witness)
        assert applies(decision, new) is True and applies(decision, old) is True
        if f.detail["winner_decides"]:
            assert outcome(decision, permit) == "eligible"
    # the same reform without its priority clauses: unresolved
    stripped = tmp_path / "independent_application.lex"
    stripped.write_text(
        "\n".join(
            line
            for line in REFORM.read_text(encoding="utf-8").splitlines()
            if not line.strip().startswith("overrides")
        ),
        encoding="utf-8",
    )
    bare = analyze(load_law([REGULATIONS], [stripped]), AS_OF)
    gating = {frozenset(f.rules) for f in bare.gating}
    for new, old in REFORM_ROUTES.values():
        assert frozenset((new, old)) in gating


# ------------------------------------------------------------------ the real corpus


def test_real_corpus_runs_fast_and_every_finding_has_a_reproducing_witness(
    real: tuple[LawContext, Report, float],
) -> None:
    context, report, seconds = real
    assert seconds < 5
    assert report.stats["solver_calls"] < report.stats["pairs"]
    assert not report.undecided
    for f in report.findings:
        if f.kind != "dead":
            assert f.witness is not None and f.verified is True, f.id
            validate_application(f.witness)
    # every unresolved conflict is explained, and reproduced: both rules fire, the restrictive side stands
    for f in (g for g in report.gating if g.kind == "conflict"):
        assert f.detail["explanation"]
        decision = context.decide(f.witness)
        assert all(applies(decision, r) is True for r in f.rules)
        assert outcome(decision, f.permit) == "ineligible"
    # the R-visa talent conditions are encoded once (条例 第七条第一款第九项 reads the standard that
    # 实施办法 第四条第二款 fixes): no finding pairs the two
    assert not any(
        set(f.rules)
        == {
            "entry_exit_regulations/art_7__para_1__item_9__talent_conditions",
            "talent_visa_measures/art_4__para_2",
        }
        for f in report.findings
    )
    # no alternative grounds of one enumerated provision, no closure among the defects
    assert not {f.kind for f in report.findings} & {"overlap", "gap", "alternative", "closure"}


def test_real_corpus_resolved_conflicts_are_decided_by_their_winner(
    real: tuple[LawContext, Report, float],
) -> None:
    context, report, _ = real
    resolved = [f for f in report.by_kind("conflict") if f.resolution and f.resolution["by"] != "none"]
    # requirements and refusal grounds are conditions of the outcome: 上位法优于下位法 never settles them
    assert "rank" not in {f.resolution["by"] for f in resolved}
    for f in resolved:
        if not f.detail.get("winner_decides"):
            continue
        decision = context.decide(f.witness)
        winner = f.resolution["winner"]
        grants = any(c.kind == "eligible" for c in context.law.rules[winner].conclusions)
        assert outcome(decision, f.permit) == ("eligible" if grants else "ineligible"), f.id


def test_finding_ids_are_stable() -> None:
    assert finding_id("conflict", ["b", "a"]) == finding_id("conflict", ["a", "b"])
    assert finding_id("conflict", ["a", "b"]) != finding_id("overlap", ["a", "b"])
    first = analyze(load_law([FIXTURES / "planted"]), AS_OF)
    second = analyze(load_law([FIXTURES / "planted"]), AS_OF)
    assert [f.id for f in first.findings] == [f.id for f in second.findings]


# ------------------------------------------------------------------ the z3 encoding is the evaluator's


def test_symbolic_encoding_agrees_with_the_evaluator_on_every_scenario() -> None:
    """Pin each scenario application's facts in z3: every rule's applicability and every permit's
    outcome must come out exactly (true / false / unknown) as the compiled evaluator computes them."""
    context = load_law([REGULATIONS])
    # z3 searches applications filed on their decision date (engine/symbolic.py: application_date)
    scenarios = [
        s
        for s in load_scenarios(ROOT / "tests" / "scenarios")
        if not s.amendments
        and not s.parameters
        and s.application.get("application_date", s.application["decision_date"])
        == s.application["decision_date"]
    ]
    assert len(scenarios) > 50
    by_date: dict[dt.date, list[dict[str, Any]]] = {}
    for s in scenarios:
        by_date.setdefault(dt.date.fromisoformat(s.application["decision_date"]), []).append(s.application)
    checked = sum(_agree(context, apps, day) for day, apps in sorted(by_date.items()))
    assert checked == len(scenarios)


# ------------------------------------------------------------------ CLI: gate, acknowledgements, scenarios, graph


def lexgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lexgraph.compliance.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_cli_gates_on_unresolved_conflicts_and_acknowledgements_lift_the_gate(
    tmp_path: Path, planted: tuple[LawContext, Report]
) -> None:
    _, report = planted
    fixture = str(FIXTURES / "planted")
    run = lexgraph("analyze", fixture, "--as-of", "2024-06-01", "--format", "json")
    assert run.returncode == 1, run.stderr
    data = json.loads(run.stdout)
    assert data["gating"] == [g.id for g in report.gating] and data["counts"]["conflict"] == 1
    ack = tmp_path / "ack.json"
    ack.write_text(
        json.dumps(
            [{"id": g.id, "reason": "reviewed: the refusal qualifies the grant"} for g in report.gating]
        ),
        encoding="utf-8",
    )
    run = lexgraph("analyze", fixture, "--as-of", "2024-06-01", "--acknowledged", str(ack))
    assert run.returncode == 0, run.stderr
    assert "acknowledged: reviewed" in run.stdout
    ack.write_text(json.dumps([{"id": report.gating[0].id}]), encoding="utf-8")
    run = lexgraph("analyze", fixture, "--as-of", "2024-06-01", "--acknowledged", str(ack))
    assert run.returncode == 1 and "$[0].reason" in run.stderr


def test_cli_emits_scenarios_that_pass_as_tests(tmp_path: Path) -> None:
    out = tmp_path / "emitted"
    run = lexgraph(
        "analyze",
        str(REGULATIONS),
        "--as-of",
        "2024-06-01",
        "--with",
        str(AMENDMENT),
        "--all",
        "--emit-tests",
        str(out),
        "--format",
        "html",
        "-o",
        str(tmp_path / "report.html"),
    )
    assert run.returncode == 0, run.stderr  # no unresolved conflict: the reform's clauses settle its own
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    # for a drafter: grouped by kind and permit, article texts side by side, the witness decided
    assert "<h2>conflict" in page and "<h3>work_permit</h3>" in page and "<blockquote lang=zh>" in page
    assert "witness, decided" in page and "明确优先条款" in page
    files = sorted(out.glob("*.json"))
    assert len(files) > 20
    for scenario in load_scenarios(out):
        assert scenario.expect
        _, problems = check_scenario(scenario, LawContext.load([REGULATIONS], list(scenario.amendments)))
        assert not problems, (scenario.path.name, problems)
    sample = json.loads(files[0].read_text(encoding="utf-8"))
    assert set(sample) >= {"description", "application", "expect"}


def test_findings_become_graph_edges(planted: tuple[LawContext, Report]) -> None:
    context, report = planted
    graph = add_findings(context.graph, report)
    kinds = {
        (a, b, d["kind"])
        for a, b, d in graph.g.edges(data=True)
        if d["kind"] in ("conflicts_with", "subsumes", "masks")
    }
    assert ("rule:fixture_planted/grant_z", "rule:fixture_planted/refuse_z", "conflicts_with") in kinds
    assert ("rule:fixture_planted/grant_wp_a", "rule:fixture_planted/grant_wp_b", "subsumes") in kinds
    assert ("rule:fixture_planted/refuse_r", "rule:fixture_planted/grant_r_special", "masks") in kinds


def test_graph_export_carries_findings() -> None:
    run = lexgraph("graph", str(FIXTURES / "planted"), "--findings", "--as-of", "2024-06-01")
    assert run.returncode == 0, run.stderr
    edges = {(e["source"], e["target"], e["kind"]) for e in json.loads(run.stdout)["edges"]}
    assert ("rule:fixture_planted/refuse_r", "rule:fixture_planted/grant_r_special", "masks") in edges
    plain = lexgraph("graph", str(FIXTURES / "planted"))
    assert "conflicts_with" not in plain.stdout


# ------------------------------------------------------------------ the reviewed list (data-driven)

REVIEWED = REGULATIONS / "findings.json"


def reviewed_reports() -> list[dict[str, Any]]:
    return list(json.loads(REVIEWED.read_text(encoding="utf-8"))["reports"])


@pytest.mark.parametrize("entry", reviewed_reports(), ids=lambda r: r["name"])
def test_default_report_is_the_reviewed_list(entry: dict[str, Any]) -> None:
    """Every finding of the default report (as of today, as CI runs it) is reviewed — id, kind, rules, what it
    means in law and what a drafter does — and nothing reviewed has silently gone. Regenerate after a corpus
    change with `lexgraph analyze regulations/ [--with FILE] --update-reviewed`, then review each TODO."""
    amendments = [REGULATIONS / w for w in entry["with"]]
    context = load_law([REGULATIONS], amendments)
    report = analyze(context, dt.date.today(), acknowledged=read_acknowledged(REVIEWED))
    found = {f.id: f for f in report.findings}
    reviewed = {e["id"]: e for e in entry["findings"]}
    assert sorted(found) == sorted(reviewed), (
        "the default report differs from the reviewed list in regulations/findings.json"
    )
    for fid, e in reviewed.items():
        f = found[fid]
        assert (e["kind"], e["permit"], tuple(e["rules"])) == (f.kind, f.permit, f.rules), fid
        for key in ("law", "drafter"):
            assert isinstance(e.get(key), str) and e[key].strip() and e[key] != "TODO", (fid, key)
        assert f.verified is True, fid
        assert not f.structural
    assert not report.gating  # the corpus gate: every gating finding is acknowledged with its reason


def test_cli_analyze_gates_the_corpus_and_prints_the_reviewed_format() -> None:
    run = lexgraph("analyze", "regulations/")
    assert run.returncode == 0, run.stderr  # acknowledged in regulations/findings.json
    bare = lexgraph("analyze", "regulations/", "--no-reviewed")
    gating = [
        f
        for f in reviewed_reports()[0]["findings"]
        if f["kind"] in ("undecidable",) or f.get("resolution") == "none"
    ]
    assert bare.returncode == (1 if gating else 0)
    listed = lexgraph("analyze", "regulations/", "--format", "reviewed")
    data = json.loads(listed.stdout)
    assert [e["id"] for e in data["findings"]] == [e["id"] for e in reviewed_reports()[0]["findings"]]
    assert all(set(e) >= {"id", "kind", "permit", "rules", "law", "drafter"} for e in data["findings"])


def test_reform_without_its_priority_clauses_is_reported_unresolved(tmp_path: Path) -> None:
    """The independent route against the employer requirement: resolved by the reform's clause; without it,
    unresolved — for the work permit and the confirmation letter, the two permits whose employer route the
    law in force states as a requirement (the R visa, the residence permit and post-holder permanent
    residence carry the employer's part in documents held or in item 2's own condition)."""
    if not REFORM.exists():
        pytest.fail("the reform amendment is part of the corpus")
    stripped = tmp_path / "independent_application.lex"
    stripped.write_text(
        "\n".join(
            line
            for line in REFORM.read_text(encoding="utf-8").splitlines()
            if not line.strip().startswith("overrides")
        ),
        encoding="utf-8",
    )
    with_clause = analyze(load_law([REGULATIONS], [REFORM]), AS_OF)
    bare = analyze(load_law([REGULATIONS], [stripped]), AS_OF)
    resolved = {
        (f.permit, f.rules)
        for f in with_clause.by_kind("conflict")
        if f.resolution == {"by": "override", "winner": f.rules[0]}
    }
    unresolved = {(f.permit, f.rules) for f in bare.gating if f.kind == "conflict"}
    permits = {p for p, _ in resolved}
    assert permits == {"work_permit", "talent_confirmation_letter"}
    # the independent grants meet the requirement by its own terms (route != "independent"): unresolved
    # without the clause; a grant that meets it only through its clause no longer competes once it is gone
    assert unresolved <= resolved
    assert {p for p, _ in unresolved} == {"work_permit", "talent_confirmation_letter"}
    # the reform adds no conflict other than these, nor any other gating finding
    assert {(f.permit, f.rules) for f in with_clause.by_kind("conflict")} == resolved
    assert not with_clause.gating or {g.kind for g in with_clause.gating} <= {"undecidable"}


# ------------------------------------------------------------------ soundness


def _generated_rule(draw: Any, k: int) -> str:
    from hypothesis import strategies as st

    atoms = [
        (
            "applicant.chinese_hsk_level",
            lambda: f"{draw(st.sampled_from(['>=', '<', '==', '!=', '>', '<=']))} {draw(st.integers(0, 7))}",
        ),
        (
            "employment.annual_salary_cny",
            lambda: f"{draw(st.sampled_from(['>=', '<']))} {draw(st.integers(0, 6)) * 100000} CNY",
        ),
        (
            "applicant.education",
            lambda: (
                f'{draw(st.sampled_from([">=", "<", "=="]))} "{draw(st.sampled_from(["secondary", "bachelor", "master"]))}"'
            ),
        ),
        ("applicant.criminal_record", lambda: draw(st.sampled_from(["== true", "== false"]))),
        ("age", lambda: f"{draw(st.sampled_from(['>=', '<']))} {draw(st.integers(18, 70))}"),
    ]
    chosen = draw(st.lists(st.sampled_from(range(len(atoms))), min_size=1, max_size=3))
    conds = []
    for n in chosen:
        path, tail = atoms[n]
        cond = f"{path} {tail()}"
        conds.append(f"not ({cond})" if draw(st.booleans()) and n != 3 else cond)
    kind = draw(st.sampled_from(["eligible", "ineligible"]))
    return (
        f"rule g{k} {{\n  conclude {kind} z_visa\n  when all of {{ {', '.join(conds)} }}\n"
        f'  source "generated §{k}"\n}}\n'
    )


def test_box_prefilter_never_drops_a_satisfiable_pair(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Property: for generated rules, every pair z3 finds jointly applicable is among the index's candidates."""
    import numpy as np
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from lexgraph.engine.boxes import BoxBuilder, BoxIndex

    header = (
        f'import "{REGULATIONS / "vocabulary.lex"}"\ninstrument generated {{\n  title_zh "生成"\n  rank departmental_rule\n'
        '  issuer "test"\n  in_force 2020-01-01\n  repealed none\n  jurisdiction "national"\n}\n'
    )

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data: Any) -> None:
        n = data.draw(st.integers(2, 6))
        text = header + "".join(_generated_rule(data.draw, k) for k in range(n))
        folder = tmp_path_factory.mktemp("boxes")
        (folder / "generated.lex").write_text(text, encoding="utf-8")
        context = load_law([folder])
        program = context.evaluator.program(AS_OF)
        sym = Symbolic(context.law, program, AS_OF)
        boxes = [BoxBuilder(sym).rule_box(i) for i in range(len(program.rules))]
        index = BoxIndex(boxes)
        solver = z3.Solver()
        solver.add(sym.domain)
        for i in range(len(program.rules)):
            others = np.array([j for j in range(len(program.rules)) if j != i], dtype=np.int64)
            candidates = {int(x) for x in index.intersecting(i, others)}
            for j in others:
                solver.push()
                solver.add(sym.applies(i)[0], sym.applies(int(j))[0])
                if solver.check() == z3.sat:
                    assert int(j) in candidates, text
                solver.pop()

    check()


def _agree(context: LawContext, apps: list[dict[str, Any]], day: dt.date) -> int:
    program = context.evaluator.program(day)
    sym = Symbolic(context.law, program, day)
    tris = [sym.applies(i) for i in range(len(program.rules))]
    outcomes = {p: sym.outcome(p) for p in program.plans}
    solver = z3.Solver()
    solver.add(sym.domain)
    checked = 0
    for app in apps:
        app = {**app, "decision_date": day.isoformat()}  # the scenarios' own dates are kept by the caller
        validate_application(app)
        ev = context.evaluator.evaluate(app, day, trace=False)
        solver.push()
        solver.add(sym.pin(app))
        assert solver.check() == z3.sat, app["id"]
        model = solver.model()

        def tri(t: tuple[Any, Any], model: Any = model) -> bool | None:
            if z3.is_true(model.eval(t[0], model_completion=True)):
                return True
            return False if z3.is_true(model.eval(t[1], model_completion=True)) else None

        for i, t in enumerate(tris):
            assert tri(t) == ev.applies[i], (app["id"], program.rules[i].rule.id)
        for p, t in outcomes.items():
            assert tri(t) == ev.o[p], (app["id"], p)
        solver.pop()
        checked += 1
    return checked


@pytest.mark.parametrize("law", ["baseline", "reform", "planted", "compatible"])
def test_symbolic_encoding_agrees_with_the_evaluator_on_generated_applications(law: str) -> None:
    """Not only the fixed scenarios: generated applications (the decide benchmark's generator, with facts
    dropped at random) come out of z3 exactly as the evaluator decides them."""
    from benchmarks.workload import generate

    dirs, amendments = {
        "baseline": ([REGULATIONS], []),
        "reform": ([REGULATIONS], [REFORM]),
        "planted": ([FIXTURES / "planted"], []),
        "compatible": ([FIXTURES / "compatible"], []),
    }[law]
    context = load_law(dirs, amendments)
    apps = generate(120, seed=14)
    assert _agree(context, apps, AS_OF) == 120


def test_update_reviewed_keeps_sentences_and_marks_new_findings(tmp_path: Path) -> None:
    """The regeneration command: reviewed sentences survive by id; a new finding reads TODO (and fails the
    reviewed-list test until someone writes what it means)."""
    corpus = tmp_path / "planted"
    corpus.mkdir()
    text = (FIXTURES / "planted" / "planted.lex").read_text(encoding="utf-8")
    (corpus / "planted.lex").write_text(
        text.replace('import "../../../', f'import "{ROOT}/'), encoding="utf-8"
    )
    run = lexgraph("analyze", str(corpus), "--as-of", "2024-06-01", "--update-reviewed")
    assert run.returncode == 1  # nothing acknowledged yet: the conflict and the undecidable outcome gate
    data = json.loads((corpus / "findings.json").read_text(encoding="utf-8"))
    entries = data["reports"][0]["findings"]
    assert data["reports"][0]["with"] == [] and len(entries) == 6
    assert all(e["law"] == "TODO" and e["drafter"] == "TODO" for e in entries)
    for e in entries:
        e["law"], e["drafter"] = f"meaning of {e['kind']}", "what to do"
        if e["kind"] in ("conflict", "undecidable"):
            e["acknowledged"] = "planted on purpose"
    (corpus / "findings.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run = lexgraph("analyze", str(corpus), "--as-of", "2024-06-01", "--update-reviewed")
    assert run.returncode == 0, run.stderr  # the acknowledgements in DIR/findings.json are read by default
    again = json.loads((corpus / "findings.json").read_text(encoding="utf-8"))["reports"][0]["findings"]
    assert [(e["law"], e["drafter"], e.get("acknowledged")) for e in again] == [
        (e["law"], e["drafter"], e.get("acknowledged")) for e in entries
    ]
    listed = json.loads(
        lexgraph("analyze", str(corpus), "--as-of", "2024-06-01", "--format", "reviewed").stdout
    )
    assert [e["id"] for e in listed["findings"]] == [e["id"] for e in entries]


def test_a_malformed_reviewed_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "findings.json"
    bad.write_text(
        json.dumps({"reports": [{"findings": [{"id": "conflict-1", "acknowledged": ""}]}]}), encoding="utf-8"
    )
    run = lexgraph("analyze", str(FIXTURES / "planted"), "--acknowledged", str(bad))
    assert run.returncode == 1 and "$.reports[0].findings[0].acknowledged" in run.stderr
    assert "Traceback" not in run.stderr
    bad.write_text('{"reports": [', encoding="utf-8")
    run = lexgraph("analyze", str(FIXTURES / "planted"), "--acknowledged", str(bad))
    assert run.returncode == 1 and f"{bad}:1:" in run.stderr and "Traceback" not in run.stderr
