"""`lexgraph decide APPLICATION` and `lexgraph explain APPLICATION --permit P`: a decision with
reasons, as text, JSON (the contract) or HTML; `decide --log` appends it to the decision log."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lexgraph.api import decide, explain
from lexgraph.compliance.applications import read_application
from lexgraph.compliance.render import decision_json, dumps, render_html, render_text
from lexgraph.engine.errors import EXIT_OK

from .common import add_law_options, iso_date, law_context, write_output


def run(args: argparse.Namespace) -> int:
    application = read_application(args.application)
    context = law_context(args)
    if getattr(args, "permit", None):
        decision = explain(context, application, args.permit, args.as_of)
    else:
        decision = decide(context, application, args.as_of)
    out: str
    if args.format == "json":
        data = decision_json(decision)
        if getattr(args, "log", None):
            from lexgraph.compliance.audit import DecisionLog  # the decision log is an optional edge

            data = DecisionLog(args.log).record(application, data, context, args.amendments, dict(args.parameters))
        out = dumps(data)
    elif args.format == "html":
        out = render_html(decision)
    else:
        out = render_text(decision, explain=args.command == "explain")
    write_output(out, getattr(args, "output", None))
    return EXIT_OK


def register(sub: Any) -> None:
    for name, help_text in (("decide", "decide an application with reasons"),
                            ("explain", "the proof tree for one permit: why, and why not")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("application", type=Path)
        add_law_options(p)
        p.add_argument("--as-of", type=iso_date, help="the law in force that day (default: decision_date)")
        p.add_argument("--format", choices=["text", "json", "html"], default="text")
        p.add_argument("-o", "--output", type=Path)
        if name == "explain":
            p.add_argument("--permit", required=True)
        else:
            p.add_argument("--log", metavar="DB", help="append the decision to a decision log (sqlite:///file.db or postgresql://…)")
        p.set_defaults(func=run)
