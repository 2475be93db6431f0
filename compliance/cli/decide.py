"""`lexgraph decide APPLICATION`: a decision with reasons, as text, JSON (the contract) or HTML;
`--log` appends it to the decision log."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lexgraph.api import decide
from lexgraph.compliance.applications import read_application
from lexgraph.compliance.render import decision_json, dumps, render_html, render_text
from lexgraph.engine.errors import EXIT_OK
from lexgraph.engine.trace import Decision

from .common import add_law_options, iso_date, law_context, write_output


def render(decision: Decision, fmt: str, explain: bool = False) -> str:
    """A decision in the format asked for (the text of `explain` shows the whole proof tree)."""
    if fmt == "json":
        return dumps(decision_json(decision))
    if fmt == "html":
        return render_html(decision)
    return render_text(decision, explain=explain)


def run(args: argparse.Namespace) -> int:
    application = read_application(args.application)
    context = law_context(args)
    decision = decide(context, application, args.as_of)
    if args.format == "json" and args.log:
        from lexgraph.compliance.audit import DecisionLog  # the decision log: the `audit` extra

        data = DecisionLog(args.log).record(
            application, decision_json(decision), context, args.amendments, dict(args.parameters)
        )
        out = dumps(data)
    else:
        out = render(decision, args.format)
    write_output(out, args.output)
    return EXIT_OK


def add_decision_options(p: argparse.ArgumentParser) -> None:
    """APPLICATION, the law, --as-of, --format, -o: what `decide` and `explain` share."""
    p.add_argument("application", type=Path)
    add_law_options(p)
    p.add_argument("--as-of", type=iso_date, help="the law in force that day (default: decision_date)")
    p.add_argument("--format", choices=["text", "json", "html"], default="text")
    p.add_argument("-o", "--output", type=Path)


def register(sub: Any) -> None:
    p = sub.add_parser("decide", help="decide an application with reasons")
    add_decision_options(p)
    p.add_argument(
        "--log",
        metavar="DB",
        help="append the decision to a decision log (sqlite:///file.db or postgresql://…)",
    )
    p.set_defaults(func=run)
