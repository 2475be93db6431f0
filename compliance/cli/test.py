"""`lexgraph test [PATHS]`: scenario files run as tests (as `opa test` and `openfisca test` do): each
passes, or fails with the outcome, citation or missing fact that differs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from lexgraph.api import run_scenarios


def run(args: argparse.Namespace) -> int:
    results = run_scenarios(args.paths, args.law)
    failed = [(s, problems) for s, _, problems in results if problems]
    if args.format == "json":
        print(
            json.dumps(
                {
                    "passed": len(results) - len(failed),
                    "failed": len(failed),
                    "failures": {str(s.path): problems for s, problems in failed},
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for scenario, _, problems in results:
            if problems:
                print(f"FAIL {scenario.path}: {scenario.description}")
                for problem in problems:
                    print(f"     {problem}")
            elif args.verbose:
                print(f"PASS {scenario.path}")
        print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def register(sub: Any) -> None:
    t = sub.add_parser("test", help="run scenario files as tests: pass, or fail with what differs")
    t.add_argument("paths", type=Path, nargs="*", default=[Path("tests/scenarios")], metavar="PATH")
    t.add_argument("--law", type=Path, action="append")
    t.add_argument("--format", choices=["text", "json"], default="text")
    t.add_argument("-v", "--verbose", action="store_true", help="list passing scenarios too")
    t.set_defaults(func=run)
