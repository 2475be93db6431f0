"""`lexgraph monitor EVENTS`: obligations over each case's timeline — met, open, breached, violated —
watched by durable_rules (or the plain-Python reference evaluator)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from lexgraph.api import monitor
from lexgraph.engine.errors import EXIT_OK

from .common import add_law_options, iso_date, law_context


def run(args: argparse.Namespace) -> int:
    from lexgraph.compliance.monitor_render import render

    context = law_context(args)
    day, results = monitor(context, args.events, args.as_of, args.engine)
    sys.stdout.write(render(results, context.law, day, args.format))
    return EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser("monitor", help="obligations over each case's timeline: met, open, breached, violated")
    p.add_argument(
        "events", type=Path, help="events.jsonl: one {case, date, type, …} a line, each case in date order"
    )
    add_law_options(p)
    p.add_argument("--as-of", type=iso_date, help="the day the report speaks for (default: the latest event)")
    p.add_argument(
        "--engine",
        choices=["durable", "reference"],
        default="durable",
        help="durable_rules (default), or the plain-Python reference evaluator",
    )
    p.add_argument("--format", choices=["text", "json", "html"], default="text")
    p.set_defaults(func=run)
