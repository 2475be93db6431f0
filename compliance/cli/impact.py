"""`lexgraph impact POPULATION --with AMENDMENT`: how an amendment changes the decisions of a
population, and why (text, JSON or HTML), with a progress bar on a terminal."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lexgraph.api import impact
from lexgraph.compliance.render import dumps
from lexgraph.engine.errors import EXIT_OK, InputError, PopulationError, UsageError

from .common import add_law_options, iso_date, progress_bar, write_output


def run(args: argparse.Namespace) -> int:
    if not args.amendments:
        raise UsageError("--with AMENDMENT is required")
    if not args.population.is_file():
        raise PopulationError(f"{args.population}: no such population file")
    try:
        with progress_bar("deciding") as progress:
            report = _impact(args, progress)
    except FileNotFoundError as error:
        raise InputError(str(error)) from None
    from lexgraph.compliance.impact_render import render_impact_html, render_impact_text

    if args.format == "json":
        text = dumps(report)
    elif args.format == "html":
        text = render_impact_html(report)
    else:
        text = render_impact_text(report)
    write_output(text, args.output)
    return EXIT_OK


def _impact(args: argparse.Namespace, progress: Callable[[int, int], None]) -> dict[str, Any]:
    return impact(
        args.population,
        args.amendments,
        dict(args.parameters),
        getattr(args, "law", None),
        args.as_of,
        args.workers,
        args.scheduler,
        args.examples,
        progress,
    )


def register(sub: Any) -> None:
    p = sub.add_parser("impact", help="how an amendment changes the decisions of a population, and why")
    p.add_argument(
        "population", type=Path, help="a population (.parquet or .jsonl), e.g. from `lexgraph population`"
    )
    add_law_options(p)
    p.add_argument(
        "--as-of", type=iso_date, help="decide every application as of this date (default: its decision_date)"
    )
    p.add_argument("--format", choices=["text", "json", "html"], default="text")
    p.add_argument("-o", "--output", type=Path)
    p.add_argument(
        "--scheduler", metavar="tcp://HOST:PORT", help="run the chunks on this Dask distributed scheduler"
    )
    p.add_argument("--workers", type=int, help="local processes (default: all cores; 1 = in this process)")
    p.add_argument(
        "--examples",
        type=int,
        default=2,
        help="example applicants per permit, direction and rule (default 2)",
    )
    p.set_defaults(func=run)
