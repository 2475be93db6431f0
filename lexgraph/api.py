"""lexgraph's public API: the law loaded once, then decided, explained, analysed, diffed, its impact
measured and its obligations monitored. The command line, the service and the docs call these.

    from lexgraph import load_law, decide

    law = load_law()                                   # the bundled corpus
    decision = decide(law, application)                # reasons and citations in decision.decisions

Each function takes and returns the engine's own types; none prints. Errors are the members of one
hierarchy (`Error`, see engine/errors.py), each carrying its exit code and HTTP status. Functions
that need an optional library import it when called: `analyze` needs z3 (the `analysis` extra),
`impact` Dask and pyarrow (`impact`), `monitor` durable_rules (`monitor`); `load_law` and `decide`
need none of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lexgraph.compliance.decisions import LawContext
from lexgraph.engine.diagnostics import Diagnostic, LexgraphError  # LexgraphError: SourceError's old name
from lexgraph.engine.errors import (
    AcknowledgementError,
    ApplicationError,
    AuditError,
    Error,
    InputError,
    InternalError,
    MonitorInputError,
    MonitorUnavailable,
    PopulationError,
    ScenarioError,
    SourceError,
    Unavailable,
    UsageError,
)
from lexgraph.engine.trace import Decision

if TYPE_CHECKING:
    from lexgraph.compliance.analysis import Report
    from lexgraph.compliance.coverage import CoverageReport, Scenario
    from lexgraph.compliance.diff import AmendmentDiff
    from lexgraph.compliance.monitor import Watched
    from lexgraph.engine.check import Law


def load_law(
    law_dirs: list[Path] | None = None,
    amendments: list[Path] | None = None,
    parameters: Mapping[str, str] | None = None,
    exclude: list[Path] | None = None,
) -> LawContext:
    """The law to decide by: the regulation folders (default: the bundled corpus) with the amendments
    applied in order and their parameters set, checked and compiled once. `exclude` leaves out
    amendments that sit inside a folder. Raises SourceError with every diagnostic."""
    return LawContext.load(law_dirs, list(amendments or []), dict(parameters or {}), exclude)


def check(law_dirs: list[Path], amendments: list[Path] | None = None) -> tuple[Law | None, list[Diagnostic]]:
    """Parse and check regulation sources (folders or files), then each amendment parsed alone, applied
    and the amended law checked again: the law, or every diagnostic at once."""
    from lexgraph.engine.pipeline import check_law

    checked: tuple[Law | None, list[Diagnostic]] = check_law(law_dirs, list(amendments or []))
    return checked


def decide(law: LawContext, application: dict[str, Any], as_of: dt.date | None = None) -> Decision:
    """Decide every permit the application requests, each with its grounds and citations, by the law
    in force on `as_of` (default: the application's decision_date). Raises ApplicationError."""
    return law.decide(application, as_of, trace=True)


def explain(
    law: LawContext, application: dict[str, Any], permit: str, as_of: dt.date | None = None
) -> Decision:
    """The proof tree for one permit: why it is granted, and why not (every unmet condition)."""
    return law.decide({**application, "requested": [permit]}, as_of, trace=True)


def analyze(
    law: LawContext,
    as_of: dt.date,
    timeout_ms: int | None = None,
    acknowledged: dict[str, str] | None = None,
    structural: bool = False,
) -> Report:
    """Static analysis of the law in force on `as_of`: conflicts, redundant, masked and dead norms,
    dangling references, undecidable outcomes — each with a witness application (needs z3)."""
    from lexgraph.compliance.analysis import DEFAULT_TIMEOUT_MS
    from lexgraph.compliance.analysis import analyze as run

    return run(
        law,
        as_of,
        DEFAULT_TIMEOUT_MS if timeout_ms is None else timeout_ms,
        acknowledged or {},
        structural=structural,
    )


def diff(baseline: LawContext, amended: LawContext) -> AmendmentDiff:
    """What an amendment changes: articles, rules, the permits it can reach, and conflicts."""
    from lexgraph.compliance.diff import diff as run

    return run(baseline, amended)


def impact(
    population: Path,
    amendments: list[Path],
    parameters: Mapping[str, str] | None = None,
    law_dirs: list[Path] | None = None,
    as_of: dt.date | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    examples: int = 2,
    progress: Callable[[int, int], None] | None = None,
    chunk_rows: int | None = None,
) -> dict[str, Any]:
    """How `amendments` change the decisions of a population file (.parquet or .jsonl), and why: the
    impact report as JSON-ready data (needs Dask and pyarrow). `chunk_rows`: rows decided per task."""
    from lexgraph.compliance.impact import impact as run

    chunking = {"chunk_rows": chunk_rows} if chunk_rows is not None else {}
    report: dict[str, Any] = run(
        population,
        amendments,
        dict(parameters or {}),
        law_dirs,
        as_of,
        workers,
        scheduler,
        examples,
        progress,
        **chunking,
    )
    return report


def monitor(
    law: LawContext, events: Path, as_of: dt.date | None = None, engine: str = "durable"
) -> tuple[dt.date, dict[str, list[Watched]]]:
    """Obligations over each case's timeline in an events file (JSON lines): the day reported on
    (`as_of`, default the latest event) and, per case, each duty met, open, breached or violated.
    `engine` is "durable" (durable_rules) or "reference" (plain Python)."""
    from lexgraph.compliance.monitor import as_of_day, read_events
    from lexgraph.compliance.monitor import monitor as run
    from lexgraph.engine.obligations import plan

    cases = read_events(events)
    day = as_of_day(cases, as_of)
    return dt.date.fromordinal(day), run(cases, plan(law.law), day, engine)


def run_scenarios(
    paths: list[Path], law_dirs: list[Path] | None = None
) -> list[tuple[Scenario, Decision, list[str]]]:
    """Every scenario file under `paths` decided under its own law; each with how it differs from
    what it expects (an empty list: it passes)."""
    from lexgraph.compliance.coverage import run_scenarios as run

    return [result for root in paths for result in run(root, law_dirs)]


def coverage(
    scenarios: Path, law_dirs: list[Path] | None = None, timelines: Path | None = None
) -> CoverageReport:
    """Which rules and articles no scenario under `scenarios` exercises, which scenarios fail, and which
    duties and prohibitions no timeline exercises (`timelines`, by default beside the scenarios)."""
    from lexgraph.compliance.coverage import coverage as run

    return run(scenarios, law_dirs, timelines)


__all__ = [
    "AcknowledgementError",
    "ApplicationError",
    "AuditError",
    "Decision",
    "Error",
    "InputError",
    "InternalError",
    "LawContext",
    "LexgraphError",
    "MonitorInputError",
    "MonitorUnavailable",
    "PopulationError",
    "ScenarioError",
    "SourceError",
    "Unavailable",
    "UsageError",
    "analyze",
    "check",
    "coverage",
    "decide",
    "diff",
    "explain",
    "impact",
    "load_law",
    "monitor",
    "run_scenarios",
]
