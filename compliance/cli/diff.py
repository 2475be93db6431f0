"""`lexgraph diff DIR --with AMENDMENT`: the 修改对照表 of an amendment — articles, rules, permits,
conflicts — as text, JSON or HTML."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lexgraph.api import diff, load_law
from lexgraph.engine.errors import EXIT_OK, UsageError

from .common import add_law_options, law_context, write_output


def run(args: argparse.Namespace) -> int:
    from lexgraph.compliance.diff import render

    if not args.amendments:
        raise UsageError("lexgraph diff needs an amendment: --with AMENDMENT")
    # An adopted amendment inside the folder (国务院令第814号) is diffed against the folder without it.
    baseline = load_law([args.dir], exclude=args.amendments)
    amended = law_context(args, [args.dir])
    write_output(render(diff(baseline, amended), args.format), args.output)
    return EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser(
        "diff", help="修改对照表: what an amendment changes — articles, rules, permits, conflicts"
    )
    p.add_argument("dir", type=Path, help="the regulation folder the amendment applies to")
    add_law_options(p, law_flag=False)
    p.add_argument("--format", choices=["text", "json", "html"], default="text")
    p.add_argument("-o", "--output", type=Path)
    p.set_defaults(func=run)
