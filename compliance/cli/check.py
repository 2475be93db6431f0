"""`lexgraph check DIR`: parse and check regulation sources; every error at once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from lexgraph.api import check
from lexgraph.engine.errors import EXIT_INPUT, EXIT_OK, InputError
from lexgraph.engine.loader import SUFFIX

from .common import print_diagnostics


def run(args: argparse.Namespace) -> int:
    law, diagnostics = check([args.dir], args.amendments)
    if not diagnostics and law is not None and not law.sources:
        raise InputError(f"nothing to check: no {SUFFIX} files under `{args.dir}`")
    print_diagnostics(diagnostics, args.format)
    if diagnostics:
        print(f"{len(diagnostics)} error(s)", file=sys.stderr)
        return EXIT_INPUT
    assert law is not None
    if args.format != "json":
        print(
            f"ok: {len(law.sources)} files, {len(law.instruments)} instruments, {len(law.articles)} articles, "
            f"{len(law.rules)} rules, {len(law.points)} points tables — no errors"
        )
    else:
        print("[]")
    return EXIT_OK


def register(sub: Any) -> None:
    p = sub.add_parser("check", help="parse and check regulation sources; every error at once")
    p.add_argument("dir", type=Path)
    p.add_argument("--with", dest="amendments", type=Path, action="append", default=[])
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=run)
