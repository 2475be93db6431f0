"""`lexgraph coverage SCENARIOS`: which articles and rules no scenario exercises (and failing
scenarios); a gate: exit 1 if anything is uncovered or fails."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from lexgraph.api import coverage


def run(args: argparse.Namespace) -> int:
    report = coverage(args.scenarios, args.law, args.timelines)
    if args.format == "json":
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        for path, problems in report.failures.items():
            for p in problems:
                print(f"FAIL {path}: {p}")
        for r in report.rules_uncovered:
            print(f"uncovered rule: {r}")
        for a in report.articles_uncovered:
            print(f"uncovered article: {a}")
        for d in report.duties_uncovered:
            print(f"uncovered duty: {d} (no timeline under {report.timelines} exercises it)")
        covered = report.rules_total - len(report.rules_uncovered)
        print(
            f"rules covered: {covered}/{report.rules_total}; articles with rules covered: "
            f"{report.articles_total - len(report.articles_uncovered)}/{report.articles_total}; "
            f"text-only articles: {len(report.articles_without_rules)}; failing scenarios: {len(report.failures)}"
            + (
                f"; duties exercised by timelines: {report.duties_total - len(report.duties_uncovered)}/{report.duties_total}"
                if report.timelines
                else ""
            )
        )
    bad = report.failures or report.rules_uncovered or report.articles_uncovered or report.duties_uncovered
    if bad:
        print("coverage gate failed", file=sys.stderr)
    return 1 if bad else 0


def register(sub: Any) -> None:
    p = sub.add_parser(
        "coverage", help="which articles and rules no scenario exercises (and failing scenarios)"
    )
    p.add_argument("scenarios", type=Path)
    p.add_argument("--law", type=Path, action="append")
    p.add_argument(
        "--timelines",
        type=Path,
        default=None,
        help="timeline folder whose *.jsonl exercise the duties and prohibitions (default: SCENARIOS/../timelines)",
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=run)
