"""`lexgraph analyze DIR`: static analysis of the law — conflicts, overlaps, masked and dead rules,
gaps, dangling references — as text, JSON, HTML or the reviewed list; exit 1 on gating findings."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

from lexgraph.api import analyze
from lexgraph.compliance.render import dumps
from lexgraph.engine.errors import AcknowledgementError

from .common import add_law_options, iso_date, law_context, write_output


def _configuration(args: argparse.Namespace) -> list[str]:
    """The amendments applied, relative to the corpus directory (how the reviewed file names them)."""
    base = Path(args.dir).resolve()
    return sorted(os.path.relpath(Path(a).resolve(), base) for a in args.amendments)


def run(args: argparse.Namespace) -> int:
    from lexgraph.compliance.analysis import (  # z3: the `analysis` extra, imported when run
        REVIEWED_FILE,
        read_acknowledged,
        render_html,
        render_text,
        reviewed_entries,
        reviewed_list,
        scenario,
        update_reviewed,
    )

    reviewed = Path(args.dir) / REVIEWED_FILE
    source = args.acknowledged or (reviewed if reviewed.exists() and not args.no_reviewed else None)
    acknowledged = read_acknowledged(source) if source else {}
    context = law_context(args, [args.dir])
    as_of = args.as_of or dt.date.today()
    report = analyze(context, as_of, args.timeout, acknowledged, structural=args.all)
    if args.update_reviewed:
        update_reviewed(reviewed, _configuration(args), report)
        print(f"updated {reviewed}", file=sys.stderr)
    if args.format == "json":
        out = dumps(report.to_json())
    elif args.format == "html":
        out = render_html(report, context)
    elif args.format == "reviewed":
        previous: list[dict[str, Any]] = []
        if reviewed.exists():
            try:
                stored = json.loads(reviewed.read_text(encoding="utf-8"))
                previous = [e for _n, e, _w in reviewed_entries(reviewed, stored)]
            except (json.JSONDecodeError, AcknowledgementError) as error:
                raise AcknowledgementError(f"{reviewed}: {error}") from None
        out = dumps({"with": _configuration(args), "findings": reviewed_list(report, previous)})
    else:
        out = render_text(report)
    write_output(out, args.output)
    if args.emit_tests:
        args.emit_tests.mkdir(parents=True, exist_ok=True)
        written = 0
        for f in report.findings:
            data = scenario(f, context, as_of, args.amendments, dict(args.parameters), args.emit_tests)
            if data is not None:
                (args.emit_tests / f"{f.id}.json").write_text(dumps(data), encoding="utf-8")
                written += 1
        print(f"wrote {written} scenario file(s) to {args.emit_tests}", file=sys.stderr)
    gating = report.gating
    if gating:
        print(
            f"{len(gating)} gating finding(s) (unresolved conflicts, undecidable outcomes): "
            + ", ".join(f.id for f in gating),
            file=sys.stderr,
        )
        return 1
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser(
        "analyze",
        help="static analysis of the law: conflicts, overlaps, masked and dead rules, gaps, dangling references",
    )
    p.add_argument("dir", type=Path)
    add_law_options(p, law_flag=False)
    p.add_argument("--as-of", type=iso_date, help="the law in force that day (default: today)")
    p.add_argument(
        "--format",
        choices=["text", "json", "html", "reviewed"],
        default="text",
        help="reviewed: the findings in the reviewed-list format of DIR/findings.json",
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="also list structural relations: alternative, requirement, refusal_ground, closure",
    )
    p.add_argument(
        "--update-reviewed",
        action="store_true",
        help="rewrite this configuration's findings in DIR/findings.json, keeping reviewed sentences",
    )
    p.add_argument(
        "--no-reviewed", action="store_true", help="ignore the acknowledgements in DIR/findings.json"
    )
    p.add_argument("-o", "--output", type=Path)
    p.add_argument(
        "--acknowledged",
        type=Path,
        metavar="FILE",
        help='JSON list of {"id", "reason"}, or a reviewed file (default: DIR/findings.json)',
    )
    p.add_argument("--emit-tests", type=Path, metavar="DIR", help="write each witness as a scenario file")
    p.add_argument("--timeout", type=int, metavar="MS", help="per solver query (default 2000)")
    p.set_defaults(func=run)
