"""Scenario files (application + expected outcome + the citation that must ground it) and coverage:
which articles and rules no scenario exercises."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lexgraph.engine.errors import ScenarioError
from lexgraph.engine.trace import Decision, RuleProof

from .decisions import LawContext


@dataclass(frozen=True)
class Scenario:
    path: Path
    description: str
    application: dict[str, Any]
    expect: list[dict[str, Any]]
    as_of: dt.date | None
    amendments: list[Path]
    parameters: dict[str, str]
    law: list[Path] | None = None  # regulation folders (default: the bundled corpus)


def load_scenarios(root: Path) -> list[Scenario]:
    if not root.exists():
        raise ScenarioError(f"`{root}` does not exist")
    files = [root] if root.is_file() else sorted(root.rglob("*.json"))
    out = []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            out.append(
                Scenario(
                    path,
                    data.get("description", ""),
                    data["application"],
                    data["expect"],
                    dt.date.fromisoformat(data["as_of"]) if data.get("as_of") else None,
                    [path.parent / a for a in data.get("with", [])],
                    {k: str(v) for k, v in data.get("set", {}).items()},
                    [path.parent / d for d in data["law"]] if data.get("law") else None,
                )
            )
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
            detail = f"missing field {error}" if isinstance(error, KeyError) else str(error).splitlines()[0]
            raise ScenarioError(f"{path}: not a scenario file: {detail}") from None
    return out


def run_scenarios(
    root: Path, law_dirs: list[Path] | None = None, base: LawContext | None = None
) -> list[tuple[Scenario, Decision, list[str]]]:
    """Decide every scenario under `root` under its own law (folders, amendments, parameters), each law
    loaded once (`base`, when given, is the law of `law_dirs` already loaded); return each with its
    decision and how it differs from what it expects."""
    scenarios = load_scenarios(root)
    out = []
    for scenario in scenarios:
        plain = not (scenario.law or scenario.amendments or scenario.parameters)
        context = (
            base
            if base is not None and plain
            else LawContext.load(scenario.law or law_dirs, scenario.amendments, scenario.parameters)
        )
        decision, problems = check_scenario(scenario, context)
        out.append((scenario, decision, problems))
    return out


def proofs(decision: Decision) -> Iterator[RuleProof]:
    """Every rule proof of a decision, sub-proofs included."""
    for d in decision.decisions:
        for g in (*d.grounds, *d.unmet):
            yield from _walk(g)


def rules_exercised(decision: Decision) -> set[str]:
    """Rules in any proof tree, and the rules that decided a value or an obligation in `detail`."""
    out = {p.rule for p in proofs(decision)}
    for d in decision.decisions:
        out |= set(d.detail.get("grounds_of_values", {}).values())
        out |= {o["rule"] for o in d.detail.get("obligations", [])}
    return out


def check_scenario(scenario: Scenario, context: LawContext) -> tuple[Decision, list[str]]:
    """Decide a scenario; return the decision and every way it differs from what is expected."""
    decision = context.decide(scenario.application, scenario.as_of)
    # a permit's grant and the cancellation of the same status held are two decisions (`kind`)
    by_permit = {(d.permit, d.kind): d for d in decision.decisions}
    problems = []
    for e in scenario.expect:
        d = by_permit.get((e["permit"], e.get("kind", "grant")))
        if d is None:
            problems.append(f"{e['permit']}: not decided" + (f" ({e['kind']})" if "kind" in e else ""))
            continue
        if d.outcome != e["outcome"]:
            problems.append(f"{e['permit']}: expected {e['outcome']}, got {d.outcome}")
        for key, value in e.get("detail", {}).items():
            if d.detail.get(key) != value:
                problems.append(
                    f"{e['permit']}: detail `{key}` expected {value!r}, got {d.detail.get(key)!r}"
                )
        cited = e.get("cited")
        if cited:
            ids = {p.rule for g in (*d.grounds, *d.unmet) for p in _walk(g)}
            ids |= set(d.detail.get("grounds_of_values", {}).values()) | {
                o["rule"] for o in d.detail.get("obligations", [])
            }
            if cited not in ids:
                problems.append(
                    f"{e['permit']}: `{cited}` is not among the grounds or unmet rules ({sorted(ids)})"
                )
            # `citation`: how the cited rule is printed — by the numbering in force on the date (国务院令第814号)
            shown = {p.citation for g in (*d.grounds, *d.unmet) for p in _walk(g) if p.rule == cited}
            if "citation" in e and e["citation"] not in shown:
                problems.append(
                    f"{e['permit']}: `{cited}` is cited as {sorted(shown)}, expected {e['citation']!r}"
                )
        if "pathway" in e and [step.document for step in d.pathway] != e["pathway"]:
            problems.append(
                f"{e['permit']}: pathway expected {e['pathway']}, got {[step.document for step in d.pathway]}"
            )
        for fact in e.get("missing", []):
            if fact not in d.missing_facts:
                problems.append(f"{e['permit']}: `{fact}` not listed as missing ({list(d.missing_facts)})")
    return decision, problems


def _walk(p: RuleProof) -> Iterator[RuleProof]:
    yield p
    for b in p.because:
        yield from _walk(b)


@dataclass(frozen=True)
class CoverageReport:
    rules_total: int
    rules_uncovered: list[str]
    articles_total: int
    articles_uncovered: list[str]
    articles_without_rules: list[str]
    failures: dict[str, list[str]]
    # duties and prohibitions (regulations/*/obligations.lex) that no timeline exercises (`timelines`)
    duties_total: int = 0
    duties_uncovered: list[str] = field(default_factory=list)
    timelines: str = ""

    def to_json(self) -> dict[str, Any]:
        return self.__dict__


def duties_exercised(timelines: Path, law: Any) -> set[str]:
    """The duties and prohibitions some timeline under `timelines` exercises: a duty any event triggers,
    a prohibition any event violates (run by the monitor's reference evaluator, as of each file's last day)."""
    from lexgraph.engine.obligations import plan

    from .monitor import MonitorInputError, as_of_day, monitor, read_events

    if not timelines.is_dir():
        raise ScenarioError(f"`{timelines}` is not a folder of timelines")
    p = plan(law)
    out: set[str] = set()
    for path in sorted(timelines.glob("*.jsonl")):
        try:
            cases = read_events(path)
        except MonitorInputError as error:
            raise ScenarioError(str(error)) from None
        for watched in monitor(cases, p, as_of_day(cases, None), "reference").values():
            out |= {w.duty.id for w in watched}
    return out


def coverage(
    scenario_root: Path, law_dirs: list[Path] | None = None, timelines: Path | None = None
) -> CoverageReport:
    """Rules and articles no scenario exercises; and, with `timelines` (by default the `timelines` folder
    beside the scenarios, when there is one), the duties and prohibitions no timeline exercises."""
    base = LawContext.load(law_dirs)
    exercised: set[str] = set()
    failures: dict[str, list[str]] = {}
    for scenario, decision, problems in run_scenarios(scenario_root, law_dirs, base):
        if problems:
            failures[str(scenario.path)] = problems
        if not scenario.law:
            exercised |= rules_exercised(decision)
    law = base.law
    rules = sorted(law.rules)
    cited_articles = {(r.citation.instrument, r.citation.article) for r in law.rules.values() if r.citation}
    covered_articles = {
        (law.rules[r].citation.instrument, law.rules[r].citation.article)
        for r in exercised
        if r in law.rules and law.rules[r].citation
    }
    fmt = lambda key: f"{key[0]}/art_{key[1]}"  # noqa: E731
    if timelines is None and (scenario_root.parent / "timelines").is_dir():
        timelines = scenario_root.parent / "timelines"
    duties = sorted(law.duties) if timelines is not None else []
    watched = duties_exercised(timelines, law) if timelines is not None else set()
    return CoverageReport(
        rules_total=len(rules),
        rules_uncovered=[r for r in rules if r not in exercised],
        articles_total=len(cited_articles),
        articles_uncovered=sorted(fmt(a) for a in cited_articles - covered_articles),
        articles_without_rules=sorted(fmt(a) for a in set(law.articles) - cited_articles),
        failures=failures,
        duties_total=len(duties),
        duties_uncovered=[d for d in duties if d not in watched],
        timelines=str(timelines or ""),
    )
