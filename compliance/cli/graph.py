"""`lexgraph graph DIR`: the rule graph as node-link JSON or DOT, optionally with analysis findings."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from lexgraph.compliance.render import dumps
from lexgraph.engine.errors import EXIT_OK
from lexgraph.engine.graph import build_graph

from .common import add_law_options, iso_date, law_context, write_output


def run(args: argparse.Namespace) -> int:
    context = law_context(args, [args.dir])
    graph = build_graph(context.law)
    if getattr(args, "findings", False):  # analysis findings as edges: conflicts_with, subsumes, masks
        from lexgraph.api import analyze
        from lexgraph.compliance.analysis import add_findings

        add_findings(graph, analyze(context, args.as_of or dt.date.today()))
    write_output(dumps(graph.to_node_link()) if args.format == "json" else graph.to_dot(), args.output)
    return EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser("graph", help="export the rule graph")
    p.add_argument("dir", type=Path)
    add_law_options(p, law_flag=False)
    p.add_argument("--format", choices=["json", "dot"], default="json")
    p.add_argument("-o", "--output", type=Path)
    p.add_argument(
        "--findings",
        action="store_true",
        help="add analysis findings as edges (conflicts_with, subsumes, masks)",
    )
    p.add_argument(
        "--as-of", type=iso_date, help="with --findings: the law in force that day (default: today)"
    )
    p.set_defaults(func=run)
