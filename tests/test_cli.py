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
    assert "外国人在中国永久居留审批管理办法 第六条第一款第二项" in out
    assert "「（二）在中国担任副总经理、副厂长等职务以上" in out
    assert "中华人民共和国外国人入境出境管理条例 第十六条第一款第一项" in out  # a met requirement is a ground


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
    bad.write_text(
        json.dumps(
            {
                "id": "x",
                "decision_date": "2024-13-01",
                "applicant": {"nationality": "usa", "birth_date": "1980-01-01"},
            }
        )
    )
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
    assert (
        out.returncode == 1
        and {"syntax_error", "duplicate_id", "unreadable_source", "fact_not_in_contract"} <= codes
    )


# ------------------------------------------------------------------ input errors, never a traceback (issue 19)

EXAMPLE = json.loads((ROOT / "examples" / "engineer_pr.json").read_text(encoding="utf-8"))


def _in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    from lexgraph.compliance.cli import main

    code = main(list(args))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "internal error" not in captured.err, captured.err
    return code, captured.out + captured.err


def _application_file(tmp_path: Path, name: str) -> tuple[Path, str]:
    """A bad application file and what its error must name."""
    path = tmp_path / f"{name}.json"
    text = json.dumps(EXAMPLE)
    if name == "directory":
        path.mkdir()
        return path, "is a directory"
    if name == "utf16":
        path.write_bytes(text.encode("utf-16"))
        return path, "not UTF-8"
    if name == "latin1":
        path.write_bytes(text.replace("DEU", "DÉU").encode("latin-1"))
        return path, "not UTF-8"
    if name == "nested":
        path.write_text("[" * 50_000 + "]" * 50_000, encoding="utf-8")
        return path, "nested too deeply"
    if name == "digits":
        path.write_text(text[:-1] + ', "x": ' + "7" * 5001 + "}", encoding="utf-8")
        return path, "4300 digits"
    if name == "year0":
        path.write_text(json.dumps({**EXAMPLE, "decision_date": "0000-01-01"}), encoding="utf-8")
        return path, "$.decision_date"
    if name == "overflow":
        path.write_text(json.dumps({**EXAMPLE, "residence": {"entry_date": "9999-12-31"}}), encoding="utf-8")
        return path, "$.residence.entry_date"
    if name == "nan":
        path.write_text(text[:-1] + ', "x": NaN}', encoding="utf-8")
        return path, "$.x"
    raise AssertionError(name)


@pytest.mark.parametrize(
    "name", ["directory", "utf16", "latin1", "nested", "digits", "year0", "overflow", "nan"]
)
def test_decide_names_what_is_wrong_with_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path, expected = _application_file(tmp_path, name)
    code, output = _in_process(capsys, "decide", str(path))
    assert code == 1
    assert expected in output and str(path) in output, output


def test_decide_output_and_log_errors_are_input_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = str(ROOT / "examples" / "engineer_pr.json")
    code, output = _in_process(capsys, "decide", example, "-o", str(tmp_path))
    assert code == 1 and f"cannot write `{tmp_path}`" in output
    code, output = _in_process(capsys, "decide", example, "--format", "json", "--log", "sqlite:///:memory:")
    assert code == 1 and ":memory:" in output
    code, output = _in_process(
        capsys, "decide", example, "--format", "json", "--log", f"sqlite:///{tmp_path}/no/such/dir/x.db"
    )
    assert code == 1 and "decision log" in output
    (tmp_path / "junk.db").write_bytes(b"this is not a database at all, not even close" * 100)
    code, output = _in_process(
        capsys, "decide", example, "--format", "json", "--log", f"sqlite:///{tmp_path}/junk.db"
    )
    assert code == 1 and "decision log" in output


def test_audit_verify_on_what_is_not_a_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    code, output = _in_process(capsys, "audit", "verify", str(junk))
    assert code == 1 and "not a SQLite database" in output and str(junk) in output
    code, output = _in_process(capsys, "audit", "verify", "mysql://localhost/x")
    assert code == 1 and "mysql://localhost/x" in output
    code, output = _in_process(capsys, "audit", "verify", str(tmp_path / "absent.db"))
    assert code == 1 and "no decision log" in output
    assert not (tmp_path / "absent.db").exists()  # reading never creates one
    (tmp_path / "bad.jsonl").write_text("{not json\n", encoding="utf-8")
    code, output = _in_process(capsys, "audit", "verify", str(tmp_path / "bad.jsonl"))
    assert code == 1 and "bad.jsonl:1" in output


@pytest.mark.parametrize(
    "expression",
    [
        "not " * 400 + "applicant.criminal_record",
        " and ".join(["applicant.criminal_record"] * 1000),
        "all of { " * 300 + "applicant.criminal_record" + " }" * 300,
    ],
)
def test_check_bounds_nesting_with_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], expression: str
) -> None:
    source = tmp_path / "deep.lex"
    source.write_text(
        'instrument deep {\n  title_zh "深"\n}\narticle 1 { text "x" }\n'
        f"rule r at art 1 {{\n  conclude eligible z_visa\n  when {expression}\n}}\n",
        encoding="utf-8",
    )
    code, output = _in_process(capsys, "check", str(source))
    assert code == 1 and "nesting_too_deep" in output and f"{source}:7:" in output, output[:500]


def test_check_sources_bounded_located_and_present(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.lex"
    big.write_text('instrument big { title_zh "' + "长" * 300_000 + '" }\n', encoding="utf-8")
    code, output = _in_process(capsys, "check", str(big))
    assert code == 1 and "source_too_large" in output and "KiB" in output
    bad = tmp_path / "bad.lex"
    bad.write_bytes(b'instrument bad {\n  title_zh "\xff"\n}\n')
    code, output = _in_process(capsys, "check", str(bad))
    assert code == 1 and f"{bad}:2:13: unreadable_source" in output and "not UTF-8" in output, output
    (tmp_path / "empty").mkdir()
    code, output = _in_process(capsys, "check", str(tmp_path / "empty"))
    assert code == 1 and "nothing to check" in output


@pytest.mark.parametrize(
    "args", [["--port", "99999"], ["--port", "http"], ["--workers", "0"], ["--max-body", "-1"]]
)
def test_serve_refuses_bad_options_as_usage(args: list[str]) -> None:
    out = run("serve", *args)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert args[0] in out.stderr


def test_check_refuses_a_duration_no_date_survives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`birth_date + 9000 years` would leave the calendar at decision time (a ValueError in the
    evaluator); the checker says where instead."""
    source = tmp_path / "far.lex"
    source.write_text(
        'amendment far_future {\n  title_zh "远"\n  status proposed\n  amends pr_measures\n}\n'
        'rule far_rule {\n  source "test"\n  conclude eligible permanent_residence\n'
        "  when decision_date > applicant.birth_date + 9000 years\n}\n",
        encoding="utf-8",
    )
    code, output = _in_process(
        capsys, "decide", str(ROOT / "examples" / "engineer_pr.json"), "--with", str(source)
    )
    assert code == 1 and f"{source}:9:47: duration_too_long" in output, output


def test_lexgraph_test_runs_scenarios_as_tests(tmp_path: Path) -> None:
    passing = run("test", "tests/scenarios/pr_measures")
    assert passing.returncode == 0 and " passed, 0 failed" in passing.stdout
    # a scenario that expects the wrong outcome fails, naming what differs
    scenario = json.loads(
        (ROOT / "tests/scenarios/pr_measures/item5_spouse_exact_thresholds.json").read_text(encoding="utf-8")
    )
    scenario["expect"][0]["outcome"] = "ineligible"
    (tmp_path / "wrong.json").write_text(json.dumps(scenario, ensure_ascii=False), encoding="utf-8")
    failing = run("test", str(tmp_path))
    assert failing.returncode == 1
    assert "FAIL" in failing.stdout and "expected ineligible, got eligible" in failing.stdout
    assert "0 passed, 1 failed" in failing.stdout
    # a file that is not a scenario: exit 1 with its path, never a traceback
    (tmp_path / "wrong.json").write_text('{"x": 1}', encoding="utf-8")
    broken = run("test", str(tmp_path))
    assert (
        broken.returncode == 1 and "not a scenario file" in broken.stderr and "Traceback" not in broken.stderr
    )


def test_the_law_read_is_the_checkout_s_and_the_header_says_so(tmp_path: Path) -> None:
    inside = run("decide", "examples/engineer_pr.json").stdout
    assert "read from ./regulations (this checkout)" in inside.splitlines()[1]
    outside = subprocess.run(
        [*LEXGRAPH, "decide", str(ROOT / "examples/engineer_pr.json")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    ).stdout
    assert "read from the corpus bundled with lexgraph" in outside.splitlines()[1]
