"""Benchmark `lexgraph analyze`: the real corpus and generated corpora of 500 and 2,000 rules, against a
plain all-pairs z3 check (every pair of rules asked for joint satisfiability) measured in the same run.

The all-pairs check on the big corpora runs under a time budget and is extrapolated from the pairs it
reached (marked "extrapolated"): at 2,000 rules it has two million pairs. The last line printed is one
JSON object.

    .venv/bin/python benchmarks/analyze.py [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import z3
from lexgraph.api import LawContext, analyze, load_law
from lexgraph.engine.loader import bundled_regulations
from lexgraph.engine.schema import contract_enum
from lexgraph.engine.symbolic import Symbolic

AS_OF = dt.date(2024, 6, 1)
PERMITS = (
    "work_permit",
    "z_visa",
    "r_visa",
    "work_residence_permit",
    "permanent_residence",
    "d_visa",
    "job_seeking_visa",
    "talent_confirmation_letter",
)
EMPLOYER_TYPES = contract_enum("employment.employer_type")
FLAGS = (
    "applicant.stem_degree",
    "applicant.english_proficient",
    "employment.contract_signed",
    "employment.tax_record_good",
    "applicant.holds_patent",
)


def generate(n: int, seed: int = 7) -> str:
    """A decision-table-like corpus: each rule decides one permit for one employer type and one salary
    band (as the real measures partition applicants), with an extra condition now and then; about one
    rule in forty is widened into its neighbour's band, planting overlaps and conflicts to find."""
    rng = random.Random(seed)
    vocabulary = bundled_regulations() / "vocabulary.lex"
    lines = [
        f'import "{vocabulary}"',
        "",
        "instrument generated {",
        '  title_zh "生成的规章（基准测试）"',
        "  rank departmental_rule",
        '  issuer "benchmark"',
        "  in_force 2020-01-01",
        "  repealed none",
        '  jurisdiction "national"',
        "}",
        "",
    ]
    cells = len(PERMITS) * len(EMPLOYER_TYPES)
    width = 10000
    for k in range(n):
        permit = PERMITS[k % len(PERMITS)]
        etype = EMPLOYER_TYPES[(k // len(PERMITS)) % len(EMPLOYER_TYPES)]
        band = k // cells
        lo, hi = band * width, (band + 1) * width
        if rng.random() < 0.025:
            hi += width // 2  # widened into the next band
        kind = "eligible" if band % 2 == 0 else "ineligible"
        conds = [
            f'employment.employer_type == "{etype}"',
            f"employment.annual_salary_cny >= {lo} CNY",
            f"employment.annual_salary_cny < {hi} CNY",
        ]
        if rng.random() < 0.3:
            conds.append(rng.choice(FLAGS))
        if rng.random() < 0.2:
            conds.append(f"age >= {rng.choice((18, 25, 30, 40))}")
        lines += [
            f"rule r{k} {{",
            f"  conclude {kind} {permit}",
            "  when all of { " + ", ".join(conds) + " }",
            '  source "benchmarks/analyze.py generator"',
            "}",
            "",
        ]
    return "\n".join(lines)


def all_pairs(context: LawContext, budget: float) -> dict[str, Any]:
    """The plain approach: one z3 query per pair of rules, no index."""
    program = context.evaluator.program(AS_OF)
    start = time.perf_counter()
    sym = Symbolic(context.law, program, AS_OF)
    n = len(program.rules)
    tris = [sym.applies(i) for i in range(n)]
    solver = z3.Solver()
    solver.set("timeout", 2000)
    solver.add(sym.domain)
    pairs = n * (n - 1) // 2
    calls = 0
    done = True
    for i in range(n):
        for j in range(i + 1, n):
            solver.push()
            solver.add(tris[i][0], tris[j][0])
            solver.check()
            solver.pop()
            calls += 1
        if time.perf_counter() - start > budget:
            done = False
            break
    seconds = time.perf_counter() - start
    out: dict[str, Any] = {"rules": n, "pairs": pairs, "solver_calls": calls, "seconds": round(seconds, 3)}
    if not done and calls:
        out.update(
            extrapolated=True,
            solver_calls=pairs,
            seconds=round(seconds * pairs / calls, 1),
            measured_calls=calls,
            measured_seconds=round(seconds, 3),
        )
    return out


def measure(
    label: str, law_dirs: list[Path] | None, budget: float, amendments: list[Path] | None = None
) -> dict[str, Any]:
    start = time.perf_counter()
    context = load_law(law_dirs, amendments)
    load = time.perf_counter() - start
    report = analyze(context, AS_OF)
    s = report.stats
    row = {
        "rules": s["rules"],
        "pairs": s["pairs"],
        "candidates": s["candidates"],
        "solver_calls": s["solver_calls"],
        "solver_unknown": s["solver_unknown"],
        "seconds": s["seconds"],
        "load_seconds": round(load, 3),
        "program_seconds": s["program_seconds"],
        "findings": len(report.findings),
        "kinds": {k: v for k, v in report.to_json()["counts"].items() if v},
    }
    baseline = all_pairs(context, budget)
    print(
        f"{label:>10}: {row['rules']} rules, {row['pairs']} pairs → {row['candidates']} candidates, "
        f"{row['solver_calls']} solver calls, {row['seconds']} s, of which compiling the program "
        f"{row['program_seconds']} s ({row['findings']} findings; load {row['load_seconds']} s)"
    )
    print(
        f"{'':>10}  all-pairs z3: {baseline['solver_calls']} calls, {baseline['seconds']} s"
        f"{' (extrapolated from ' + str(baseline['measured_calls']) + ' calls)' if baseline.get('extrapolated') else ''}"
    )
    row["all_pairs"] = baseline
    row["speedup"] = round(baseline["seconds"] / row["seconds"], 1) if row["seconds"] else None
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller time budget for the all-pairs baseline")
    args = parser.parse_args()
    budget = 3.0 if args.quick else 20.0
    results: dict[str, Any] = {"as_of": AS_OF.isoformat(), "quick": args.quick}
    results["real"] = measure("real", None, 60.0)
    reform = bundled_regulations() / "amendments" / "independent_application.lex"
    if reform.exists():
        results["real_with_reform"] = measure("reform", None, 60.0, [reform])
    with tempfile.TemporaryDirectory() as tmp:
        for n in (500, 2000):
            folder = Path(tmp) / f"gen{n}"
            folder.mkdir()
            (folder / "generated.lex").write_text(generate(n), encoding="utf-8")
            results[f"generated_{n}"] = measure(f"gen {n}", [folder], budget)
    real = [results[k] for k in ("real", "real_with_reform") if k in results]
    results["must"] = {
        "real_under_2s": all(r["seconds"] <= 2 for r in real),
        "2000_under_30s": results["generated_2000"]["seconds"] <= 30,
        "solver_calls_far_below_pairs": all(
            r["solver_calls"] * 10 < r["pairs"]
            for r in (*real, results["generated_500"], results["generated_2000"])
        ),
    }
    results["cores"] = os.cpu_count()
    print(json.dumps(results, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
