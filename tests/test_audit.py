"""The decision log: hash chain, tamper detection, replay under stored sources, concurrency.

Every test runs against SQLite and, when LEXGRAPH_TEST_PG_URL is set (.ci/postgres.sh), against
PostgreSQL too.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import multiprocessing
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lexgraph.compliance.audit import (
    HASHED,
    DecisionLog,
    Entry,
    canonical,
    decision_from_json,
    metadata,
    record_hash,
)
from lexgraph.compliance.cli import main
from lexgraph.compliance.decisions import LawContext
from lexgraph.compliance.render import decision_json, render_text
from lexgraph.engine.loader import bundled_regulations
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "engineer_pr.json"
FAST_TRACK = ROOT / "tests" / "service" / "fast_track.lex"
PG_URL = os.environ.get("LEXGRAPH_TEST_PG_URL", "")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'decisions.db'}"
        return
    if not PG_URL:
        pytest.skip("LEXGRAPH_TEST_PG_URL is not set: run `source .ci/postgres.sh` to test against PostgreSQL")
    log = DecisionLog(PG_URL, create=False)
    metadata.drop_all(log.engine)  # a fresh log per test: the tables belong to this test database only
    log.close()
    yield PG_URL


@pytest.fixture(scope="module")
def context() -> LawContext:
    return LawContext.load()


@pytest.fixture(scope="module")
def application() -> dict[str, Any]:
    return dict(json.loads(EXAMPLE.read_text(encoding="utf-8")))


def variant(application: dict[str, Any], n: int) -> dict[str, Any]:
    app = copy.deepcopy(application)
    app["id"] = f"app-{n:04d}"
    app["employment"]["consecutive_years_in_post"] = n % 7
    return app


def fill(log: DecisionLog, context: LawContext, application: dict[str, Any], n: int) -> list[str]:
    ids = []
    for i in range(n):
        app = variant(application, i)
        ids.append(log.record(app, decision_json(context.decide(app)), context)["decision_id"])
    return ids


def execute(log: DecisionLog, sql: str, **params: Any) -> None:
    """Tampering from outside the program, as an intruder with database access would."""
    with log.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_records_verify_and_read_back(url: str, context: LawContext, application: dict[str, Any]) -> None:
    log = DecisionLog(url)
    ids = fill(log, context, application, 5)
    result = log.verify()
    assert result.ok and result.records == 5, result.problem
    record = log.get(ids[2])
    assert record["seq"] == 3
    assert record["application"] == variant(application, 2)
    assert record["decision"] == decision_json(context.decide(variant(application, 2)))
    assert record["law"]["digest"] == context.law.digest
    assert record["prev_hash"] == log.get(ids[1])["hash"]


def test_show_renders_the_decision_as_it_was_told(url: str, context: LawContext, application: dict[str, Any]) -> None:
    log = DecisionLog(url)
    (decision_id,) = fill(log, context, application, 1)
    stored = log.get(decision_id)["decision"]
    assert render_text(decision_from_json(stored)) == render_text(context.decide(variant(application, 0)))


@pytest.mark.parametrize("tamper", ["alter", "delete", "delete_last", "insert", "insert_end", "reorder"])
def test_verify_finds_tampering(url: str, context: LawContext, application: dict[str, Any], tamper: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    log = DecisionLog(url)
    ids = fill(log, context, application, 5)
    assert log.verify().ok
    third = log.get(ids[2])
    expected_bad = 3
    if tamper == "alter":  # an ineligible outcome quietly turned eligible
        altered = json.dumps(third["decision"], ensure_ascii=False, separators=(",", ":")).replace("ineligible", "eligible")
        execute(log, "UPDATE lexgraph_decisions SET decision = :d WHERE seq = 3", d=altered)
    elif tamper == "delete":
        execute(log, "DELETE FROM lexgraph_decisions WHERE seq = 3")
        expected_bad = 4
    elif tamper == "delete_last":
        execute(log, "DELETE FROM lexgraph_decisions WHERE seq = 5")
        expected_bad = 0  # only the chain head notices
    elif tamper == "insert":  # a forged record, hashed correctly, slipped in at 3; the rest renumbered
        execute(log, "UPDATE lexgraph_decisions SET seq = seq + 100 WHERE seq >= 3")
        execute(log, "UPDATE lexgraph_decisions SET seq = seq - 99 WHERE seq >= 100")
        forged = _forged(log, third, seq=3, prev=log.get(ids[1])["hash"])
        execute(log, _INSERT, **forged)
        expected_bad = 4
    elif tamper == "insert_end":  # appended after the last record, bypassing the program
        execute(log, _INSERT, **_forged(log, third, seq=6, prev=log.get(ids[4])["hash"]))
        expected_bad = 0
    elif tamper == "reorder":
        execute(log, "UPDATE lexgraph_decisions SET seq = 100 WHERE seq = 2")
        execute(log, "UPDATE lexgraph_decisions SET seq = 2 WHERE seq = 3")
        execute(log, "UPDATE lexgraph_decisions SET seq = 3 WHERE seq = 100")
        expected_bad = 2
    result = log.verify()
    assert not result.ok
    if expected_bad:
        assert result.bad_record is not None and result.bad_record["seq"] == expected_bad, result.problem
    else:
        assert "chain head" in result.problem
    assert main(["audit", "verify", url]) == 1
    assert "BROKEN" in capsys.readouterr().err


_INSERT = ("INSERT INTO lexgraph_decisions (seq, decision_id, created_at, application_id, application, decision, "
           "law_digest, amendments, parameters, explain, prev_hash, hash) VALUES (:seq, :decision_id, :created_at, "
           ":application_id, :application, :decision, :law_digest, :amendments, :parameters, :explain, :prev_hash, :hash)")


def _forged(log: DecisionLog, like: dict[str, Any], seq: int, prev: str) -> dict[str, Any]:
    row = {"seq": seq, "decision_id": uuid.uuid4().hex, "created_at": like["created_at"],
           "application_id": "forged", "application": json.dumps({**like["application"], "id": "forged"}),
           "decision": json.dumps(like["decision"]), "law_digest": like["law"]["digest"], "amendments": "[]",
           "parameters": "{}", "explain": "full", "prev_hash": prev}
    row["hash"] = record_hash(row)
    return row


def test_replay_uses_the_stored_sources_after_the_corpus_changes(url: str, application: dict[str, Any],
                                                                 tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(bundled_regulations(), corpus, ignore=shutil.ignore_patterns("amendments", "__pycache__"))
    context = LawContext.load([corpus], [FAST_TRACK], {"min_years_in_post": "9"})
    log = DecisionLog(url)
    recorded = log.record(application, decision_json(context.decide(application)), context, [FAST_TRACK],
                          {"min_years_in_post": "9"})
    # The corpus moves on: the file the decision was taken under is rewritten.
    measures = corpus / "pr_measures" / "pr_measures.lex"
    measures.write_text(measures.read_text(encoding="utf-8") + "\n# amended later\n", encoding="utf-8")
    report = log.replay(recorded["decision_id"])
    assert report["same"], report["differences"]
    assert report["replayed_digest"] == recorded["law"]["digest"]
    assert recorded["law"]["parameters"] == {"min_years_in_post": 9}
    assert main(["audit", "replay", recorded["decision_id"], "--db", url]) == 0
    capsys.readouterr()
    # Stored sources that were tampered with no longer reproduce the decision: replay says so.
    with log.engine.connect() as conn:
        files = json.loads(conn.execute(text("SELECT files FROM lexgraph_sources WHERE digest = :d"),
                                        {"d": recorded["law"]["digest"]}).scalar_one())
    files = [[p, t.replace("# ", "#  ", 1)] for p, t in files]
    execute(log, "UPDATE lexgraph_sources SET files = :f WHERE digest = :d", f=json.dumps(files),
            d=recorded["law"]["digest"])
    report = log.replay(recorded["decision_id"])
    assert not report["same"] and {"path": "$.law.digest", "recorded": recorded["law"]["digest"],
                                    "replayed": report["replayed_digest"]} in report["differences"]
    assert main(["audit", "replay", recorded["decision_id"], "--db", url]) == 1


def test_cli_decide_log_show_export(url: str, context: LawContext, application: dict[str, Any], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decide", str(EXAMPLE), "--format", "json", "--log", url]) == 0
    decision_id = json.loads(capsys.readouterr().out)["decision_id"]
    assert main(["audit", "show", decision_id, "--db", url]) == 0
    shown = capsys.readouterr().out
    assert shown.split("\n", 1)[1] == render_text(context.decide(application))
    fill(DecisionLog(url), context, application, 2)
    out = tmp_path / "archive.jsonl"
    assert main(["audit", "export", "--db", url, "--since", "2000-01-01", "-o", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["seq"] for r in lines] == [1, 2, 3] and lines[0]["decision_id"] == decision_id
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(lines, lines[1:], strict=False))
    assert main(["audit", "export", "--db", url, "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["audit", "show", "no-such-id", "--db", url]) == 1


# ------------------------------------------------------------------ concurrency

_SHARED: dict[str, Any] = {}


def _writer(url: str, n: int, worker: int) -> None:
    log = DecisionLog(url)
    entry: Entry = _SHARED["entry"]
    for i in range(n):
        app = {**entry.application, "id": f"w{worker}-{i}"}
        log.append([dataclasses.replace(entry, application=app, decision_id=uuid.uuid4().hex)])
    log.close()


def test_concurrent_writers_keep_one_chain(url: str, context: LawContext, application: dict[str, Any]) -> None:
    """8 processes × 200 decisions, each its own transaction: 1,600 records, one unbroken chain."""
    log = DecisionLog(url)
    _SHARED["entry"] = log.entry(application, decision_json(context.decide(application)), context)
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_writer, args=(url, 200, w)) for w in range(8)]
    log.close()
    for p in workers:
        p.start()
    for p in workers:
        p.join(120)
    assert all(p.exitcode == 0 for p in workers)
    result = DecisionLog(url).verify()
    assert result.ok, result.problem
    assert result.records == 1600
    with DecisionLog(url).engine.connect() as conn:
        ids = conn.execute(text("SELECT COUNT(DISTINCT application_id) FROM lexgraph_decisions")).scalar_one()
    assert ids == 1600


def test_background_checkpoints_keep_the_wal_bounded(tmp_path: Path, context: LawContext,
                                                     application: dict[str, Any]) -> None:
    """The service moves SQLite's WAL checkpoints to a thread; under sustained writes the WAL is
    still rewound, so it stays a few megabytes while ten times as much is logged."""
    db = tmp_path / "decisions.db"
    log = DecisionLog(f"sqlite:///{db}")
    log.checkpoint_in_background(every=0.02, restart_frames=256)  # rewind past 1 MiB
    entry = log.entry(application, decision_json(context.decide(application)), context)
    written, largest = 0, 0
    while written < 48 << 20:
        batch = [dataclasses.replace(entry, decision_id=uuid.uuid4().hex) for _ in range(8)]
        log.append(batch)
        written += sum(len(e.decision_text or json.dumps(e.decision)) for e in batch)
        largest = max(largest, Path(f"{db}-wal").stat().st_size)
    log.close()
    assert largest < 12 << 20, f"the WAL grew to {largest >> 20} MiB"
    result = DecisionLog(f"sqlite:///{db}").verify()
    assert result.ok, result.problem


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 2**62), st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",))), min_size=9, max_size=9),
       st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
def test_the_chain_hash_is_sha256_of_the_canonical_record(seq: int, fields: list[str], prev: str) -> None:
    """Writers hash a pre-encoded body (orjson when it can); the definition auditors re-check
    with any JSON library is SHA-256 over canonical([seq, …fields, prev_hash]). Every Unicode
    character but lone surrogates, which validation refuses (they are not text)."""
    row = {"seq": seq, **dict(zip(HASHED[1:-1], fields, strict=True)), "prev_hash": prev}
    definition = hashlib.sha256(canonical([row[k] for k in HASHED]).encode()).hexdigest()
    assert record_hash(row) == definition
