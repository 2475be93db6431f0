"""The decision log: hash chain, tamper detection, replay under stored sources, concurrency.

Every test runs against SQLite and, when LEXGRAPH_TEST_PG_URL is set (.ci/postgres.sh), against
PostgreSQL too.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import gzip
import hashlib
import json
import multiprocessing
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jcs
import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st
from lexgraph.api import LawContext, load_law
from lexgraph.compliance.audit import (
    HASHED,
    JCS_KEYS,
    DecisionLog,
    Entry,
    canonical,
    decision_from_json,
    hashed_body,
    metadata,
    record_hash,
)
from lexgraph.compliance.cli import main
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
        if os.environ.get("CI") == "true":  # in CI PostgreSQL is a required part, never skipped
            pytest.fail("LEXGRAPH_TEST_PG_URL is not set: .ci/run starts PostgreSQL with .ci/postgres.sh")
        pytest.skip(
            "LEXGRAPH_TEST_PG_URL is not set: run `source .ci/postgres.sh` to test against PostgreSQL"
        )
    log = DecisionLog(PG_URL, create=False)
    metadata.drop_all(log.engine)  # a fresh log per test: the tables belong to this test database only
    log.close()
    yield PG_URL


@pytest.fixture(scope="module")
def context() -> LawContext:
    return load_law()


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


def test_show_renders_the_decision_as_it_was_told(
    url: str, context: LawContext, application: dict[str, Any]
) -> None:
    log = DecisionLog(url)
    (decision_id,) = fill(log, context, application, 1)
    stored = log.get(decision_id)["decision"]
    assert render_text(decision_from_json(stored)) == render_text(context.decide(variant(application, 0)))


@pytest.mark.parametrize("tamper", ["alter", "delete", "delete_last", "insert", "insert_end", "reorder"])
def test_verify_finds_tampering(
    url: str,
    context: LawContext,
    application: dict[str, Any],
    tamper: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    log = DecisionLog(url)
    ids = fill(log, context, application, 5)
    assert log.verify().ok
    third = log.get(ids[2])
    expected_bad = 3
    if tamper == "alter":  # an ineligible outcome quietly turned eligible
        altered = json.dumps(third["decision"], ensure_ascii=False, separators=(",", ":")).replace(
            "ineligible", "eligible"
        )
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


_INSERT = (
    "INSERT INTO lexgraph_decisions (seq, decision_id, created_at, application_id, application, decision, "
    "law_digest, amendments, parameters, explain, prev_hash, hash) VALUES (:seq, :decision_id, :created_at, "
    ":application_id, :application, :decision, :law_digest, :amendments, :parameters, :explain, :prev_hash, :hash)"
)


def _forged(log: DecisionLog, like: dict[str, Any], seq: int, prev: str) -> dict[str, Any]:
    row = {
        "seq": seq,
        "decision_id": uuid.uuid4().hex,
        "created_at": like["created_at"],
        "application_id": "forged",
        "application": json.dumps({**like["application"], "id": "forged"}),
        "decision": json.dumps(like["decision"]),
        "law_digest": like["law"]["digest"],
        "amendments": "[]",
        "parameters": "{}",
        "explain": "full",
        "prev_hash": prev,
    }
    row["hash"] = record_hash(row)
    return row


def test_replay_uses_the_stored_sources_after_the_corpus_changes(
    url: str, application: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(bundled_regulations(), corpus, ignore=shutil.ignore_patterns("amendments", "__pycache__"))
    context = load_law([corpus], [FAST_TRACK], {"min_years_in_post": "9"})
    log = DecisionLog(url)
    recorded = log.record(
        application,
        decision_json(context.decide(application)),
        context,
        [FAST_TRACK],
        {"min_years_in_post": "9"},
    )
    # The corpus moves on: the file the decision was taken under is rewritten.
    measures = corpus / "pr_measures" / "pr_measures.lex"
    measures.write_text(measures.read_text(encoding="utf-8") + "\n# amended later\n", encoding="utf-8")
    report = log.replay(recorded["decision_id"])
    assert report["same"], report["differences"]
    assert report["replayed_digest"] == recorded["law"]["digest"]
    assert report["engine_differs"] is False and report["recorded_engine"] == recorded["law"]["engine"]
    assert recorded["law"]["parameters"] == {"min_years_in_post": 9}
    assert main(["audit", "replay", recorded["decision_id"], "--db", url]) == 0
    capsys.readouterr()
    # Stored sources that were tampered with no longer reproduce the decision: replay says so.
    with log.engine.connect() as conn:
        files = json.loads(
            conn.execute(
                text("SELECT files FROM lexgraph_sources WHERE digest = :d"), {"d": recorded["law"]["digest"]}
            ).scalar_one()
        )
    files = [[p, t.replace("# ", "#  ", 1)] for p, t in files]
    execute(
        log,
        "UPDATE lexgraph_sources SET files = :f WHERE digest = :d",
        f=json.dumps(files),
        d=recorded["law"]["digest"],
    )
    report = log.replay(recorded["decision_id"])
    assert (
        not report["same"]
        and {
            "path": "$.law.digest",
            "recorded": recorded["law"]["digest"],
            "replayed": report["replayed_digest"],
        }
        in report["differences"]
    )
    assert main(["audit", "replay", recorded["decision_id"], "--db", url]) == 1


def test_cli_decide_log_show_export(
    url: str,
    context: LawContext,
    application: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
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


def test_concurrent_writers_keep_one_chain(
    url: str, context: LawContext, application: dict[str, Any]
) -> None:
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


def test_a_new_sqlite_log_has_large_pages_and_an_old_one_keeps_its_own(
    tmp_path: Path, context: LawContext, application: dict[str, Any]
) -> None:
    """A record carries a ~90 kB decision: a new log is made of PAGE_SIZE pages; a log that exists
    keeps the pages it was made with, and takes records as before."""
    from lexgraph.compliance.audit.storage import PAGE_SIZE

    new, old = tmp_path / "new.db", tmp_path / "old.db"
    with contextlib.closing(sqlite3.connect(old)) as conn:
        conn.execute("PRAGMA page_size=4096")
        conn.execute("PRAGMA journal_mode=WAL")
    for db in (new, old):
        log = DecisionLog(f"sqlite:///{db}")
        log.record(application, decision_json(context.decide(application)), context)
        log.close()
        assert DecisionLog(f"sqlite:///{db}").verify().ok
    sizes = []
    for db in (new, old):
        with contextlib.closing(sqlite3.connect(db)) as conn:
            sizes.append(conn.execute("PRAGMA page_size").fetchone()[0])
    assert sizes == [PAGE_SIZE, 4096] and PAGE_SIZE > 4096


def test_background_checkpoints_keep_the_wal_bounded(
    tmp_path: Path, context: LawContext, application: dict[str, Any]
) -> None:
    """The service moves SQLite's WAL checkpoints to a thread; under sustained writes the WAL is
    still rewound, so it stays a few megabytes while ten times as much is logged."""
    db = tmp_path / "decisions.db"
    log = DecisionLog(f"sqlite:///{db}")
    log.checkpoint_in_background(every=0.02, restart_bytes=1 << 20)  # rewind past 1 MiB
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
@given(
    st.integers(1, 2**62),
    st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",))), min_size=9, max_size=9),
    st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
)
def test_the_chain_hash_is_sha256_of_the_canonical_record(seq: int, fields: list[str], prev: str) -> None:
    """Writers hash a pre-encoded body (orjson when it can); the definition auditors re-check
    with any JSON library is SHA-256 over canonical([seq, …fields, prev_hash]). Every Unicode
    character but lone surrogates, which validation refuses (they are not text)."""
    row = {"seq": seq, **dict(zip(HASHED[1:-1], fields, strict=True)), "prev_hash": prev}
    definition = hashlib.sha256(canonical([row[k] for k in HASHED]).encode()).hexdigest()
    assert record_hash(row) == definition


# ------------------------------------------------------------------ an audit trail that proves itself (issue 19)


def _export(url: str, path: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    assert main(["audit", "export", "--db", url, "-o", str(path)]) == 0
    capsys.readouterr()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_an_export_re_hashes_offline_with_any_json_library(
    url: str,
    context: LawContext,
    application: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each exported record carries its hashed fields as stored: SHA-256 of the RFC 8785 (JCS) form
    of the line without its hash is its hash, and each prev_hash is the hash before it. Nothing of
    lexgraph's is needed to check that: here an independent JCS implementation (`jcs`) does."""
    log = DecisionLog(url)
    app = {**application, "id": 'ünïcødé "quoted"\n\t\u0001 — 中文'}
    log.record(app, decision_json(context.decide(app)), context)
    fill(log, context, application, 3)
    records = _export(url, tmp_path / "export.jsonl", capsys)
    prev = "0" * 64
    for r in records:
        assert r["canon"] == "jcs"
        assert (
            hashlib.sha256(jcs.canonicalize({k: v for k, v in r.items() if k != "hash"})).hexdigest()
            == r["hash"]
        )
        assert r["prev_hash"] == prev
        prev = r["hash"]
    assert json.loads(records[0]["application"]) == app
    assert main(["audit", "verify", str(tmp_path / "export.jsonl")]) == 0
    assert "ok: 4 records" in capsys.readouterr().out
    # An altered line no longer verifies.
    lines = (tmp_path / "export.jsonl").read_text(encoding="utf-8").splitlines()
    changed = json.loads(lines[1])
    changed["decision"] = changed["decision"].replace("ineligible", "eligible", 1)
    (tmp_path / "bad.jsonl").write_text(
        "\n".join([lines[0], canonical(changed), *lines[2:]]) + "\n", encoding="utf-8"
    )
    assert main(["audit", "verify", str(tmp_path / "bad.jsonl")]) == 1
    assert "altered" in capsys.readouterr().err


@pytest.mark.parametrize("tamper", ["alter", "delete"])
def test_verify_checks_the_stored_sources(
    url: str, application: dict[str, Any], tamper: str, capsys: pytest.CaptureFixture[str]
) -> None:
    context = load_law(None, [FAST_TRACK], {"min_years_in_post": "9"})
    log = DecisionLog(url)
    log.record(
        application,
        decision_json(context.decide(application)),
        context,
        [FAST_TRACK],
        {"min_years_in_post": "9"},
    )
    base = load_law()
    log.record(application, decision_json(base.decide(application)), base)
    result = log.verify()
    assert result.ok and result.sources == 2, result.problem
    digest = context.law.digest
    if tamper == "alter":
        with log.engine.connect() as conn:
            amendments = json.loads(
                conn.execute(
                    text("SELECT amendments FROM lexgraph_sources WHERE digest = :d"), {"d": digest}
                ).scalar_one()
            )
        amendments = [[n, t.replace(">= params.min_years_in_post", ">= 0")] for n, t in amendments]
        execute(
            log,
            "UPDATE lexgraph_sources SET amendments = :a WHERE digest = :d",
            a=json.dumps(amendments),
            d=digest,
        )
    else:
        execute(log, "DELETE FROM lexgraph_sources WHERE digest = :d", d=digest)
    result = log.verify()
    assert not result.ok
    assert ("altered" if tamper == "alter" else "missing") in result.problem
    assert main(["audit", "verify", url]) == 1
    assert "sources" in capsys.readouterr().err


def _head(log: DecisionLog, seq: int, hash_: str) -> None:
    execute(log, "UPDATE lexgraph_chain_head SET seq = :s, hash = :h WHERE id = 1", s=seq, h=hash_)


def _rehash_from(log: DecisionLog, seq: int) -> None:
    """What an intruder with write access does: recompute every hash from `seq` on, and the head."""
    with log.engine.connect() as conn:
        rows = [
            dict(r) for r in conn.execute(text("SELECT * FROM lexgraph_decisions ORDER BY seq")).mappings()
        ]
    prev = rows[seq - 2]["hash"] if seq > 1 else "0" * 64
    for row in rows[seq - 1 :]:
        row["prev_hash"] = prev
        row["hash"] = prev = record_hash(row)
        execute(
            log,
            "UPDATE lexgraph_decisions SET prev_hash = :p, hash = :h WHERE seq = :s",
            p=row["prev_hash"],
            h=row["hash"],
            s=row["seq"],
        )
    _head(log, len(rows), prev)


@pytest.mark.parametrize("attack", ["truncate", "wipe", "rewrite", "insert"])
def test_a_signed_checkpoint_catches_what_the_head_row_cannot(
    url: str,
    context: LawContext,
    application: dict[str, Any],
    tmp_path: Path,
    attack: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each attack rewrites the head row too, so `verify` alone passes; verified against a signed
    checkpoint taken before it, the log no longer extends that checkpoint."""
    log = DecisionLog(url)
    fill(log, context, application, 5)
    key = tmp_path / "checkpoint.key"
    assert main(["audit", "keygen", str(key)]) == 0
    assert key.stat().st_mode & 0o077 == 0
    checkpoint = tmp_path / "checkpoint.json"
    assert main(["audit", "checkpoint", "--db", url, "--key", str(key), "-o", str(checkpoint)]) == 0
    verify = ["audit", "verify", url, "--checkpoint", str(checkpoint), "--public-key", f"{key}.pub"]
    fill(log, context, application, 2)  # the log goes on after the checkpoint
    assert main(verify) == 0
    assert "extends the checkpoint of record 5" in capsys.readouterr().out
    if attack == "truncate":  # the tail cut off, the head moved back
        execute(log, "DELETE FROM lexgraph_decisions WHERE seq >= 4")
        _head(log, 3, log.get(_ids(log)[-1])["hash"])
    elif attack == "wipe":
        execute(log, "DELETE FROM lexgraph_decisions")
        _head(log, 0, "0" * 64)
    elif attack == "rewrite":  # an outcome changed, every later hash recomputed
        record = _row(log, 2)
        execute(
            log,
            "UPDATE lexgraph_decisions SET decision = :d WHERE seq = 2",
            d=record["decision"].replace("ineligible", "eligible", 1),
        )
        _rehash_from(log, 2)
    else:  # a forged record slipped in at 3, the rest renumbered and re-hashed
        execute(log, "UPDATE lexgraph_decisions SET seq = seq + 100 WHERE seq >= 3")
        execute(log, "UPDATE lexgraph_decisions SET seq = seq - 99 WHERE seq >= 100")
        execute(log, _INSERT, **_forged(log, log.get(_ids(log)[0]), seq=3, prev=_row(log, 2)["hash"]))
        _rehash_from(log, 3)
    assert DecisionLog(url).verify().ok  # the head row moved with the attack: unsigned, it cannot tell
    assert main(verify) == 1
    assert "checkpoint" in capsys.readouterr().err


def test_checkpoints_refuse_a_forged_signature_or_another_key(
    url: str,
    context: LawContext,
    application: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    log = DecisionLog(url)
    fill(log, context, application, 2)
    assert main(["audit", "keygen", str(tmp_path / "k")]) == 0
    assert main(["audit", "keygen", str(tmp_path / "other")]) == 0
    assert main(["audit", "keygen", str(tmp_path / "k")]) == 1  # never overwritten
    cp = tmp_path / "cp.json"
    assert main(["audit", "checkpoint", "--db", url, "--key", str(tmp_path / "k"), "-o", str(cp)]) == 0
    data = json.loads(cp.read_text(encoding="utf-8"))
    assert data["seq"] == 2 and data["hash"] == log.verify().head_hash
    capsys.readouterr()
    assert (
        main(["audit", "verify", url, "--checkpoint", str(cp), "--public-key", str(tmp_path / "other.pub")])
        == 1
    )
    assert "signed by key" in capsys.readouterr().err
    (tmp_path / "moved.json").write_text(json.dumps({**data, "seq": 1}), encoding="utf-8")
    assert (
        main(
            [
                "audit",
                "verify",
                url,
                "--checkpoint",
                str(tmp_path / "moved.json"),
                "--public-key",
                str(tmp_path / "k.pub"),
            ]
        )
        == 1
    )
    assert "signature is not valid" in capsys.readouterr().err
    assert main(["audit", "verify", url, "--checkpoint", str(cp)]) == 2  # which key? say so
    # An export verifies against the checkpoint offline too.
    records = _export(url, tmp_path / "e.jsonl", capsys)
    assert len(records) == 2
    assert (
        main(
            [
                "audit",
                "verify",
                str(tmp_path / "e.jsonl"),
                "--checkpoint",
                str(cp),
                "--public-key",
                str(tmp_path / "k.pub"),
            ]
        )
        == 0
    )
    (tmp_path / "short.jsonl").write_text(
        (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8"
    )
    assert (
        main(
            [
                "audit",
                "verify",
                str(tmp_path / "short.jsonl"),
                "--checkpoint",
                str(cp),
                "--public-key",
                str(tmp_path / "k.pub"),
            ]
        )
        == 1
    )
    # A broken log is never signed.
    execute(log, "UPDATE lexgraph_decisions SET application_id = 'x' WHERE seq = 1")
    assert (
        main(
            [
                "audit",
                "checkpoint",
                "--db",
                url,
                "--key",
                str(tmp_path / "k"),
                "-o",
                str(tmp_path / "no.json"),
            ]
        )
        == 1
    )
    assert not (tmp_path / "no.json").exists()


def test_find_decisions_by_application_id(
    url: str, context: LawContext, application: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    log = DecisionLog(url)
    fill(log, context, application, 3)
    long_id = "x" * 10_000  # any string is an id: PostgreSQL indexes a digest of it
    wanted = [
        log.record({**application, "id": long_id}, decision_json(context.decide(application)), context)[
            "decision_id"
        ]
        for _ in range(2)
    ]
    assert [f["decision_id"] for f in log.find(long_id)] == wanted
    assert log.find("app-0001")[0]["seq"] == 2 and log.find("nobody") == []
    assert main(["audit", "show", "--application", long_id, "--db", url, "--format", "json"]) == 0
    assert capsys.readouterr().out.count('"decision_id"') == 2
    assert main(["audit", "show", "--application", "nobody", "--db", url]) == 1


def _ids(log: DecisionLog) -> list[str]:
    return [r["decision_id"] for r in log.rows()]


def _row(log: DecisionLog, seq: int) -> dict[str, Any]:
    return next(r for r in log.rows() if int(r["seq"]) == seq)


# ------------------------------------------------------------------ canonical JSON and the schema's versions (issue 17)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 2**53 - 1),
    st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",))), min_size=9, max_size=9),
    st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
)
def test_a_record_hash_is_sha256_of_its_rfc8785_form(seq: int, fields: list[str], prev: str) -> None:
    """Writers encode with orjson when they can; the definition is RFC 8785, here the rfc8785
    library's and the independent `jcs` package's bytes."""
    row = {"seq": seq, **dict(zip(HASHED[1:-1], fields, strict=True)), "prev_hash": prev, "canon": "jcs"}
    assert hashed_body(row) + b"}" == rfc8785.dumps({k: row[k] for k in JCS_KEYS[:-2]})
    definition = hashlib.sha256(rfc8785.dumps(row)).hexdigest()
    assert record_hash(row) == definition == hashlib.sha256(jcs.canonicalize(row)).hexdigest()


def test_the_migrations_head_is_the_one_the_log_expects() -> None:
    from alembic.script import ScriptDirectory
    from lexgraph.compliance.audit.migrations import HEAD, SCRIPTS

    assert ScriptDirectory(str(SCRIPTS)).get_current_head() == HEAD


def _load_old_log(url: str) -> None:
    """A log as the code before migrations made it (tests/audit/make_v1_logs.py), from its SQL dump."""
    dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
    script = gzip.decompress((ROOT / "tests" / "audit" / f"v1_{dialect}.sql.gz").read_bytes()).decode("utf-8")
    if dialect == "sqlite":
        with contextlib.closing(sqlite3.connect(url.split(":///", 1)[1])) as conn:
            conn.executescript(script)
        return
    import psycopg

    statements = "\n".join(line for line in script.splitlines() if not line.startswith("\\"))
    with psycopg.connect(url) as conn:
        conn.execute(statements)  # type: ignore[call-overload]


@pytest.mark.parametrize("opened_by", ["writer", "reader"])
def test_a_log_made_before_migrations_is_upgraded_in_place(
    url: str,
    context: LawContext,
    application: dict[str, Any],
    tmp_path: Path,
    opened_by: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from lexgraph.compliance.audit.migrations import HEAD, VERSION_TABLE

    _load_old_log(url)
    log = DecisionLog(
        url, create=opened_by == "writer"
    )  # `audit verify` opens without create: it upgrades too
    with log.engine.connect() as conn:
        assert conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar() == HEAD
        canons = [r[0] for r in conn.execute(text("SELECT canon FROM lexgraph_decisions ORDER BY seq"))]
    assert canons == ["json"] * 3  # the old records keep their hashes and are verified the old way
    result = log.verify()
    assert result.ok and result.records == 3 and result.sources == 2, result.problem
    old = next(log.rows())
    replayed = log.replay(
        old["decision_id"]
    )  # the same decision; only the engine (its grammar) moved on since
    assert all(d["path"].startswith("$.law.engine") for d in replayed["differences"]), replayed["differences"]
    assert replayed["outcomes"] == {
        d["permit"]: d["outcome"] for d in json.loads(old["decision"])["decisions"]
    }
    log.record(application, decision_json(context.decide(application)), context)
    result = log.verify()
    assert result.ok and result.records == 4, result.problem
    new = list(log.rows())[-1]
    assert new["canon"] == "jcs" and new["prev_hash"] == list(log.rows())[2]["hash"]
    # The export mixes both: each line says how its hash was made, and re-verifies offline.
    records = _export(url, tmp_path / "export.jsonl", capsys)
    assert [r["canon"] for r in records] == ["json"] * 3 + ["jcs"]
    fields = [records[0][k] for k in HASHED]
    assert (
        hashlib.sha256(json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
        == records[0]["hash"]
    )
    assert (
        hashlib.sha256(jcs.canonicalize({k: v for k, v in records[3].items() if k != "hash"})).hexdigest()
        == records[3]["hash"]
    )
    assert main(["audit", "verify", str(tmp_path / "export.jsonl")]) == 0
    assert main(["audit", "verify", url]) == 0
    assert "ok: 4 records" in capsys.readouterr().out
    # A record altered after the upgrade is still caught, whichever way it is hashed.
    execute(log, "UPDATE lexgraph_decisions SET application_id = 'x' WHERE seq = 2")
    assert not log.verify().ok
    log.close()
