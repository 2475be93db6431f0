"""The edges: the CLI's outputs follow the contract, are byte-identical, and map errors to exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parent.parent
LEXGRAPH = [sys.executable, "-m", "lexgraph.compliance.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LEXGRAPH, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_decide_json_follows_the_decision_contract_and_is_byte_identical() -> None:
    first = run("decide", "examples/engineer_pr.json", "--format", "json")
    second = run("decide", "examples/engineer_pr.json", "--format", "json")
    assert first.returncode == 0 and first.stdout == second.stdout
    schema = json.loads((ROOT / "contract/decision.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(json.loads(first.stdout))


def test_decide_text_cites_and_quotes_the_law() -> None:
    out = run("decide", "examples/engineer_pr.json").stdout
    assert "外国人在中国永久居留审批管理办法 第六条第一款第五项" in out
    assert "「（五）中国公民或者在中国获得永久居留资格的外国人的配偶" in out


def test_explain_and_as_of() -> None:
    out = run("explain", "examples/engineer_pr.json", "--permit", "z_visa", "--as-of", "2012-01-01")
    assert out.returncode == 0 and "z_visa" in out.stdout and "ineligible" in out.stdout


@pytest.mark.parametrize("fmt", ["json", "dot"])
def test_graph_exports(fmt: str) -> None:
    out = run("graph", "regulations", "--format", fmt)
    assert out.returncode == 0
    if fmt == "json":
        data = json.loads(out.stdout)
        kinds = {e["kind"] for e in data["edges"]}
        assert {"cites", "concludes", "reads", "prevails_over", "implements"} <= kinds
    else:
        assert out.stdout.startswith("digraph lexgraph {")


def test_a_malformed_application_names_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"id": "x", "decision_date": "2024-13-01", "applicant": {"nationality": "usa", "birth_date": "1980-01-01"}}))
    out = run("decide", str(bad))
    assert out.returncode == 1
    assert "$.applicant.nationality" in out.stderr and "$.decision_date" in out.stderr


def test_exit_codes_for_usage_and_source_errors() -> None:
    assert run("decide").returncode == 2
    assert run("nonsense").returncode == 2
    out = run("check", "tests/language/bad/type_mismatch.lex")
    assert out.returncode == 1 and "type_mismatch" in out.stderr
    out = run("decide", "examples/engineer_pr.json", "--law", "tests/language/bad")
    assert out.returncode == 1


def test_check_json_lists_every_error() -> None:
    out = run("check", "tests/language/bad", "--format", "json")
    codes = {d["code"] for d in json.loads(out.stdout)}
    assert out.returncode == 1 and {"syntax_error", "duplicate_id", "unreadable_source", "fact_not_in_contract"} <= codes
