"""`lexgraph explain APPLICATION --permit P`: the proof tree for one permit — why, and why not."""

from __future__ import annotations

import argparse
from typing import Any

from lexgraph.api import explain
from lexgraph.compliance.applications import read_application
from lexgraph.engine.errors import EXIT_OK

from .common import law_context, write_output
from .decide import add_decision_options, render


def run(args: argparse.Namespace) -> int:
    application = read_application(args.application)
    decision = explain(law_context(args), application, args.permit, args.as_of)
    write_output(render(decision, args.format, explain=True), args.output)
    return EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser("explain", help="the proof tree for one permit: why, and why not")
    add_decision_options(p)
    p.add_argument("--permit", required=True)
    p.set_defaults(func=run)
