"""`lexgraph impact`: counts equal a plain loop over decide; monotone in pass mark and quota; the
same bytes inline, on local processes and on a Dask cluster."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lexgraph.api import impact, load_law
from lexgraph.compliance.cli import main
from lexgraph.compliance.population import generate, read, write
from lexgraph.compliance.render import dumps
from lexgraph.engine.batch import applications_from_table

FIXTURE = Path(__file__).parent / "impact" / "fixture_independent.lex"


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pop") / "pop.parquet"
    write(generate(600, seed=3), path)
    return path


def _report(population: Path, **kw: Any) -> dict[str, Any]:
    params = kw.pop("parameters", {})
    return impact(
        population, [FIXTURE], params, workers=kw.pop("workers", 1), examples=kw.pop("examples", 1), **kw
    )


def test_counts_equal_a_plain_loop_over_decide(population: Path) -> None:
    report = _report(population)  # the default quota does not bind on 600 applicants
    # the documented quota semantics decide everyone not over the quota with the count at 0
    apps = [
        {**a, "quota": {"independent_grants_this_year": 0}} for a in applications_from_table(read(population))
    ]
    before, after = load_law(), load_law(None, [FIXTURE])
    for permit, r in report["permits"].items():
        b = [before.decide({**a, "requested": [permit]}, trace=False).decisions[0].outcome for a in apps]
        a_ = [after.decide({**a, "requested": [permit]}, trace=False).decisions[0].outcome for a in apps]
        assert r["eligible_before"] == b.count("eligible"), permit
        assert r["eligible_after"] == a_.count("eligible"), permit
        assert r["gained"] == sum(x != "eligible" and y == "eligible" for x, y in zip(b, a_, strict=True)), (
            permit
        )
        assert r["lost"] == sum(x == "eligible" and y != "eligible" for x, y in zip(b, a_, strict=True)), (
            permit
        )
        flips = sum(x["count"] for x in r["by_rule"])
        assert flips == sum(x != y for x, y in zip(b, a_, strict=True)), permit
    assert report["permits"]["permanent_residence"]["gained"] > 0  # the fixture does let people in


def _independent_grants(report: dict[str, Any]) -> int:
    return int(report["permits"]["permanent_residence"]["eligible_after"])


def test_raising_the_pass_mark_never_increases_grants(population: Path) -> None:
    grants = [
        _independent_grants(_report(population, parameters={"pass_mark": str(p)}, examples=0))
        for p in (30, 50, 65, 90)
    ]
    assert grants == sorted(grants, reverse=True) and grants[0] > grants[-1]


def test_lowering_the_quota_never_increases_grants(population: Path) -> None:
    reports = [
        _report(population, parameters={"quota": str(q), "pass_mark": "30"}, examples=0)
        for q in (1000, 40, 10, 0)
    ]
    grants = [_independent_grants(r) for r in reports]
    assert grants == sorted(grants, reverse=True) and grants[0] > grants[-1]
    q = next(x for x in reports[2]["quotas"] if x["permit"] == "permanent_residence")
    assert q["granted"] == 10 and q["refused_over_quota"] == q["needing_quota"] - 10
    # what depends on the refused permit follows it: no D visa on a PR refused over quota
    assert reports[3]["permits"]["d_visa"]["gained"] <= reports[0]["permits"]["d_visa"]["gained"]


def test_identical_bytes_inline_processes_and_dask(population: Path) -> None:
    from distributed import Client, LocalCluster

    inline = dumps(_report(population, parameters={"quota": "20"}, chunk_rows=250))
    local = dumps(_report(population, parameters={"quota": "20"}, workers=2, chunk_rows=250))
    with (
        LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster,
        Client(cluster),
    ):
        distributed = dumps(
            _report(
                population, parameters={"quota": "20"}, scheduler=cluster.scheduler_address, chunk_rows=250
            )
        )
    assert inline == local == distributed
    assert inline == dumps(_report(population, parameters={"quota": "20"}))  # chunking does not matter


def test_cli_population_and_impact_formats(tmp_path: Path) -> None:
    out = tmp_path / "p.parquet"
    assert main(["population", "--n", "200", "--seed", "5", "-o", str(out)]) == 0
    assert out.exists() and not out.with_suffix(".jsonl").exists()  # only what -o names
    assert main(["population", "--n", "200", "--seed", "5", "-o", str(out.with_suffix(".jsonl"))]) == 0
    assert main(["population", "--n", "5", "-o", str(tmp_path / "p.csv")]) == 1
    args = ["--with", str(FIXTURE), "--workers", "1", "--examples", "1"]
    for fmt in ("json", "html", "text"):
        assert main(["impact", str(out), *args, "--format", fmt, "-o", str(tmp_path / f"r.{fmt}")]) == 0
    from_parquet = json.loads((tmp_path / "r.json").read_text())
    assert (
        main(
            [
                "impact",
                str(out.with_suffix(".jsonl")),
                *args,
                "--format",
                "json",
                "-o",
                str(tmp_path / "j.json"),
            ]
        )
        == 0
    )
    from_jsonl = json.loads((tmp_path / "j.json").read_text())
    from_parquet["population"].pop("source"), from_jsonl["population"].pop("source")
    assert from_parquet == from_jsonl
    page = (tmp_path / "r.html").read_text()
    assert "<svg" in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n{oops\n')
    assert main(["impact", str(bad), *args]) == 1
    assert main(["impact", str(out), "--with", str(FIXTURE), "--set", "nope=1"]) == 1
