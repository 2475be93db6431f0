"""A decision is a pure function of (sources, parameters, engine, application, date), and every line of
its proof is true: the date it reports, the parameter values it used, the facts it still needs, what
set a rule aside (or what it waits for), the requirements it met and the documents it counted."""

from __future__ import annotations

import copy
import datetime as dt
import gc
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lexgraph.api import LawContext, load_law
from lexgraph.compliance.coverage import load_scenarios
from lexgraph.compliance.render import decision_json, dumps
from lexgraph.engine import model as m
from lexgraph.engine.schema import contract_schema
from lexgraph.engine.trace import Decision, PermitDecision, RuleProof

ROOT = Path(__file__).resolve().parent.parent
VOCABULARY = ROOT / "regulations" / "vocabulary.lex"
REFORM = ROOT / "regulations" / "amendments" / "independent_application.lex"
EXAMPLE = json.loads((ROOT / "examples" / "engineer_pr.json").read_text(encoding="utf-8"))


def fixture_law(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "law"
    folder.mkdir(exist_ok=True)
    (folder / "fixture.lex").write_text(
        f'import "{VOCABULARY}"\n'
        'instrument fixture_decisions {\n  title_zh "决定测试用规章（夹具）"\n  rank departmental_rule\n'
        '  issuer "fixture"\n  in_force 2000-01-01\n  repealed none\n  jurisdiction "national"\n}\n' + body,
        encoding="utf-8",
    )
    return folder


def permit(decision: Decision, name: str) -> PermitDecision:
    return next(d for d in decision.decisions if d.permit == name)


def walk(proofs: tuple[RuleProof, ...]) -> list[RuleProof]:
    out: list[RuleProof] = []
    for p in proofs:
        out += [p, *walk(p.because)]
    return out


# ------------------------------------------------------------------ purity


def test_the_reported_date_is_the_decisions_own_on_a_warm_context(corpus: LawContext) -> None:
    first = corpus.decide({**EXAMPLE, "decision_date": "2020-01-01"})
    second = corpus.decide({**EXAMPLE, "decision_date": "2024-06-01"})
    assert (first.as_of, second.as_of) == ("2020-01-01", "2024-06-01")
    assert decision_json(second) == decision_json(
        load_law().decide({**EXAMPLE, "decision_date": "2024-06-01"})
    )


def test_a_value_never_carries_another_laws_parameter(tmp_path: Path) -> None:
    law = fixture_law(
        tmp_path,
        'parameter fee: integer = 100 "a fee"\n'
        'rule fee_value {\n  conclude value work_permit.fee = params.fee\n  source "fixture"\n}\n',
    )
    application = {**EXAMPLE, "requested": ["work_permit"]}
    for n in range(120):  # programs are created and collected; their addresses are reused
        context = load_law([law], parameters={"fee": str(n)})
        assert permit(context.decide(application), "work_permit").detail["fee"] == n
        del context
        gc.collect()


def test_missing_facts_come_from_the_whole_dependency_closure(tmp_path: Path) -> None:
    law = fixture_law(
        tmp_path,
        """
rule c4 { conclude condition c4  when applicant.stem_degree  source "fixture" }
rule c3 { conclude condition c3  when met(c4)  source "fixture" }
rule c2 { conclude condition c2  when met(c3)  source "fixture" }
rule c1 { conclude condition c1  when met(c2)  source "fixture" }
rule grant { conclude eligible work_permit  when met(c1)  source "fixture" }
rule grant_or {
  conclude eligible z_visa
  when any of { all of { applicant.english_proficient, applicant.chinese_hsk_level >= 5 }, applicant.holds_patent }
  source "fixture"
}
""",
    )
    context = load_law([law])
    base = {
        "id": "chain",
        "decision_date": "2024-06-01",
        "requested": ["work_permit", "z_visa"],
        "applicant": {"nationality": "FRA", "birth_date": "1980-01-01", "english_proficient": False},
    }
    decision = context.decide(base)
    assert permit(decision, "work_permit").outcome == "undetermined"
    assert permit(decision, "work_permit").missing_facts == ("applicant.stem_degree",)
    # the HSK level sits in a conjunction already false: it cannot change the outcome, so it is not asked for
    assert permit(decision, "z_visa").missing_facts == ("applicant.holds_patent",)


CASES: list[tuple[str, list[str], dict[str, str], str]] = [
    (path, amendments, parameters, day)
    for path in ("examples/engineer_pr.json", "examples/independent_talent.json")
    for amendments, parameters in (([], {}), ([str(REFORM)], {}), ([str(REFORM)], {"pass_mark": "75"}))
    for day in ("2016-03-01", "2024-06-01")
]

_DECIDE_ONE = """
import json, sys
from pathlib import Path
from lexgraph.api import LawContext, load_law
from lexgraph.compliance.render import decision_json, dumps
path, amendments, parameters, day = json.loads(sys.argv[1])
app = {**json.loads(Path(path).read_text(encoding="utf-8")), "decision_date": day}
context = load_law(None, [Path(a) for a in amendments], parameters)
sys.stdout.write(dumps(decision_json(context.decide(app))))
"""


def test_one_warm_process_decides_as_fresh_processes_do() -> None:
    warm: dict[int, str] = {}
    order = list(range(len(CASES)))
    random.Random(11).shuffle(order)
    for k in order:
        path, amendments, parameters, day = CASES[k]
        context = load_law(None, [Path(a) for a in amendments], parameters)  # warm: from the law cache
        app = {**json.loads((ROOT / path).read_text(encoding="utf-8")), "decision_date": day}
        warm[k] = dumps(decision_json(context.decide(app)))
    for k in (0, 3, 5, 6, 9, 11):  # a fresh interpreter each
        fresh = subprocess.run(
            [sys.executable, "-c", _DECIDE_ONE, json.dumps(CASES[k])],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout
        assert fresh == warm[k], CASES[k]


def test_the_engine_is_recorded_beside_the_law(corpus: LawContext) -> None:
    law = decision_json(corpus.decide(EXAMPLE))["law"]
    assert law["engine"]["version"] and len(law["engine"]["grammar"]) == 16


# ------------------------------------------------------------------ undetermined means: these facts decide it


def _bounds(path: str) -> tuple[int, int]:
    node: dict[str, Any] = contract_schema()
    for part in path.split("."):
        node = node.get("properties", {}).get(part, {})
    return int(node.get("minimum", 0)), int(min(node.get("maximum", 12), 12))


def _value(fact: m.FactDecl, draw: Any) -> Any:
    """A value the contract admits for the fact."""
    t = fact.type
    if t.kind == "bool":
        return draw(st.booleans())
    if t.kind in ("integer", "number", "duration"):
        return draw(st.integers(*_bounds(fact.path)))
    if t.kind == "money":
        return draw(st.integers(1, 2_000_000))  # a zero average salary leaves the multiple unknowable
    if t.kind == "date":
        return draw(st.dates(dt.date(1950, 1, 1), dt.date(2024, 1, 1))).isoformat()
    if t.kind == "enum":
        return draw(st.sampled_from(t.members))
    if t.kind == "set":
        return draw(
            st.lists(
                st.sampled_from(
                    [
                        "work_permit",
                        "work_permit_notice",
                        "pr_confirmation_form",
                        "talent_confirmation_letter",
                    ]
                ),
                unique=True,
            )
        )
    if t.kind == "object":
        return {}
    return "ZZZ"


def _put(app: dict[str, Any], path: str, value: Any) -> None:
    node = app
    *parents, leaf = path.split(".")
    for part in parents:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    if not (isinstance(value, dict) and isinstance(node.get(leaf), dict)):
        node[leaf] = value


def _leaves(app: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for k, v in app.items():
        if k in ("id", "decision_date", "requested", "nationality", "birth_date"):
            continue  # required by the contract
        path = f"{prefix}{k}"
        out += _leaves(v, path + ".") if isinstance(v, dict) else [path]
    return out


def _drop(app: dict[str, Any], path: str) -> None:
    node = app
    *parents, leaf = path.split(".")
    for part in parents:
        node = node[part]
    node.pop(leaf, None)


SCENARIO_APPS = [
    s.application for s in load_scenarios(ROOT / "tests" / "scenarios") if not s.amendments and not s.law
]


def scenario_leaving_facts_out(data: st.DataObject) -> dict[str, Any]:
    """A scenario's application (all permits asked for) with some of its facts left out."""
    app = copy.deepcopy(data.draw(st.sampled_from(SCENARIO_APPS)))
    app.pop("requested", None)
    leaves = _leaves(app)
    for path in (
        data.draw(st.lists(st.sampled_from(leaves), unique=True, max_size=len(leaves))) if leaves else []
    ):
        _drop(app, path)
    return app


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_undetermined_names_the_facts_that_decide_it(corpus: LawContext, data: st.DataObject) -> None:
    app = scenario_leaving_facts_out(data)
    decision = corpus.decide(app)
    for d in decision.decisions:
        if d.outcome != "undetermined":
            continue
        if "not_at_hand" in d.detail:  # it waits for a standard no fact can supply, and says which
            continue
        assert d.missing_facts, d.permit
        supplied = copy.deepcopy(app)
        for path in sorted(d.missing_facts, key=lambda p: p.count(".")):
            _put(supplied, path, _value(corpus.law.facts[path], data.draw))
        after = permit(corpus.decide(supplied), d.permit)
        assert after.outcome != "undetermined" or "not_at_hand" in after.detail, (d.permit, d.missing_facts)


# ------------------------------------------------------------------ traces that are true


def scenario(name: str) -> dict[str, Any]:
    (s,) = load_scenarios(next((ROOT / "tests" / "scenarios").rglob(f"{name}.json")))
    return s.application


def test_a_grant_lists_the_requirements_it_met(corpus: LawContext) -> None:
    z = permit(corpus.decide(scenario("z_visa_with_work_permit_notice")), "z_visa")
    assert z.outcome == "eligible"
    met = {g.rule: g for g in z.grounds if g.role == "requirement"}
    notice = met["entry_exit_regulations/art_7__para_1__item_12"]
    assert notice.satisfied is True and notice.citation.endswith("第七条第一款第十二项")
    assert "应当按照规定提交工作许可等证明材料" in notice.text


def test_single_paragraph_articles_are_cited_without_the_paragraph(corpus: LawContext) -> None:
    z = permit(corpus.decide(scenario("z_visa_with_work_permit_notice")), "z_visa")
    grant = next(g for g in z.grounds if g.rule == "entry_exit_regulations/art_6__para_1__item_12")
    assert grant.citation == "中华人民共和国外国人入境出境管理条例 第六条第十二项"


def test_a_refusal_by_closure_carries_the_unmet_conditions(corpus: LawContext) -> None:
    app = {
        **EXAMPLE,
        "applicant": {**EXAMPLE["applicant"], "criminal_record": True, "major_contribution_to_china": False},
        "requested": ["permanent_residence"],
    }
    pr = permit(corpus.decide(app), "permanent_residence")
    assert pr.outcome == "ineligible" and pr.grounds
    general = [p for p in walk(pr.grounds) if p.rule == "pr_measures/art_6__para_1__general"]
    assert general and general[0].applies is False
    assert any(
        c.expr == "applicant.criminal_record == false" and c.holds is False for c in general[0].conditions
    )


def test_a_points_condition_shows_the_total_and_each_factor(corpus: LawContext) -> None:
    wp = permit(corpus.decide(EXAMPLE), "work_permit")
    shown = [
        c.facts["points(work_permit_points)"]
        for p in walk((*wp.grounds, *wp.unmet))
        for c in p.conditions
        if "points(work_permit_points)" in c.facts
    ]
    assert shown and {"total", "by_factor"} <= set(shown[0]) and "education" in json.dumps(shown[0])


def test_a_proposal_is_never_an_instrument_in_force() -> None:
    reform = load_law(None, [REFORM])
    decision = reform.decide(EXAMPLE)
    assert "independent_application" not in decision.instruments
    assert decision.amendment_status == {"independent_application": "proposed"}
    # a proposal is cited as the paper's passage, never by article numbers of its own
    cited = {
        p.citation
        for d in decision.decisions
        for p in walk((*d.grounds, *d.unmet))
        if p.rule.startswith("independent_")
    }
    assert cited and all("（seed 00" in c and "第" not in c.split("（")[0] for c in cited), cited
    assert decision_json(decision)["law"]["amendment_status"] == {"independent_application": "proposed"}


def test_set_aside_only_by_a_rule_that_applies_else_it_waits_for_it() -> None:
    reform = load_law(None, [REFORM])
    app = {
        "id": "waits",
        "decision_date": "2024-06-01",
        "requested": ["work_permit"],
        "route": "independent",
        "applicant": {
            "nationality": "FRA",
            "birth_date": "1980-01-01",
            "criminal_record": False,
            "security_risk": False,
            "fraud_in_application": False,
            "health_ok": True,
        },
    }
    wp = permit(reform.decide(app), "work_permit")
    assert wp.outcome == "undetermined"
    employer = next(g for g in wp.grounds if g.rule == "work_permit_classification/employer_route")
    assert (
        employer.overridden_by == ""
        and employer.waits_for == "independent_application/art_1__para_2__independent_work_permit"
    )
    assert employer.stands is None


def test_a_document_counts_only_when_held(corpus: LawContext) -> None:
    """A D visa never reads the facts of a permanent-residence application nobody filed."""
    app = scenario("d_visa_holdings_unknown")
    d = permit(corpus.decide(app), "d_visa")
    assert d.outcome == "undetermined" and d.missing_facts == ("holds",)


@pytest.mark.parametrize("name", ["z_visa_notice_not_yet_held", "d_visa_pr_granted_is_not_the_form"])
def test_a_permit_granted_now_is_advice_not_a_document(corpus: LawContext, name: str) -> None:
    decision = corpus.decide(scenario(name))
    visa = next(d for d in decision.decisions if d.permit.endswith("_visa"))
    assert visa.outcome == "ineligible"
    assert "exit_entry_law/art_21__para_1__item_5" in {g.rule for g in visa.grounds}
    (step,) = visa.pathway
    assert step.outcome == "eligible" and step.authority


def test_a_cancellation_is_a_decision_of_its_own_kind_in_the_contract(corpus: LawContext) -> None:
    """法 第四十九条: the application asks about a status held (`cancellation_of`); the decision says
    `kind: cancellation` with its own outcomes, valid under both contracts, and renders back the same."""
    from jsonschema import Draft202012Validator
    from lexgraph.compliance.render import decision_from_json, render_text

    app = scenario("art49_item2_expelled_cancelled")
    Draft202012Validator(contract_schema()).validate(app)
    data = decision_json(corpus.decide(app))
    schema = json.loads((ROOT / "contract" / "decision.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(data)
    [d] = data["decisions"]  # asked alone, only the cancellation is decided
    assert (d["permit"], d["kind"], d["outcome"]) == ("permanent_residence", "cancellation", "cancelled")
    assert [g["rule"] for g in d["grounds"]] == ["exit_entry_law/art_49__para_1__item_2__cancellation"]
    assert (
        d["grounds"][0]["text"] == "（二）被处驱逐出境的；"
        and d["grounds"][0]["role"] == "cancellation_ground"
    )
    back = decision_from_json(json.loads(dumps(data)))
    assert dumps(decision_json(back)) == dumps(data)
    assert "取消 cancellation" in render_text(back)
    held = {**app, "applicant": {**app["applicant"], "expelled": False}, "residence": {}}
    d = decision_json(corpus.decide(held))["decisions"][0]
    assert d["outcome"] == "undetermined" and d["missing_facts"] == [
        "residence.below_prescribed_pr_residence_time"
    ]


# ------------------------------------------------------------------ the proof stage


def test_a_proof_read_from_the_flat_trace_is_the_proof_from_the_compiled_conditions(
    corpus: LawContext,
) -> None:
    """The proof reads a traced run's condition values by position (functions generated per program);
    an untraced run's proof evaluates each condition with the program's compiled functions instead."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # the repository's `benchmarks` package
    from benchmarks.workload import generate  # the benchmark's workload: every rule exercised both ways

    for app in generate(150, 20240601):
        traced = corpus.evaluator.evaluate(app, trace=True).decision()
        untraced = corpus.evaluator.evaluate(app, trace=False).decision()
        assert dumps(decision_json(traced)) == dumps(decision_json(untraced)), app["id"]


def test_a_decision_leaves_no_cyclic_garbage(corpus: LawContext) -> None:
    """A proof tree is freed when the last reference to it goes (a reference cycle in the builder kept
    every decision alive until the cyclic collector ran, and full collections cost ~15% of a decision)."""
    corpus.decide(EXAMPLE)  # the program and its proof shape, built once
    gc.collect()
    gc.disable()
    try:
        for day in ("2020-01-01", "2024-06-01"):
            corpus.decide({**EXAMPLE, "decision_date": day, "cancellation_of": ["work_residence_permit"]})
            corpus.decide({**EXAMPLE, "decision_date": day, "requested": []})
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_no_pathway_to_a_permit_the_law_says_is_not_needed() -> None:
    """法 第四十八条: a permanent resident works on the card; the decision does not advise the holder to
    obtain a work permit for the work-type residence permit it says is not needed."""
    scenario = json.loads(
        (ROOT / "tests/scenarios/exit_entry_law/art48_pr_holder_permits_not_needed.json").read_text(
            encoding="utf-8"
        )
    )
    decided = {d["permit"]: d for d in decision_json(load_law().decide(scenario["application"]))["decisions"]}
    assert decided["work_residence_permit"]["detail"]["needed"] is False
    assert not decided["work_residence_permit"].get("pathway")
    without = {
        **scenario["application"],
        "holds": [h for h in scenario["application"]["holds"] if h != "permanent_residence"],
    }
    pathway = {d["permit"]: d for d in decision_json(load_law().decide(without))["decisions"]}[
        "work_residence_permit"
    ].get("pathway")
    assert pathway and pathway[0]["document"] == "work_permit"  # without the card, the advice stands


def test_the_summary_is_the_full_decision_without_its_proof_tree() -> None:
    """The service logs the full decision and answers with its summary, derived from the full JSON:
    every field of the decision and of each ground, in order, but the grounds' proof trees."""
    from lexgraph.compliance.render import summary_of

    context = load_law()
    tree = ("conditions", "exceptions", "because")
    for path in sorted((ROOT / "tests/scenarios").rglob("*.json"))[:80]:
        scenario = json.loads(path.read_text(encoding="utf-8"))
        if scenario.get("amendments") or scenario.get("parameters") or scenario.get("law"):
            continue
        full = decision_json(context.decide(scenario["application"]))
        summary = summary_of(full)
        assert [k for k in summary if k != "decisions"] == [k for k in full if k != "decisions"], path.name
        assert all(summary[k] == full[k] for k in full if k != "decisions"), path.name
        for s, f in zip(summary["decisions"], full["decisions"], strict=True):
            assert list(s) == list(f), path.name
            for key in ("grounds", "unmet"):
                expected = [{k: v for k, v in g.items() if k not in tree} for g in f.get(key, [])]
                assert s.get(key, []) == expected and all("conditions" in g for g in f.get(key, [])), (
                    path.name
                )
            assert all(s[k] == f[k] for k in f if k not in ("grounds", "unmet")), path.name
