"""The `lexgraph` command: a module per command, each thin — parse arguments, call one function of
the public API (lexgraph.api), render, return an exit code. Errors are mapped here, in one place.

Exit codes (engine/errors.py):
  0   success
  1   errors in the input: regulation sources (syntax, type, reference…), a malformed
      application, an amendment parameter, a file or database that cannot be read or written,
      or findings that gate (unresolved conflicts, uncovered rules, a broken audit chain)
  2   usage: unknown command or option, a missing argument
  70  internal error (a bug in lexgraph: please report it)

Every command module imports only what building its parser needs; the libraries of optional
extras (z3, Dask, pyarrow, FastAPI, SQLAlchemy) are imported when its command runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from lexgraph.engine.errors import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    AuditError,
    Error,
    InputError,
    SourceError,
    Unavailable,
)

from .common import add_law_options, law_context, print_diagnostics, write_output

# The command modules of this package, in the order `lexgraph --help` lists them; each has
# `register(subparsers)`, which sets `func` to the command's `run(args) -> exit code`.
COMMANDS: tuple[str, ...] = (
    "check",
    "decide",
    "explain",
    "graph",
    "test",
    "coverage",
    "diff",
    "audit",
    "serve",
    "analyze",
    "population",
    "impact",
    "monitor",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lexgraph",
        description="China's immigration regulations as code.",
        epilog="exit codes: 0 ok, 1 errors in input, 2 usage, 70 internal error",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


# The libraries of the optional extras (pyproject.toml), by top-level module.
EXTRAS = {
    "z3": "analysis",
    "pyarrow": "impact",
    "dask": "impact",
    "distributed": "impact",
    "sqlalchemy": "audit",
    "cryptography": "audit",
    "psycopg": "postgres",
    "fastapi": "serve",
    "starlette": "serve",
    "uvicorn": "serve",
    "pydantic": "serve",
    "fastapi_offline": "serve",
}


def _as_error(raised: Exception) -> Error | None:
    """A library's exception that is no bug of ours, as one of our errors: a library of an extra that
    is not installed (which extra installs it), or a database SQLAlchemy could not read (not a
    database, gone away, refused; by module name, SQLAlchemy being optional). None for anything else."""
    if isinstance(raised, ModuleNotFoundError):
        top = (raised.name or "").split(".")[0]
        if top in EXTRAS:
            return Unavailable(
                f"this command needs `{top}`, which is not installed: pip install 'lexgraph[{EXTRAS[top]}]'"
            )
    elif type(raised).__module__.startswith("sqlalchemy"):
        orig = getattr(raised, "orig", None) or raised
        return AuditError(
            "the decision log cannot be read or written: "
            f"{str(orig).splitlines()[0] if str(orig) else type(orig).__name__}"
        )
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
    except Exception as raised:
        error = raised if isinstance(raised, Error) else _as_error(raised)
        if error is None:
            raise
        if isinstance(error, SourceError) and getattr(args, "format", "") == "json":
            print_diagnostics(error.diagnostics, "json")  # the diagnostics as data, on standard output
            print(error.messages()[-1], file=sys.stderr)
        else:
            print("\n".join(error.messages()), file=sys.stderr)
        return error.exit_code


__all__ = [
    "COMMANDS",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "InputError",
    "add_law_options",
    "build_parser",
    "law_context",
    "main",
    "write_output",
]
