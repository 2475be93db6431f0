"""What the commands share: argument types, the law options, the law they name, and output."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lexgraph.api import LawContext, load_law
from lexgraph.engine.diagnostics import Diagnostic
from lexgraph.engine.errors import InputError


def iso_date(text: str) -> dt.date:
    """An argument that is a date, YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a date (YYYY-MM-DD)") from None


def assignment(text: str) -> tuple[str, str]:
    """An argument NAME=VALUE."""
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"`{text}`: expected name=value")
    name, value = text.split("=", 1)
    return name.strip(), value.strip()


def add_law_options(p: argparse.ArgumentParser, law_flag: bool = True) -> None:
    """--law, --with, --set: the law to use (shared by every command that decides)."""
    if law_flag:
        p.add_argument(
            "--law", type=Path, action="append", help="regulation folder (default: the bundled corpus)"
        )
    p.add_argument(
        "--with",
        dest="amendments",
        type=Path,
        action="append",
        default=[],
        metavar="AMENDMENT",
        help="apply an amendment file (repeatable)",
    )
    p.add_argument(
        "--set",
        dest="parameters",
        type=assignment,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set an amendment parameter",
    )


def law_context(args: argparse.Namespace, law_dirs: list[Path] | None = None) -> LawContext:
    """The law the options name: --law (or `law_dirs`), --with, --set."""
    return load_law(law_dirs or getattr(args, "law", None), args.amendments, dict(args.parameters))


def print_diagnostics(diagnostics: list[Diagnostic], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps([d.to_json() for d in diagnostics], ensure_ascii=False, indent=2))
    else:
        for d in diagnostics:
            print(d.render(), file=sys.stderr)


def write_output(text: str, output: Path | None) -> None:
    """A command's rendered result: to the -o file, or to standard output."""
    if output:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise InputError(f"cannot write `{output}`: {(error.strerror or str(error)).lower()}") from None
    else:
        sys.stdout.write(text)


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress callback `(done, total)`: a bar on a terminal's stderr, nothing otherwise (the
    same for `population` and `impact`)."""
    from rich.console import Console
    from rich.progress import Progress

    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda done, total: None
        return
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)
