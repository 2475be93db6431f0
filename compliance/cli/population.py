"""`lexgraph population -o FILE`: synthetic applications for impact analysis, deterministic per seed
(Parquet or JSON Lines)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from lexgraph.engine.errors import EXIT_OK, PopulationError, UsageError

from .common import progress_bar


def run(args: argparse.Namespace) -> int:
    from lexgraph.compliance.population import DECISION_DATE, generate, write  # pyarrow: imported when run

    if args.n < 1:
        raise UsageError("--n must be at least 1")
    if args.output.suffix not in (".parquet", ".jsonl"):
        raise PopulationError(f"{args.output}: expected a .parquet or .jsonl output")
    with progress_bar("generating") as progress:
        progress(0, args.n)
        table = generate(args.n, args.seed, args.decision_date or DECISION_DATE)
        progress(args.n, args.n)
    try:
        with progress_bar(f"writing {args.output.name}") as progress:
            path = write(table, args.output, progress)
    except OSError as error:
        raise PopulationError(f"{args.output}: cannot write: {error.strerror or error}") from None
    print(f"{args.n} applications (seed {args.seed}) → {path}")
    return EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser(
        "population", help="synthetic applications for impact analysis (Parquet or JSON Lines)"
    )
    p.add_argument("--n", type=int, default=100_000, help="number of applicants (default 100000)")
    p.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same population")
    p.add_argument(
        "--decision-date",
        type=dt.date.fromisoformat,
        default=None,
        help="decision_date of every application (default 2024-06-01)",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("pop.parquet"),
        help="output file: .parquet (columnar) or .jsonl (one application per line)",
    )
    p.set_defaults(func=run)
