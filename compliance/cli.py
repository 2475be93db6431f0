"""The `lexgraph` command: thin — parse arguments, call one function, render, map errors to exit codes.

Exit codes:
  0   success
  1   errors in the input: regulation sources (syntax, type, reference…), a malformed
      application, an amendment parameter, a file or database that cannot be read or written,
      or findings that gate (unresolved conflicts, uncovered rules, a broken audit chain)
  2   usage: unknown command or option, a missing argument
  70  internal error (a bug in lexgraph: please report it)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lexgraph.engine.diagnostics import Diagnostic
from lexgraph.engine.errors import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    Error,
    InputError,
    SourceError,
)
from lexgraph.engine.graph import build_graph
from lexgraph.engine.loader import SUFFIX
from lexgraph.engine.pipeline import check_sources

from .applications import read_application
from .decisions import LawContext
from .render import decision_json, dumps, render_html, render_text

__all__ = ["EXIT_INPUT", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "InputError", "build_parser", "main"]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a date (YYYY-MM-DD)") from None


def _assignment(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"`{text}`: expected name=value")
    name, value = text.split("=", 1)
    return name.strip(), value.strip()


def add_law_options(p: argparse.ArgumentParser, law_flag: bool = True) -> None:
    """--law, --with, --set: the law to use (shared by every command that decides)."""
    if law_flag:
        p.add_argument("--law", type=Path, action="append", help="regulation folder (default: the bundled corpus)")
    p.add_argument("--with", dest="amendments", type=Path, action="append", default=[], metavar="AMENDMENT",
                   help="apply an amendment file (repeatable)")
    p.add_argument("--set", dest="parameters", type=_assignment, action="append", default=[], metavar="NAME=VALUE",
                   help="set an amendment parameter")


def law_context(args: argparse.Namespace, law_dirs: list[Path] | None = None) -> LawContext:
    return LawContext.load(law_dirs or getattr(args, "law", None), args.amendments, dict(args.parameters))


def _print_diagnostics(diagnostics: list[Diagnostic], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps([d.to_json() for d in diagnostics], ensure_ascii=False, indent=2))
    else:
        for d in diagnostics:
            print(d.render(), file=sys.stderr)


# ------------------------------------------------------------------ commands


def cmd_check(args: argparse.Namespace) -> int:
    law, diagnostics = check_sources([args.dir, *args.amendments])
    if not diagnostics and law is not None and not law.sources:
        raise InputError(f"nothing to check: no {SUFFIX} files under `{args.dir}`")
    _print_diagnostics(diagnostics, args.format)
    if diagnostics:
        print(f"{len(diagnostics)} error(s)", file=sys.stderr)
        return EXIT_INPUT
    assert law is not None
    if args.format != "json":
        print(f"ok: {len(law.sources)} files, {len(law.instruments)} instruments, {len(law.articles)} articles, "
              f"{len(law.rules)} rules, {len(law.points)} points tables — no errors")
    else:
        print("[]")
    return EXIT_OK


def cmd_decide(args: argparse.Namespace) -> int:
    application = read_application(args.application)
    if getattr(args, "permit", None):
        application = {**application, "requested": [args.permit]}
    context = law_context(args)
    decision = context.decide(application, args.as_of, trace=True)
    out: str
    if args.format == "json":
        data = decision_json(decision)
        if getattr(args, "log", None):
            from .audit import DecisionLog  # the decision log is an optional edge

            data = DecisionLog(args.log).record(application, data, context, args.amendments, dict(args.parameters))
        out = dumps(data)
    elif args.format == "html":
        out = render_html(decision)
    else:
        out = render_text(decision, explain=args.command == "explain")
    write_output(out, getattr(args, "output", None))
    return EXIT_OK


def cmd_graph(args: argparse.Namespace) -> int:
    context = law_context(args, [args.dir])
    graph = build_graph(context.law)
    if getattr(args, "findings", False):  # analysis findings as edges: conflicts_with, subsumes, masks
        from .analysis import add_findings, analyze

        add_findings(graph, analyze(context, args.as_of or dt.date.today()))
    write_output(dumps(graph.to_node_link()) if args.format == "json" else graph.to_dot(), args.output)
    return EXIT_OK


def write_output(text: str, output: Path | None) -> None:
    """A command's rendered result: to the -o file, or to standard output."""
    if output:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise InputError(f"cannot write `{output}`: {(error.strerror or str(error)).lower()}") from None
    else:
        sys.stdout.write(text)


# ------------------------------------------------------------------ parser

Registrar = Callable[[Any], None]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lexgraph", description="China's immigration regulations as code.",
                                     epilog="exit codes: 0 ok, 1 errors in input, 2 usage, 70 internal error")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="parse and check regulation sources; every error at once")
    p.add_argument("dir", type=Path)
    p.add_argument("--with", dest="amendments", type=Path, action="append", default=[])
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_check)

    for name, help_text in (("decide", "decide an application with reasons"),
                            ("explain", "the proof tree for one permit: why, and why not")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("application", type=Path)
        add_law_options(p)
        p.add_argument("--as-of", type=_date, help="the law in force that day (default: decision_date)")
        p.add_argument("--format", choices=["text", "json", "html"], default="text")
        p.add_argument("-o", "--output", type=Path)
        if name == "explain":
            p.add_argument("--permit", required=True)
        else:
            p.add_argument("--log", metavar="DB", help="append the decision to a decision log (sqlite:///file.db or postgresql://…)")
        p.set_defaults(func=cmd_decide)

    p = sub.add_parser("graph", help="export the rule graph")
    p.add_argument("dir", type=Path)
    add_law_options(p, law_flag=False)
    p.add_argument("--format", choices=["json", "dot"], default="json")
    p.add_argument("-o", "--output", type=Path)
    p.add_argument("--findings", action="store_true", help="add analysis findings as edges (conflicts_with, subsumes, masks)")
    p.add_argument("--as-of", type=_date, help="with --findings: the law in force that day (default: today)")
    p.set_defaults(func=cmd_graph)

    for register in _registrars():
        register(sub)
    return parser


# Modules of lexgraph.compliance that contribute commands: each has `register(subparsers)`.
COMMAND_MODULES: tuple[str, ...] = ("coverage", "diff", "audit", "service", "analysis", "population", "impact",
                                    "monitor")


def _registrars() -> list[Registrar]:
    import importlib

    return [importlib.import_module(f"lexgraph.compliance.{name}").register for name in COMMAND_MODULES]


def _database_error(error: Exception) -> str | None:
    """A database SQLAlchemy could not read (not a database, gone away, refused), said in one line;
    None for anything else. (By module name: SQLAlchemy is an optional library.)"""
    if type(error).__module__.startswith("sqlalchemy"):
        orig = getattr(error, "orig", None) or error
        return f"the decision log cannot be read or written: {str(orig).splitlines()[0] if str(orig) else type(orig).__name__}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception:  # a bug: say so plainly, keep the traceback for the report
        import traceback

        traceback.print_exc()
        print("internal error: this is a bug in lexgraph", file=sys.stderr)
        return EXIT_INTERNAL


def _run(args: argparse.Namespace) -> int:
    """Run the command; every error lexgraph reports (engine/errors.py) becomes its messages and its
    exit code here, in one place."""
    try:
        code: int = args.func(args)
        return code
    except SourceError as error:
        if getattr(args, "format", "") == "json":  # the diagnostics as data, on standard output
            _print_diagnostics(error.diagnostics, "json")
            print(error.messages()[-1], file=sys.stderr)
        else:
            print("\n".join(error.messages()), file=sys.stderr)
        return error.exit_code
    except Error as error:
        print("\n".join(error.messages()), file=sys.stderr)
        return error.exit_code
    except Exception as error:
        message = _database_error(error)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
