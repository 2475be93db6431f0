"""`pip install lexgraph` (no extras) decides an application: `lexgraph check` and `lexgraph decide`
run where z3, Dask, FastAPI, SQLAlchemy and pyarrow cannot be imported, and the commands that need
an extra say which instead of a traceback. The packages are blocked by a meta-path finder that a
`sitecustomize` on PYTHONPATH installs in the child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "engineer_pr.json"
# The libraries of the extras `analysis`, `impact`, `audit`, `postgres` and `serve`.
BLOCKED = (
    "z3",
    "dask",
    "distributed",
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "pyarrow",
    "psycopg",
    "cryptography",
    "pydantic",
    "fastapi_offline",
)

BLOCKER = f"""
import importlib.abc
import sys

BLOCKED = {BLOCKED!r}


class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {{name!r}} (blocked: not installed)", name=name)
        return None


sys.meta_path.insert(0, Blocker())
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    site = tmp_path_factory.mktemp("blocked")
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    return {**os.environ, "PYTHONPATH": str(site)}


def lexgraph(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lexgraph.compliance.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def test_the_blocker_blocks(env: dict[str, str]) -> None:
    for name in BLOCKED:
        run = subprocess.run(
            [sys.executable, "-c", f"import {name}"], capture_output=True, text=True, env=env
        )
        assert run.returncode != 0 and "blocked: not installed" in run.stderr, name


def test_decide_and_check_need_no_extra(env: dict[str, str]) -> None:
    run = lexgraph(env, "decide", str(EXAMPLE), "--format", "json")
    assert run.returncode == 0, run.stderr
    decided = {d["permit"]: d["outcome"] for d in json.loads(run.stdout)["decisions"]}
    assert decided["permanent_residence"] == "eligible"
    run = lexgraph(env, "decide", str(EXAMPLE), "--format", "html")
    assert run.returncode == 0 and run.stdout.startswith("<!doctype html>"), run.stderr
    run = lexgraph(env, "explain", str(EXAMPLE), "--permit", "work_permit")
    assert run.returncode == 0 and "work_permit" in run.stdout, run.stderr
    run = lexgraph(env, "check", "regulations")
    assert run.returncode == 0 and run.stdout.startswith("ok:"), run.stderr
    run = lexgraph(env, "--help")
    assert run.returncode == 0 and "analyze" in run.stdout and "serve" in run.stdout


def test_the_public_api_imports_without_extras(env: dict[str, str]) -> None:
    code = (
        "import json, lexgraph; law = lexgraph.load_law(); "
        f"d = lexgraph.decide(law, json.load(open({str(EXAMPLE)!r}))); print(len(d.decisions))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert run.returncode == 0 and int(run.stdout) > 0, run.stderr


def test_a_command_that_needs_an_extra_fails_without_it(env: dict[str, str]) -> None:
    for args, extra in (
        (["analyze", "tests/analysis/compatible"], "analysis"),
        (["population", "--n", "10", "-o", "pop.parquet"], "impact"),
        (["audit", "verify", "sqlite:///nowhere.db"], "audit"),
        (["serve", "--port", "0"], "serve"),
    ):
        run = lexgraph(env, *args)
        assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
        assert f"pip install 'lexgraph[{extra}]'" in run.stderr, run.stderr
