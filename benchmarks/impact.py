"""Benchmark: amendment impact over a synthetic population, and the work-permit points rule
against OpenFisca-core on the same population, timed in the same run.

    .venv/bin/python benchmarks/impact.py            # 1,000,000 applicants
    .venv/bin/python benchmarks/impact.py --quick    # 100,000 applicants, under a minute

Prints its figures; the last line is one JSON object: applicants, seconds (impact: both laws, all
permits, quotas, report — run in a process of its own, as the command runs), its peak memory (that
process and its largest worker; the generator's and the peers' are `benchmark_process_peak_mb`),
and openfisca_ratio = OpenFisca seconds / lexgraph seconds on
the shared rule (> 1: lexgraph faster). OpenFisca is two-valued, so its inputs take the unknown
facts as 0 / false; lexgraph computes the three-valued range (lo, hi) — more work, not less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
REFORM = ROOT / "regulations" / "amendments" / "independent_application.lex"
BATCH_ROWS = 65_536


# ------------------------------------------------------------------ OpenFisca: the 2017 points table


def openfisca_system() -> Any:
    """The work-permit points table (regulations/work_permit, 积分要素计分赋值表) as OpenFisca variables."""
    from openfisca_core.entities import build_entity
    from openfisca_core.periods import YEAR
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable

    person = build_entity(key="person", plural="persons", label="applicant", is_person=True)

    def inp(name: str, kind: type) -> type:
        return type(
            name,
            (Variable,),
            {"value_type": kind, "entity": person, "definition_period": YEAR, "label": name},
        )

    inputs = [
        inp("salary", float),
        inp("education", int),
        inp("vocational", int),
        inp("experience", float),
        inp("months_in_china", float),
        inp("formerly_chinese", bool),
        inp("taught_in_chinese", bool),
        inp("hsk", int),
        inp("west_northeast_poverty", bool),
        inp("age", int),
        inp("top_university", bool),
        inp("global_500", bool),
        inp("patent", bool),
        inp("years_in_china", float),
        inp("local_bonus", int),
    ]

    def formula_var(name: str, fn: Any) -> type:
        return type(
            name,
            (Variable,),
            {"value_type": float, "entity": person, "definition_period": YEAR, "label": name, "formula": fn},
        )

    def salary_points(p: Any, period: Any) -> Any:
        s = p("salary", period)
        return np.select(
            [s >= 450000, s >= 350000, s >= 250000, s >= 150000, s >= 70000, s >= 50000],
            [20, 17, 14, 11, 8, 5],
            0,
        )

    def education_points(p: Any, period: Any) -> Any:
        e, v = p("education", period), p("vocational", period)  # education: 2 bachelor 3 master 4 doctorate
        return np.maximum(
            np.select([e == 4, e == 3, e == 2], [20, 15, 10], 0),
            np.select([v == 3, v == 2, v == 1], [20, 15, 10], 0),
        )

    def experience_points(p: Any, period: Any) -> Any:
        x = p("experience", period)
        return np.where(x >= 2, np.minimum(20, 5 + np.floor(x - 2)), 0)

    def months_points(p: Any, period: Any) -> Any:
        mo = p("months_in_china", period)
        return np.select([mo >= 9, mo >= 6, mo >= 3], [15, 10, 5], 0)

    def chinese_points(p: Any, period: Any) -> Any:
        h = p("hsk", period)
        direct = p("formerly_chinese", period) | p("taught_in_chinese", period) | (h >= 5)
        return np.where(direct, 5, np.clip(h, 0, 4))

    def region_points(p: Any, period: Any) -> Any:
        return np.where(p("west_northeast_poverty", period), 10, 0)

    def age_points(p: Any, period: Any) -> Any:
        a = p("age", period)
        return np.select(
            [(a >= 18) & (a <= 25), (a >= 26) & (a <= 45), (a >= 46) & (a <= 55), (a >= 56) & (a <= 60)],
            [10, 15, 10, 5],
            0,
        )

    def distinction_points(p: Any, period: Any) -> Any:
        d = (
            p("top_university", period)
            | p("global_500", period)
            | p("patent", period)
            | (p("years_in_china", period) >= 5)
        )
        return np.where(d, 5, 0)

    def bonus_points(p: Any, period: Any) -> Any:
        return np.minimum(np.maximum(p("local_bonus", period), 0), 10)

    def total(p: Any, period: Any) -> Any:
        return sum(
            p(name, period)
            for name in (
                "salary_points",
                "education_points",
                "experience_points",
                "months_points",
                "chinese_points",
                "region_points",
                "age_points",
                "distinction_points",
                "bonus_points",
            )
        )

    formulas = [
        formula_var(f.__name__, f)
        for f in (
            salary_points,
            education_points,
            experience_points,
            months_points,
            chinese_points,
            region_points,
            age_points,
            distinction_points,
            bonus_points,
        )
    ]
    formulas.append(formula_var("work_permit_points", total))
    system = TaxBenefitSystem([person])
    for v in inputs + formulas:
        system.add_variable(v)
    return system


def openfisca_inputs(table: pa.Table, day: dt.date) -> dict[str, Any]:
    """The same population, two-valued: an unknown fact is 0 / false."""

    def num(name: str) -> Any:
        return table.column(name).cast(pa.float64()).fill_null(0).to_numpy()

    def flag(name: str) -> Any:
        return np.asarray(table.column(name).fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)

    def codes(name: str, values: list[str]) -> Any:
        col = np.asarray(table.column(name).fill_null("").to_numpy(zero_copy_only=False), dtype=object)
        out = np.zeros(len(col), dtype="int64")
        for i, v in enumerate(values):
            out[col == v] = i
        return out

    birth = (
        table.column("applicant.birth_date").cast(pa.int32()).fill_null(0).to_numpy().astype("datetime64[D]")
    )
    b_y = birth.astype("datetime64[Y]").astype(int) + 1970
    b_md = (birth - birth.astype("datetime64[Y]")).astype(int)
    d = np.datetime64(day.isoformat(), "D")
    d_md = int((d - d.astype("datetime64[Y]")).astype(int))
    age = (day.year - b_y - (d_md < b_md)).astype("int64")
    region = codes(
        "employment.work_region", ["other", "western", "northeast_old_industrial", "poverty_county"]
    )
    return {
        "salary": num("employment.annual_salary_cny"),
        "education": codes("applicant.education", ["none", "secondary", "bachelor", "master", "doctorate"]),
        "vocational": codes(
            "applicant.vocational_qualification",
            ["none", "senior_worker", "technician", "senior_technician_or_international_top"],
        ),
        "experience": num("applicant.related_work_experience_years"),
        "months_in_china": num("employment.annual_months_working_in_china"),
        "formerly_chinese": flag("applicant.formerly_chinese_national"),
        "taught_in_chinese": flag("applicant.degree_taught_in_chinese"),
        "hsk": num("applicant.chinese_hsk_level").astype("int64"),
        "west_northeast_poverty": region > 0,
        "age": age,
        "top_university": flag("applicant.degree_from_top_foreign_university"),
        "global_500": flag("applicant.fortune_global_500_experience"),
        "patent": flag("applicant.holds_patent"),
        "years_in_china": num("employment.consecutive_years_working_in_china"),
        "local_bonus": num("employment.local_bonus_points").astype("int64"),
    }


def time_openfisca(table: pa.Table, day: dt.date) -> tuple[float, Any]:
    from openfisca_core.simulations import SimulationBuilder

    system = openfisca_system()
    start = time.perf_counter()  # from the same columns as lexgraph: conversion of the inputs included
    inputs = openfisca_inputs(table, day)
    sim = SimulationBuilder().build_default_simulation(system, count=table.num_rows)
    period = str(day.year)
    for name, values in inputs.items():
        sim.set_input(name, period, values)
    points = sim.calculate("work_permit_points", period)
    return time.perf_counter() - start, points


def time_lexgraph_points(
    table: pa.Table, day: dt.date, batch_rows: int = BATCH_ROWS
) -> tuple[float, Any, Any]:
    """The same rule through the engine: read the facts from the columns, derive age, points range —
    fed in Arrow record batches of `batch_rows` (as impact streams a population), so that each
    operation's arrays stay in the processor's cache instead of streaming 1,000,000-row temporaries
    through memory."""
    from lexgraph.api import load_law
    from lexgraph.engine.batch import (
        BatchProgram,
        FactBatch,
        _Env,  # the program's environment: facts, then derived facts
    )
    from lexgraph.engine.expressions import fact_paths

    context = load_law()
    bp = BatchProgram(context.evaluator.plan(day))
    law = context.law
    table_def = law.points["work_permit_points"]
    reads = {p for f in table_def.factors for b in f.bands for p in fact_paths(b.when) + fact_paths(b.value)}
    age = next(d for d in law.derived if d.name == "age")
    reads |= set(fact_paths(age.expr))
    start = time.perf_counter()
    lo, hi = [], []
    for record_batch in table.to_batches(max_chunksize=batch_rows):
        batch = FactBatch(pa.Table.from_batches([record_batch]))
        env = _Env({p: batch.fact(law.facts[p]) for p in sorted(reads) if p in law.facts}, {}, {})
        env.facts["age"] = bp.value(age.expr, env)
        pts = bp.points(table_def, env)
        lo.append(np.broadcast_to(pts.data, (batch.n,)))
        hi.append(np.broadcast_to(pts.hi, (batch.n,)))
    return time.perf_counter() - start, np.concatenate(lo), np.concatenate(hi)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 applicants (under a minute)")
    parser.add_argument("--n", type=int, help="applicants (default 1,000,000; 100,000 with --quick)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--impact-only", nargs=2, metavar=("POPULATION", "AMENDMENT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.impact_only:
        return impact_only(Path(args.impact_only[0]), Path(args.impact_only[1]))
    n = args.n or (100_000 if args.quick else 1_000_000)
    from lexgraph.compliance.population import DECISION_DATE, read

    amendment = REFORM if REFORM.exists() else ROOT / "tests" / "impact" / "fixture_independent.lex"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pop.parquet"
        # the population and the impact each in a process of their own, as `lexgraph population` and
        # `lexgraph impact` run: impact's time and peak memory (its process and its workers) are its
        # own — a child forked from this process would carry this process's peak (ru_maxrss survives exec)
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "lexgraph.compliance.cli",
                "population",
                "--n",
                str(n),
                "--seed",
                str(args.seed),
                "-o",
                str(path),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        gen_s = time.perf_counter() - t0
        print(f"population: {n} applicants generated and written in {gen_s:.2f} s")
        run = subprocess.run(
            [sys.executable, __file__, "--impact-only", str(path), str(amendment)],
            capture_output=True,
            text=True,
            check=True,
        )
        measured = json.loads(run.stdout.strip().splitlines()[-1])
        table = read(path)
    impact_s, impact_mb, report = measured["seconds"], measured["peak_memory_mb"], measured["report"]
    flips = {p: (r["gained"], r["lost"]) for p, r in report["permits"].items()}
    print(
        f"impact ({amendment.name}; baseline and amendment, all {len(flips)} permits, quotas, report): {impact_s:.2f} s, "
        f"peak memory {impact_mb:.0f} MB (the impact process and its workers)"
    )
    for p, (g, lost) in flips.items():
        print(f"  {p:28} +{g:<8} -{lost}")

    # the shared rule: best of three for each engine
    of_s, of_points = min((time_openfisca(table, DECISION_DATE) for _ in range(3)), key=lambda x: x[0])
    lx = min((time_lexgraph_points(table, DECISION_DATE) for _ in range(3)), key=lambda x: x[0])
    lx_s, lo, hi = lx
    exact = lo == hi
    # where every fact is known, the two engines must agree
    agree = bool(
        np.array_equal(np.asarray(of_points)[exact & _all_known(table)], lo[exact & _all_known(table)])
    )
    ratio = of_s / lx_s
    print(
        f"work-permit points, {n} applicants: OpenFisca-core {of_s:.3f} s, lexgraph (three-valued range) {lx_s:.3f} s; "
        f"ratio {ratio:.2f}; agree on fully known applicants: {agree}"
    )
    bench_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "benchmark": "impact",
                "applicants": n,
                "seconds": round(impact_s, 3),
                "generate_seconds": round(gen_s, 3),
                "peak_memory_mb": round(impact_mb, 1),
                "benchmark_process_peak_mb": round(bench_mb, 1),
                "openfisca_seconds": round(of_s, 4),
                "lexgraph_points_seconds": round(lx_s, 4),
                "openfisca_ratio": round(ratio, 3),
                "points_agree": agree,
                "amendment": amendment.name,
            }
        )
    )
    return 0 if agree else 1


def impact_only(population: Path, amendment: Path) -> int:
    """The measured step alone: `impact` on a population file, then its seconds, its peak memory
    (this process plus its largest worker) and the report's counts, as one JSON line."""
    from lexgraph.api import impact

    t0 = time.perf_counter()
    report = impact(population, [amendment], {}, examples=1)
    seconds = time.perf_counter() - t0
    peak_mb = (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    ) / 1024
    counts = {p: {"gained": r["gained"], "lost": r["lost"]} for p, r in report["permits"].items()}
    print(json.dumps({"seconds": seconds, "peak_memory_mb": peak_mb, "report": {"permits": counts}}))
    return 0


def _all_known(table: pa.Table) -> Any:
    names = [
        "employment",
        "employment.annual_salary_cny",
        "applicant.education",
        "applicant.vocational_qualification",
        "applicant.related_work_experience_years",
        "employment.annual_months_working_in_china",
        "applicant.formerly_chinese_national",
        "applicant.degree_taught_in_chinese",
        "applicant.chinese_hsk_level",
        "employment.work_region",
        "applicant.birth_date",
        "applicant.degree_from_top_foreign_university",
        "applicant.fortune_global_500_experience",
        "applicant.holds_patent",
        "employment.consecutive_years_working_in_china",
        "employment.local_bonus_points",
    ]
    ok = np.ones(table.num_rows, dtype=bool)
    for name in names:
        ok &= np.asarray(table.column(name).is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    ok &= np.asarray(table.column("employment").fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    return ok


if __name__ == "__main__":
    sys.exit(main())
