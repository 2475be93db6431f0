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
from lexgraph.compliance.analysis import Finding, Report, add_findings, analyze, finding_id
from lexgraph.compliance.applications import validate_application
from lexgraph.compliance.coverage import check_scenario, load_scenarios, proofs
from lexgraph.compliance.decisions import LawContext
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
    context = LawContext.load([FIXTURES / "planted"])
    return context, analyze(context, AS_OF)


@pytest.fixture(scope="module")
def real() -> tuple[LawContext, Report, float]:
    context = LawContext.load([REGULATIONS])
    start = time.perf_counter()
    report = analyze(context, AS_OF)
    return context, report, time.perf_counter() - start


def only(report: Report, kind: str) -> Finding:
    found = report.by_kind(kind)
    assert len(found) == 1, [f.rules for f in found]
    return found[0]


# ------------------------------------------------------------------ planted findings, each reproduced


def test_planted_conflict_is_found_unresolved_and_reproduced(planted: tuple[LawContext, Report]) -> None:
    context, report = planted
    conflicts = {f.rules: f for f in report.by_kind("conflict")}
    f = conflicts[("fixture_planted/grant_z", "fixture_planted/refuse_z")]
    assert f.resolution == {"by": "none", "winner": None} and f.gating
    assert "restrictive side stand" in f.detail["explanation"]
    validate_application(f.witness)
    decision = context.decide(f.witness)
    assert applies(decision, "fixture_planted/grant_z") is True
    assert applies(decision, "fixture_planted/refuse_z") is True
    assert outcome(decision, "z_visa") == "ineligible"  # unresolved: the restrictive side stands
    assert [g.id for g in report.gating] == [f.id]


def test_planted_masked_rule_and_its_resolved_conflict(planted: tuple[LawContext, Report]) -> None:
    context, report = planted
    f = only(report, "masked")
    assert f.rules == ("fixture_planted/grant_r_special", "fixture_planted/refuse_r")
    assert f.resolution == {"by": "override", "winner": "fixture_planted/refuse_r"}
    decision = context.decide(f.witness)
    assert applies(decision, "fixture_planted/grant_r_special") is True
    assert applies(decision, "fixture_planted/refuse_r") is True
    assert outcome(decision, "r_visa") == "ineligible"  # the winner decides
    resolved = next(c for c in report.by_kind("conflict") if c.permit == "r_visa")
    assert resolved.resolution == {"by": "override", "winner": "fixture_planted/refuse_r"} and not resolved.gating
    assert outcome(context.decide(resolved.witness), "r_visa") == "ineligible"


def test_planted_subsumption_is_proven_with_its_unsat_core(planted: tuple[LawContext, Report]) -> None:
    context, report = planted
    f = only(report, "overlap")
    assert f.detail["relation"] == "subsumes"
    assert f.detail["subsumer"] == "fixture_planted/grant_wp_a" and f.detail["subsumed"] == "fixture_planted/grant_wp_b"
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


def test_planted_gap_is_decided_by_no_rule(planted: tuple[LawContext, Report]) -> None:
    context, report = planted
    f = only(report, "gap")
    assert f.permit == "permanent_residence"
    decision = context.decide(f.witness)
    assert outcome(decision, "permanent_residence") == "ineligible"
    assert applies(decision, "fixture_planted/grant_pr") is False
    d = next(d for d in decision.decisions if d.permit == "permanent_residence")
    # no provision refuses: closure does, and the grounds are the grant's unmet conditions
    assert [g.rule for g in d.grounds] == ["fixture_planted/grant_pr"]
    assert d.grounds[0].applies is False and d.grounds[0].conditions[0].holds is False


def test_planted_dangling_document(planted: tuple[LawContext, Report]) -> None:
    context, report = planted
    f = only(report, "dangling")
    assert f.rules == ("fixture_planted/recommended",)
    assert "employer_recommendation" in f.detail["needs"][0]
    assert f.witness["holds"] == []  # the requirement fails: nothing in the law provides the document


def test_every_planted_witness_is_valid_and_verified(planted: tuple[LawContext, Report]) -> None:
    _, report = planted
    assert {f.kind for f in report.findings} == {"conflict", "overlap", "masked", "dead", "gap", "dangling"}
    for f in report.findings:
        assert f.witness is not None and f.verified is True, f.id
        validate_application(f.witness)
    assert not report.undecided


def test_compatible_rules_yield_no_finding() -> None:
    report = analyze(LawContext.load([FIXTURES / "compatible"]), AS_OF)
    assert report.findings == [] and report.stats["rules"] == 7
    # the index spared the solver most pairs
    assert report.stats["candidates"] < report.stats["pairs"]


# ------------------------------------------------------------------ the independent route


ROUTES = {
    "work_permit": ("fixture_independent_route/independent_work_permit", "work_permit_classification/employer_route"),
    "talent_confirmation_letter": ("fixture_independent_route/independent_letter", "talent_visa_measures/art_5__para_2__employer_route"),
}


def test_amendment_conflicts_resolved_in_its_favour_by_override() -> None:
    context = LawContext.load([REGULATIONS], [AMENDMENT])
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
    stripped.write_text("\n".join(line for line in text.splitlines() if not line.strip().startswith("overrides")), encoding="utf-8")
    context = LawContext.load([REGULATIONS], [stripped])
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
    "work_permit": ("independent_application/art_1__para_2__independent_work_permit", ROUTES["work_permit"][1]),
    "talent_confirmation_letter": ("independent_application/art_1__para_2__independent_confirmation_letter",
                                   ROUTES["talent_confirmation_letter"][1]),
}


@pytest.mark.skipif(not REFORM.exists(), reason="the reform amendment has not landed yet")
def test_reform_amendment_against_the_employer_requirement(tmp_path: Path) -> None:
    context = LawContext.load([REGULATIONS], [REFORM])
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
    stripped.write_text("\n".join(line for line in REFORM.read_text(encoding="utf-8").splitlines()
                                   if not line.strip().startswith("overrides")), encoding="utf-8")
    bare = analyze(LawContext.load([REGULATIONS], [stripped]), AS_OF)
    gating = {frozenset(f.rules) for f in bare.gating}
    for new, old in REFORM_ROUTES.values():
        assert frozenset((new, old)) in gating


# ------------------------------------------------------------------ the real corpus


def test_real_corpus_runs_fast_and_every_finding_has_a_reproducing_witness(real: tuple[LawContext, Report, float]) -> None:
    context, report, seconds = real
    assert seconds < 5
    assert report.stats["solver_calls"] < report.stats["pairs"]
    assert not report.undecided
    for f in report.findings:
        if f.kind != "dead":
            assert f.witness is not None and f.verified is True, f.id
            validate_application(f.witness)
    # every unresolved conflict is explained, and reproduced: both rules fire, the restrictive side stands
    for f in report.gating:
        assert f.detail["explanation"]
        decision = context.decide(f.witness)
        assert all(applies(decision, r) is True for r in f.rules)
        assert outcome(decision, f.permit) == "ineligible"
    # the R-visa talent conditions are encoded once (条例 第七条第一款第九项 reads the standard that
    # 实施办法 第四条第二款 fixes): no finding pairs the two
    assert not any(set(f.rules) == {"entry_exit_regulations/art_7__para_1__item_9__talent_conditions",
                                    "talent_visa_measures/art_4__para_2"} for f in report.findings)


def test_real_corpus_resolved_conflicts_are_decided_by_their_winner(real: tuple[LawContext, Report, float]) -> None:
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
    first = analyze(LawContext.load([FIXTURES / "planted"]), AS_OF)
    second = analyze(LawContext.load([FIXTURES / "planted"]), AS_OF)
    assert [f.id for f in first.findings] == [f.id for f in second.findings]


# ------------------------------------------------------------------ the z3 encoding is the evaluator's


def test_symbolic_encoding_agrees_with_the_evaluator_on_every_scenario() -> None:
    """Pin each scenario application's facts in z3: every rule's applicability and every permit's
    outcome must come out exactly (true / false / unknown) as the compiled evaluator computes them."""
    context = LawContext.load([REGULATIONS])
    # z3 searches applications filed on their decision date (engine/symbolic.py: application_date)
    scenarios = [s for s in load_scenarios(ROOT / "tests" / "scenarios") if not s.amendments and not s.parameters
                 and s.application.get("application_date", s.application["decision_date"]) == s.application["decision_date"]]
    assert len(scenarios) > 50
    by_date: dict[dt.date, list[dict[str, Any]]] = {}
    for s in scenarios:
        by_date.setdefault(dt.date.fromisoformat(s.application["decision_date"]), []).append(s.application)
    checked = 0
    for day, apps in sorted(by_date.items()):
        program = context.evaluator.program(day)
        sym = Symbolic(context.law, program, day)
        tris = [sym.applies(i) for i in range(len(program.rules))]
        outcomes = {p: sym.outcome(p) for p in program.plans}
        solver = z3.Solver()
        solver.add(sym.domain)
        for app in apps:
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
    assert checked == len(scenarios)


# ------------------------------------------------------------------ CLI: gate, acknowledgements, scenarios, graph


def lexgraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lexgraph.compliance.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


def test_cli_gates_on_unresolved_conflicts_and_acknowledgements_lift_the_gate(tmp_path: Path, planted: tuple[LawContext, Report]) -> None:
    _, report = planted
    fixture = str(FIXTURES / "planted")
    run = lexgraph("analyze", fixture, "--as-of", "2024-06-01", "--format", "json")
    assert run.returncode == 1, run.stderr
    data = json.loads(run.stdout)
    assert data["gating"] == [report.gating[0].id] and data["counts"]["conflict"] == 2
    ack = tmp_path / "ack.json"
    ack.write_text(json.dumps([{"id": report.gating[0].id, "reason": "reviewed: refusal qualifies the grant"}]), encoding="utf-8")
    run = lexgraph("analyze", fixture, "--as-of", "2024-06-01", "--acknowledged", str(ack))
    assert run.returncode == 0, run.stderr
    assert "acknowledged: reviewed" in run.stdout
    ack.write_text(json.dumps([{"id": report.gating[0].id}]), encoding="utf-8")
    run = lexgraph("analyze", fixture, "--as-of", "2024-06-01", "--acknowledged", str(ack))
    assert run.returncode == 1 and "$[0].reason" in run.stderr


def test_cli_emits_scenarios_that_pass_as_tests(tmp_path: Path) -> None:
    out = tmp_path / "emitted"
    run = lexgraph("analyze", str(REGULATIONS), "--as-of", "2024-06-01", "--with", str(AMENDMENT),
                   "--emit-tests", str(out), "--format", "html", "-o", str(tmp_path / "report.html"))
    assert run.returncode == 0, run.stderr  # no unresolved conflict: the reform's clauses settle its own
    assert "<table>" in (tmp_path / "report.html").read_text(encoding="utf-8")
    files = sorted(out.glob("*.json"))
    assert len(files) > 30
    contexts: dict[Any, LawContext] = {}
    for scenario in load_scenarios(out):
        key = tuple(scenario.amendments)
        if key not in contexts:
            contexts[key] = LawContext.load([REGULATIONS], list(scenario.amendments))
        assert scenario.expect
        _, problems = check_scenario(scenario, contexts[key])
        assert not problems, (scenario.path.name, problems)
    sample = json.loads(files[0].read_text(encoding="utf-8"))
    assert set(sample) >= {"description", "application", "expect"}


def test_findings_become_graph_edges(planted: tuple[LawContext, Report]) -> None:
    context, report = planted
    graph = add_findings(context.graph, report)
    kinds = {(a, b, d["kind"]) for a, b, d in graph.g.edges(data=True) if d["kind"] in ("conflicts_with", "subsumes", "masks")}
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
