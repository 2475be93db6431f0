"""Monitor throughput: exactly 100,000 events (about 10,000 cases; the last case's timeline is cut
where the count is reached) through durable_rules and through the plain-Python reference evaluator of
the same plan, in the same run.

    .venv/bin/python benchmarks/monitor.py            # 3 repetitions, best kept
    .venv/bin/python benchmarks/monitor.py --quick    # 1 repetition, under a minute

The timelines are generated (deterministic seed) from realistic case shapes: a worker entering on a
Z visa, registering accommodation, applying for the permits, starting work, changing particulars,
some late, some breached, some working without permits; each case about 10 events. The timed loop is
what `lexgraph monitor` does after reading the file: every case through the engine (durable_rules: its
worker thread, one job for all cases; sessions created and deleted per case) and the report assembled.
Pinned to one core where the OS allows. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lexgraph.compliance.monitor import DurableMonitor, assemble, parse_event, run_reference  # noqa: E402
from lexgraph.engine.obligations import plan  # noqa: E402
from lexgraph.engine.pipeline import load_law  # noqa: E402


def timelines(events: int, seed: int = 15) -> dict[str, list[dict[str, Any]]]:
    """Cases generated until exactly `events` events (the last timeline cut short: still a valid one)."""
    rng = random.Random(seed)
    out: dict[str, list[dict[str, Any]]] = {}
    left = events
    n = -1
    while left > 0:
        n += 1
        day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(600))
        raw: list[dict[str, Any]] = []

        def add(
            kind: str, gap: int, raw: list[dict[str, Any]] = raw, case: str = f"c{n}", **fields: Any
        ) -> None:
            nonlocal day
            day += dt.timedelta(days=gap)
            raw.append({"case": case, "date": day.isoformat(), "type": kind, **fields})

        add("entry", 0, visa="Z", residence_permit_required=True)
        add("accommodation_started", 0, place=rng.choice(["hotel", "other"]))
        add("accommodation_registered", rng.choice([0, 1, 1, 2]))
        if rng.random() < 0.9:
            add("work_permit_applied", rng.randrange(5, 18))
            add("work_permit_issued", rng.randrange(3, 10))
        add("residence_permit_applied", rng.randrange(1, 12))
        add(
            "residence_permit_issued",
            rng.randrange(5, 15),
            purpose="work",
            expires=(day + dt.timedelta(days=365)).isoformat(),
        )
        add("employment_started", rng.randrange(0, 3))
        add("employer_report_filed", rng.randrange(0, 20), about="employment_started")
        add("particulars_changed", rng.randrange(30, 200))
        if rng.random() < 0.8:
            add("particulars_change_applied", rng.randrange(0, 14))
        else:
            add("exit", rng.randrange(0, 40))
        parsed = [e for e in (parse_event(r, i)[0] for i, r in enumerate(raw, 1)) if e is not None][:left]
        out[f"c{n}"] = parsed
        left -= len(parsed)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    p = plan(load_law())
    cases = timelines(args.events)
    events = sum(len(v) for v in cases.values())
    assert events == args.events, events
    as_of = max(e["day"] for v in cases.values() for e in v) + 30
    durable = DurableMonitor(p)
    best = {"durable_rules": float("inf"), "reference": float("inf")}
    same = True
    for _ in range(1 if args.quick else 3):
        t = time.process_time()
        d = durable.run_cases(cases, as_of)
        d_reports = {c: assemble(p, r) for c, r in d.items()}
        best["durable_rules"] = min(best["durable_rules"], time.process_time() - t)
        t = time.process_time()
        r_reports = {c: assemble(p, run_reference(p, ev, as_of)) for c, ev in cases.items()}
        best["reference"] = min(best["reference"], time.process_time() - t)
        same = same and all(len(d_reports[c]) == len(r_reports[c]) for c in cases)
    durable.close()
    rates = {k: events / v for k, v in best.items()}
    for k, v in rates.items():
        print(f"{k:14s} {events:,} events over {len(cases):,} cases: {best[k]:.2f} CPU-s, {v:,.0f} events/s")
    print(
        json.dumps(
            {
                "benchmark": "monitor",
                "events": events,
                "cases": len(cases),
                "durable_rules_events_per_s": round(rates["durable_rules"]),
                "reference_events_per_s": round(rates["reference"]),
                "durable_rules_vs_reference": round(rates["durable_rules"] / rates["reference"], 3),
                "same_results": same,
                "quick": args.quick,
            }
        )
    )


if __name__ == "__main__":
    main()
