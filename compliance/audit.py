"""The decision log: an append-only, hash-chained record of every decision, with the exact
regulation sources stored once per law digest so any decision can be replayed years later.

Each record's hash covers its own content and the previous record's hash; a one-row chain
head (seq, hash) is locked inside the same transaction that appends (SQLite `BEGIN IMMEDIATE`,
PostgreSQL `SELECT … FOR UPDATE`), so concurrent writers — threads, processes or machines —
serialise on the head and can neither fork nor lose the chain. The program never updates or
deletes a record.

    lexgraph audit show DECISION_ID --db URL  |  --application ID --db URL
    lexgraph audit verify URL | EXPORT.jsonl [--checkpoint FILE --public-key KEY.pub]
    lexgraph audit replay DECISION_ID --db URL
    lexgraph audit export --db URL --since DATE
    lexgraph audit keygen KEY
    lexgraph audit checkpoint --db URL --key KEY [-o FILE]

The head row lives in the database it protects, so `verify` alone cannot see a log that was cut
short and its head moved back, nor one rewritten and re-hashed throughout. A signed checkpoint
(Ed25519, the key kept outside the database) fixes the head at a moment; `verify --checkpoint`
proves the log still extends it, as Certificate Transparency's signed tree heads do.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
import threading
import uuid
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
)
from sqlalchemy.exc import (
    ArgumentError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
)

from .decisions import LawContext

try:
    import orjson
except ImportError:  # pragma: no cover - optional speed-up
    orjson = None  # type: ignore[assignment]
from .render import decision_from_json, decision_json, render_text

GENESIS = "0" * 64
DEFAULT_URL = "sqlite:///decisions.db"

metadata = MetaData()
chain_head = Table(
    "lexgraph_chain_head", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)
decisions = Table(
    "lexgraph_decisions", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("decision_id", String(64), nullable=False, unique=True),
    Column("created_at", String(40), nullable=False, index=True),
    Column("application_id", Text, nullable=False),
    Column("application", Text, nullable=False),
    Column("decision", Text, nullable=False),
    Column("law_digest", String(64), nullable=False),
    Column("amendments", Text, nullable=False),
    Column("parameters", Text, nullable=False),
    Column("explain", String(16), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
sources = Table(
    "lexgraph_sources", metadata,
    Column("digest", String(64), primary_key=True),
    Column("files", Text, nullable=False),  # JSON [[relative path, text], …] of the baseline corpus
    Column("amendments", Text, nullable=False),  # JSON [[file name, text], …] in the order applied
    Column("stored_at", String(40), nullable=False),
)

# The hashed content of a record, in this order; changing it breaks every existing chain.
HASHED = ("seq", "decision_id", "created_at", "application_id", "application", "decision", "law_digest",
          "amendments", "parameters", "explain", "prev_hash")


def canonical(data: Any) -> str:
    """Compact canonical JSON: the bytes that are stored and hashed."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compact(data: Any) -> str:
    """Compact JSON keeping key order: a stored decision renders exactly as it was first rendered.
    orjson when installed (the `serve` extra: several times faster on a 20 kB proof tree); the hash
    covers the stored text, so either encoder gives a verifiable record."""
    if orjson is not None:
        try:
            return str(orjson.dumps(data).decode())
        except (TypeError, orjson.JSONEncodeError):  # e.g. an integer beyond 64 bits in an application
            pass
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def hashed_body(row: dict[str, Any]) -> bytes:
    """The canonical encoding of a record's hashed fields between `seq` and `prev_hash` (all
    strings). It does not depend on the chain, so writers encode it before taking the chain lock.
    For a list of strings compact() gives canonical()'s bytes (key order does not arise; orjson
    escapes strings as json does: tests/test_audit.py holds it to that), only faster."""
    return compact([row[k] for k in HASHED[1:-1]])[1:-1].encode()


_GIL_KEPT = 2047  # hashlib releases the GIL for updates of 2048 bytes or more


def chain_hash(seq: int, body: bytes, prev_hash: str) -> str:
    """SHA-256 of canonical([seq, …the body's fields…, prev_hash]).

    Writers call this holding the chain lock. It feeds the body in pieces small enough that
    hashlib keeps the GIL: a thread that gives the GIL up must wait (up to the interpreter's
    switch interval) for the busy request thread to hand it back, and every writer of the log
    would wait with it."""
    h = hashlib.sha256(b"[%d," % seq)
    view = memoryview(body)
    for start in range(0, len(view), _GIL_KEPT):
        h.update(view[start:start + _GIL_KEPT])
    h.update(b',"%b"]' % prev_hash.encode())
    return h.hexdigest()


def record_hash(row: dict[str, Any]) -> str:
    return chain_hash(int(row["seq"]), hashed_body(row), str(row["prev_hash"]))


def normalise_url(url: str) -> str:
    """A bare path means a SQLite file; postgresql:// means psycopg 3 (SQLAlchemy's default is psycopg2)."""
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


ROW_ORDER = (*HASHED, "hash")


def _statements(dialect: str) -> dict[str, str]:
    """The append's statements in the driver's own parameter style (qmark for sqlite3, format
    for psycopg). SQLite has no row locks: BEGIN IMMEDIATE has already taken the write lock."""
    mark = "?" if dialect == "sqlite" else "%s"
    columns = ", ".join(f'"{c}"' for c in ROW_ORDER)
    return {
        "head": f"SELECT seq, hash FROM {chain_head.name} WHERE id = 1" + ("" if dialect == "sqlite" else " FOR UPDATE"),
        "insert": f"INSERT INTO {decisions.name} ({columns}) VALUES ({', '.join([mark] * len(ROW_ORDER))})",
        "advance": f"UPDATE {chain_head.name} SET seq = {mark}, hash = {mark} WHERE id = 1",
    }


class AuditError(Exception):
    """A decision log that cannot be opened, a decision id that is not in it, a checkpoint or key
    that cannot be read."""


@dataclass(frozen=True)
class Entry:
    """One decision to append."""

    application: dict[str, Any]
    decision: dict[str, Any]  # the full decision JSON (with proof trees), without decision_id; with decision_text, its `law` header suffices
    sources: tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]  # (baseline files, amendment files)
    amendments: tuple[str, ...] = ()  # amendment ids as the caller named them
    parameters: dict[str, str] = field(default_factory=dict)
    explain: str = "full"
    decision_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    decision_text: str = ""  # `decision` already encoded with compact(), when the caller has it


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    records: int
    head_hash: str
    problem: str = ""
    bad_record: dict[str, Any] | None = None
    first_seq: int = 1  # an export made with --since starts later
    sources: int = 0  # stored regulation sources checked against their digests
    checkpoint: dict[str, Any] | None = None  # the checkpoint the log was shown to extend


def context_sources(context: LawContext, amendment_paths: Sequence[Path | str] = ()) -> tuple[
        tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """Split the law's source texts into the baseline corpus (paths relative to its common root,
    so imports still resolve when written out again) and the amendment files (by name, in order)."""
    roots = [Path(p).resolve() for p in amendment_paths]
    baseline: list[tuple[Path, str]] = []
    amended: list[tuple[int, str, str]] = []
    for s in context.law.sources:
        path = Path(s.path).resolve()
        owner = next((i for i, r in enumerate(roots) if path == r or r in path.parents), None)
        if owner is None:
            baseline.append((path, s.text))
        else:
            root = roots[owner]
            name = path.name if path == root else str(Path(root.name) / path.relative_to(root))
            amended.append((owner, name, s.text))
    common = Path(os.path.commonpath([str(p.parent) for p, _ in baseline])) if baseline else Path("/")
    files = tuple(sorted((str(p.relative_to(common)), text) for p, text in baseline))
    return files, tuple((name, text) for _, name, text in sorted(amended, key=lambda a: a[0]))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class DecisionLog:
    """The log at one database URL (sqlite:///file.db by default; postgresql://… via psycopg)."""

    def __init__(self, url: str = DEFAULT_URL, create: bool = True):
        self.url = normalise_url(url)
        self.dialect = self.url.split(":", 1)[0].split("+", 1)[0]
        if self.dialect not in ("sqlite", "postgresql"):
            raise AuditError(f"`{url}` is not a decision log URL: use sqlite:///file.db or postgresql://…")
        if self.dialect == "sqlite" and not create:
            _sqlite_file(self.url)  # an existing SQLite file, or say what it is instead
        try:
            self.engine: Engine = self._make_engine()
        except (ArgumentError, NoSuchModuleError, ValueError) as error:
            raise AuditError(f"cannot open the decision log `{url}`: {error}") from None
        self._stored_digests: set[str] = set()
        self._thread_lock = threading.Lock()
        self._lock_file: Any = None
        self._sql = _statements(self.dialect)
        self._checkpointer: threading.Thread | None = None
        self._stop = threading.Event()
        self._sources_cache: dict[tuple[int, tuple[str, ...]], tuple[weakref.ref[LawContext], Any]] = {}
        if create:
            self._create()

    def _make_engine(self) -> Engine:
        if self.dialect == "sqlite":
            if self.url.rstrip("/").endswith(":memory:"):
                raise AuditError("a decision log needs a database file, not :memory:")
            engine = create_engine(self.url, connect_args={"timeout": 60, "check_same_thread": False})

            @event.listens_for(engine, "connect")
            def _connect(dbapi_connection: Any, _record: Any) -> None:
                # Manage transactions ourselves so that BEGIN IMMEDIATE takes the write lock up front:
                # two writers can then never both read the same chain head.
                dbapi_connection.isolation_level = None
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA busy_timeout=60000")
                if self._checkpointer is not None:  # checkpoints run in the background (see below)
                    cursor.execute("PRAGMA wal_autocheckpoint=0")
                cursor.close()

            @event.listens_for(engine, "begin")
            def _begin(conn: Connection) -> None:
                conn.exec_driver_sql("BEGIN IMMEDIATE")

            return engine
        return create_engine(self.url, pool_pre_ping=True, pool_size=4, max_overflow=8)

    def _create(self) -> None:
        # Find decisions by application id. PostgreSQL indexes a digest of it: a B-tree entry
        # holds at most about 2.7 kB, and an id is any non-empty string.
        by_application = ("CREATE INDEX IF NOT EXISTS ix_lexgraph_decisions_application ON lexgraph_decisions "
                          + ("(md5(application_id))" if self.dialect == "postgresql" else "(application_id)"))
        for attempt in range(5):
            try:
                with self.engine.begin() as conn:
                    metadata.create_all(conn, checkfirst=True)
                    if conn.execute(select(chain_head.c.id).where(chain_head.c.id == 1)).first() is None:
                        conn.execute(insert(chain_head).values(id=1, seq=0, hash=GENESIS))
                    conn.exec_driver_sql(by_application)
                return
            except (IntegrityError, ProgrammingError, OperationalError) as error:
                # Another process created the tables or the head row at the same moment: look again.
                if attempt == 4:
                    raise AuditError(f"cannot open the decision log at {_safe_url(self.url)}: "
                                     f"{getattr(error, 'orig', error)}") from None
            except Exception as error:  # not a database at all, a server that refuses us…
                raise AuditError(f"cannot open the decision log at {_safe_url(self.url)}: "
                                 f"{getattr(error, 'orig', error)}") from None

    def checkpoint_in_background(self, every: float = 0.25, restart_frames: int = 16384) -> None:
        """SQLite: take WAL checkpoints off the writers' path (the service calls this).

        By default the writer whose commit fills the WAL copies it into the database file and
        syncs it, so one request in every few hundred waits tens of milliseconds. Here a thread
        copies committed pages every `every` seconds while writers go on (PASSIVE), and, when the
        WAL holds more than `restart_frames` pages, queues on the writers' lock for a moment to
        finish the little that is left and rewind the WAL (RESTART), so it stays bounded under
        sustained load. The database's contents and the chain are untouched."""
        if self.dialect != "sqlite" or self._checkpointer is not None:
            return
        self._checkpointer = threading.Thread(target=self._checkpoints, args=(every, restart_frames),
                                              name="lexgraph-checkpoint", daemon=True)
        self.engine.dispose()  # pooled connections reopen without autocheckpoint
        self._checkpointer.start()

    def _checkpoints(self, every: float, restart_frames: int) -> None:
        import sqlite3

        path = self.url.split(":///", 1)[1]
        conn = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA journal_size_limit={restart_frames * 4096 * 2}")  # a rewound WAL is truncated
        try:
            while not self._stop.wait(every):
                try:
                    _, frames, _ = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    if frames > restart_frames:
                        # Catch up with what came in meanwhile, so the lock is held only for the rest.
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                        with self._writer_lock():
                            conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
                except sqlite3.Error:  # locked for longer than the timeout: the next round tries again
                    continue
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        if self._checkpointer is not None:
            self._checkpointer.join()
        self.engine.dispose()
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    # ------------------------------------------------------------ writing

    def record(self, application: dict[str, Any], decision_json: dict[str, Any], context: LawContext,
               amendment_paths: Sequence[Path | str] = (), parameters: dict[str, str] | None = None,
               explain: str = "full") -> dict[str, Any]:
        """Append one decision; return the decision JSON with its `decision_id`."""
        entry = self.entry(application, decision_json, context, amendment_paths, parameters, explain)
        self.append([entry])
        return {**decision_json, "decision_id": entry.decision_id}

    def entry(self, application: dict[str, Any], decision_json: dict[str, Any], context: LawContext,
              amendment_paths: Sequence[Path | str] = (), parameters: dict[str, str] | None = None,
              explain: str = "full", decision_text: str = "") -> Entry:
        names = tuple(Path(p).stem for p in amendment_paths)
        clean = {k: v for k, v in decision_json.items() if k != "decision_id"}
        return Entry(application, clean, self.sources_of(context, amendment_paths), names,
                     {k: str(v) for k, v in (parameters or {}).items()}, explain, decision_text=decision_text)

    def sources_of(self, context: LawContext, amendment_paths: Sequence[Path | str]) -> Any:
        # One LawContext serves many decisions: split its sources once (a weak reference, so the
        # cache never keeps a law alive).
        key = (id(context), tuple(str(p) for p in amendment_paths))
        cached = self._sources_cache.get(key)
        if cached is None or cached[0]() is not context:
            cached = (weakref.ref(context), context_sources(context, amendment_paths))
            self._sources_cache[key] = cached
        return cached[1]

    def append(self, entries: Sequence[Entry]) -> list[str]:
        """Append entries in one transaction (group commit); returns their decision ids in order."""
        if not entries:
            return []
        rows: list[dict[str, Any]] = []
        blobs: dict[str, dict[str, Any]] = {}
        created = _now()
        for e in entries:
            digest = str(e.decision["law"]["digest"])
            rows.append({
                "decision_id": e.decision_id, "created_at": created,
                "application_id": str(e.application.get("id", "")), "application": compact(e.application),
                "decision": e.decision_text or compact(e.decision), "law_digest": digest, "amendments": canonical(list(e.amendments)),
                "parameters": canonical(e.parameters), "explain": e.explain,
            })
            if digest not in self._stored_digests:
                files, amended = e.sources
                blobs[digest] = {"digest": digest, "files": canonical([list(f) for f in files]),
                                 "amendments": canonical([list(a) for a in amended]), "stored_at": created}
        bodies = [hashed_body(row) for row in rows]
        with self._writer_lock(), self.engine.begin() as conn:
            self._store_sources(conn, list(blobs.values()))
            # The chain's critical section, straight on the driver's cursor: three statements and
            # no per-statement SQLAlchemy work while every other writer waits on this lock.
            cursor = conn.connection.cursor()
            try:
                cursor.execute(self._sql["head"])
                head = cursor.fetchone()
                if head is None:
                    raise AuditError("the chain head is missing: the log was tampered with")
                seq, prev = int(head[0]), str(head[1])
                values = []
                for row, body in zip(rows, bodies, strict=True):
                    seq += 1
                    row["seq"], row["prev_hash"] = seq, prev
                    row["hash"] = prev = chain_hash(seq, body, prev)
                    values.append(tuple(row[k] for k in ROW_ORDER))
                cursor.executemany(self._sql["insert"], values)
                cursor.execute(self._sql["advance"], (seq, prev))
            finally:
                cursor.close()
        self._stored_digests.update(blobs)
        return [e.decision_id for e in entries]

    @contextlib.contextmanager
    def _writer_lock(self) -> Iterator[None]:
        """SQLite: queue writers of one file on an flock before BEGIN IMMEDIATE. SQLite's own busy
        handler polls with sleeps of up to 100 ms, which starves writers under contention; a blocked
        flock wakes the moment the holder commits. (PostgreSQL queues on the row lock instead.)"""
        if self.dialect != "sqlite":
            yield
            return
        import fcntl

        with self._thread_lock:
            if self._lock_file is None:
                path = self.url.split(":///", 1)[1]
                self._lock_file = open(f"{path}.lock", "a+b")  # noqa: SIM115 - held for the log's lifetime
            fcntl.flock(self._lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    def _store_sources(self, conn: Connection, blobs: list[dict[str, Any]]) -> None:
        for blob in blobs:
            present = conn.execute(select(sources.c.digest).where(sources.c.digest == blob["digest"])).first()
            if present is None:
                # Writers hold the chain-head lock (taken below) or SQLite's write lock, so this
                # check-then-insert cannot race with another writer of the same digest on SQLite;
                # on PostgreSQL the primary key settles a tie and the loser's row is skipped.
                if self.dialect == "postgresql":
                    from sqlalchemy.dialects.postgresql import insert as pg_insert

                    conn.execute(pg_insert(sources).values(**blob).on_conflict_do_nothing(index_elements=["digest"]))
                else:
                    conn.execute(insert(sources).values(**blob))

    # ------------------------------------------------------------ reading

    def get(self, decision_id: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(decisions).where(decisions.c.decision_id == decision_id)).mappings().first()
        if row is None:
            raise AuditError(f"no decision `{decision_id}` in the log")
        return _public(dict(row))

    def find(self, application_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """The decisions logged for one application id, oldest first: where to look, not the records."""
        query = select(decisions.c.seq, decisions.c.decision_id, decisions.c.created_at, decisions.c.law_digest,
                       decisions.c.hash).where(decisions.c.application_id == application_id)
        if self.dialect == "postgresql":
            from sqlalchemy import func

            query = query.where(func.md5(decisions.c.application_id) == func.md5(application_id))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(decisions.c.seq).limit(limit)).mappings().all()
        return [{"seq": int(r["seq"]), "decision_id": r["decision_id"], "created_at": r["created_at"],
                 "law_digest": r["law_digest"], "hash": r["hash"]} for r in rows]

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(chain_head.c.seq).where(chain_head.c.id == 1)).scalar_one())

    def stored_sources(self, digest: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        with self.engine.connect() as conn:
            row = conn.execute(select(sources).where(sources.c.digest == digest)).mappings().first()
        if row is None:
            raise AuditError(f"the regulation sources for digest {digest} are not in the log")
        return ([(p, t) for p, t in json.loads(row["files"])], [(n, t) for n, t in json.loads(row["amendments"])])

    def rows(self, since: str = "", chunk: int = 500) -> Iterator[dict[str, Any]]:
        """Every record in chain order (streamed in chunks)."""
        last = 0
        while True:
            query = select(decisions).where(decisions.c.seq > last)
            if since:
                query = query.where(decisions.c.created_at >= since)
            with self.engine.connect() as conn:
                batch = [dict(r) for r in conn.execute(query.order_by(decisions.c.seq).limit(chunk)).mappings()]
            if not batch:
                return
            yield from batch
            last = int(batch[-1]["seq"])

    def verify(self, checkpoint: Checkpoint | None = None) -> VerifyResult:
        """Walk the chain from the genesis hash (the first record that does not fit is reported),
        compare the head row, check every stored regulation source against its law digest, and,
        given a signed checkpoint, that the chain still passes through its head."""
        walk = walk_chain(self.rows(), checkpoint)
        if not walk.ok:
            return walk
        with self.engine.connect() as conn:
            head = conn.execute(select(chain_head.c.seq, chain_head.c.hash).where(chain_head.c.id == 1)).first()
        count, prev = walk.records, walk.head_hash
        if head is None:
            return dataclasses.replace(walk, ok=False, problem="the chain head is missing")
        if int(head.seq) != count or head.hash != prev:
            return dataclasses.replace(walk, ok=False, problem=(
                f"the chain head records {head.seq} decisions ending in {str(head.hash)[:16]}…, the chain holds "
                f"{count} ending in {prev[:16]}…: records were removed from or added to the end"))
        problem, checked = self._verify_sources(walk.digests)
        if problem:
            return dataclasses.replace(walk, ok=False, problem=problem, sources=checked)
        return dataclasses.replace(walk, sources=checked)

    def _verify_sources(self, digests: dict[str, dict[str, Any]]) -> tuple[str, int]:
        """Every law digest the chain names has its sources stored, and they hash to it: the
        digest is in the hashed records, so sources altered, swapped or deleted are found."""
        from lexgraph.engine.model import SourceFile
        from lexgraph.engine.pipeline import digest as law_digest

        checked = 0
        for digest, first in digests.items():
            with self.engine.connect() as conn:
                row = conn.execute(select(sources).where(sources.c.digest == digest)).mappings().first()
            if row is None:
                return (f"the regulation sources of law {digest[:16]}… (record {first['seq']} and later) are missing "
                        "from the log: they were deleted"), checked
            try:
                texts = [t for _, t in json.loads(row["files"])] + [t for _, t in json.loads(row["amendments"])]
                parameters = _loads(first["decision"])["law"].get("parameters", {})
            except (TypeError, ValueError, KeyError, AttributeError):
                return f"the stored regulation sources of law {digest[:16]}… are not readable: they were altered", checked
            if law_digest([SourceFile("", str(t)) for t in texts], parameters) != digest:
                return (f"the stored regulation sources of law {digest[:16]}… do not hash to that digest: "
                        "they were altered"), checked
            checked += 1
        return "", checked

    # ------------------------------------------------------------ replay

    def replay(self, decision_id: str) -> dict[str, Any]:
        """Re-decide a logged application under its stored sources; report any difference."""
        record = self.get(decision_id)
        recorded = record["decision"]
        files, amended = self.stored_sources(record["law"]["digest"])
        with tempfile.TemporaryDirectory(prefix="lexgraph-replay-") as tmp:
            root, amendments_dir = Path(tmp) / "law", Path(tmp) / "amendments"
            for rel, text in files:
                _write_under(root, rel, text)
            paths = [_write_under(amendments_dir, name, text) for name, text in amended]
            context = LawContext.load([root], paths, dict(record["law"]["parameters"]))
            decision = context.decide(record["application"], dt.date.fromisoformat(recorded["law"]["as_of"]), trace=True)
        replayed = decision_json(decision)
        differences = [d for d in _diff(recorded, replayed, "$") if not d["path"].startswith("$.law.origin")]
        # an outcome that differs is read beside the engine that produced each (a record logged
        # before engines were recorded has none)
        return {"decision_id": decision_id, "same": not differences,
                "recorded_engine": recorded["law"].get("engine"), "replayed_engine": replayed["law"].get("engine"),
                "engine_differs": recorded["law"].get("engine") != replayed["law"].get("engine"),
                "recorded_digest": recorded["law"]["digest"], "replayed_digest": replayed["law"]["digest"],
                # a cancellation of a status held is told apart from the grant of the same permit
                "outcomes": {d["permit"] + (f" ({d['kind']})" if "kind" in d else ""): d["outcome"] for d in replayed["decisions"]},
                "differences": differences[:50], "difference_count": len(differences)}


@dataclass(frozen=True)
class Walk(VerifyResult):
    digests: dict[str, dict[str, Any]] = field(default_factory=dict)  # law digest → its first record


def walk_chain(rows: Iterator[dict[str, Any]] | list[dict[str, Any]], checkpoint: Checkpoint | None = None,
               from_genesis: bool = True) -> Walk:
    """Check records in chain order: consecutive seq, each prev_hash the previous hash, each hash
    its content's. A log starts at the genesis hash; an export may start later (then its first
    prev_hash is taken on trust, unless a checkpoint at or after that record vouches for it)."""
    expected_seq, prev, count, first_seq = 1, GENESIS, 0, 1
    digests: dict[str, dict[str, Any]] = {}
    seen_checkpoint = checkpoint is not None and checkpoint.seq == 0 and checkpoint.hash == GENESIS  # an empty log's
    for row in rows:
        seq = int(row["seq"])
        if count == 0 and not from_genesis:
            first_seq, expected_seq = seq, seq
            prev = GENESIS if seq == 1 else str(row["prev_hash"])
        problem = ""
        if seq != expected_seq:
            problem = (f"sequence jumps from {expected_seq - 1} to {seq}: "
                       f"{'records removed' if seq > expected_seq else 'records inserted'}")
        elif row["prev_hash"] != prev:
            problem = "prev_hash does not match the previous record: a record was removed, inserted or reordered"
        elif record_hash(row) != row["hash"]:
            problem = "the record's content does not match its hash: it was altered"
        elif checkpoint is not None and seq == checkpoint.seq and row["hash"] != checkpoint.hash:
            problem = (f"record {seq} is not the one the checkpoint signed at {checkpoint.signed_at} "
                       "(its hash differs): the log was rewritten")
        if problem:
            return Walk(False, count, prev, problem, _public(row), first_seq=first_seq, digests=digests)
        if checkpoint is not None and seq == checkpoint.seq:
            seen_checkpoint = True
        digests.setdefault(str(row["law_digest"]), row)
        prev, expected_seq, count = row["hash"], expected_seq + 1, count + 1
    if count == 0:
        first_seq = 1
    if checkpoint is not None and not seen_checkpoint:
        last = first_seq + count - 1
        return Walk(False, count, prev, (
            f"the checkpoint signed at {checkpoint.signed_at} fixes record {checkpoint.seq}, "
            + (f"the log ends at record {last}: it was cut short or wiped" if last < checkpoint.seq else
               f"and this chain starts at record {first_seq}: it does not reach back to it")),
            first_seq=first_seq, digests=digests)
    return Walk(True, count, prev, first_seq=first_seq, digests=digests,
                checkpoint=checkpoint.to_json() if checkpoint else None)


# ------------------------------------------------------------ signed checkpoints


CHECKPOINT_KIND = "lexgraph decision log checkpoint v1"


@dataclass(frozen=True)
class Checkpoint:
    """The chain head at one moment, signed with an Ed25519 key kept outside the database."""

    seq: int
    hash: str
    signed_at: str
    key: str  # sha256 of the raw public key, hex: which key signed
    signature: str = ""  # base64 Ed25519 signature over message()

    def message(self) -> bytes:
        return canonical({"kind": CHECKPOINT_KIND, "seq": self.seq, "hash": self.hash,
                          "signed_at": self.signed_at, "key": self.key}).encode()

    def to_json(self) -> dict[str, Any]:
        return {"kind": CHECKPOINT_KIND, "seq": self.seq, "hash": self.hash, "signed_at": self.signed_at,
                "key": self.key, "signature": self.signature}

    @classmethod
    def read(cls, path: Path) -> Checkpoint:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("kind") != CHECKPOINT_KIND:
                raise ValueError("not a lexgraph checkpoint")
            return cls(int(data["seq"]), str(data["hash"]), str(data["signed_at"]), str(data["key"]),
                       str(data["signature"]))
        except OSError as error:
            raise AuditError(f"cannot read the checkpoint `{path}`: {(error.strerror or str(error)).lower()}") from None
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise AuditError(f"`{path}` is not a lexgraph checkpoint: {error}") from None


def _key_id(public_key: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def generate_key(path: Path) -> str:
    """A new Ed25519 key: the private key in `path` (PEM, mode 0600), the public key beside it
    in `path`.pub. Returns the key id."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(private)
        Path(f"{path}.pub").write_bytes(public)
    except FileExistsError:
        raise AuditError(f"`{path}` exists: a key is never overwritten") from None
    except OSError as error:
        raise AuditError(f"cannot write the key `{path}`: {(error.strerror or str(error)).lower()}") from None
    return _key_id(key.public_key())


def _load_key(path: Path, private: bool) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

    try:
        data = path.read_bytes()
    except OSError as error:
        raise AuditError(f"cannot read the key `{path}`: {(error.strerror or str(error)).lower()}") from None
    try:
        if private:
            key: Any = serialization.load_pem_private_key(data, password=None)
            wanted: Any = Ed25519PrivateKey
        else:
            try:
                key = serialization.load_pem_public_key(data)
            except ValueError:  # the private key also names the public one
                key = serialization.load_pem_private_key(data, password=None).public_key()
            wanted = Ed25519PublicKey
    except (ValueError, TypeError) as error:
        raise AuditError(f"`{path}` is not a PEM key: {error}") from None
    if not isinstance(key, wanted):
        raise AuditError(f"`{path}` is not an Ed25519 key")
    return key


def sign_checkpoint(seq: int, head_hash: str, key_path: Path) -> Checkpoint:
    import base64

    key = _load_key(key_path, private=True)
    unsigned = Checkpoint(seq, head_hash, _now(), _key_id(key.public_key()))
    signature = base64.b64encode(key.sign(unsigned.message())).decode()
    return dataclasses.replace(unsigned, signature=signature)


def check_signature(checkpoint: Checkpoint, public_key_path: Path) -> None:
    """Raise AuditError unless the checkpoint was signed by this key."""
    import base64
    import binascii

    from cryptography.exceptions import InvalidSignature

    key = _load_key(public_key_path, private=False)
    if _key_id(key) != checkpoint.key:
        raise AuditError(f"the checkpoint was signed by key {checkpoint.key[:16]}…, not by `{public_key_path}`")
    try:
        key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.message())
    except (InvalidSignature, binascii.Error, ValueError):
        raise AuditError("the checkpoint's signature is not valid: it was altered or forged") from None


# ------------------------------------------------------------ exports


def export_line(row: dict[str, Any]) -> str:
    """One record as `audit export` writes it: every hashed field exactly as stored (the JSON
    columns as the text that was hashed), and the hash. SHA-256 of the canonical JSON array of
    the HASHED fields, in that order, is the record's hash: any canonical-JSON encoder re-checks it."""
    return canonical({k: (int(row[k]) if k == "seq" else str(row[k])) for k in ROW_ORDER})


def read_export(path: Path) -> Iterator[dict[str, Any]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as error:
        raise AuditError(f"cannot read `{path}`: {(error.strerror or str(error)).lower()}") from None
    with handle:
        try:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    if not isinstance(row, dict) or any(k not in row for k in ROW_ORDER):
                        raise ValueError(f"a record has the fields {', '.join(ROW_ORDER)}")
                    int(row["seq"])
                except (ValueError, TypeError) as error:
                    raise AuditError(f"{path}:{number}: not an exported record: {error}") from None
                yield row
        except UnicodeDecodeError:
            raise AuditError(f"`{path}` is not UTF-8 text: not an export") from None


def verify_export(path: Path, checkpoint: Checkpoint | None = None) -> VerifyResult:
    """Re-check an `audit export` file offline: the chain within it, and the checkpoint's head."""
    return walk_chain(read_export(path), checkpoint, from_genesis=False)


def _sqlite_file(url: str) -> None:
    """An existing SQLite database at the URL (reading must not create an empty one)."""
    path = Path(url.split(":///", 1)[1]) if ":///" in url else Path("")
    if str(path) in ("", ".") or url.rstrip("/").endswith(":memory:"):
        raise AuditError("a decision log needs a database file, not :memory:")
    if not path.exists():
        raise AuditError(f"no decision log at `{path}`")
    if path.is_dir():
        raise AuditError(f"`{path}` is a directory, not a decision log")
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as error:
        raise AuditError(f"cannot read `{path}`: {(error.strerror or str(error)).lower()}") from None
    if header and header != b"SQLite format 3\x00":
        raise AuditError(f"`{path}` is not a SQLite database (nor a .jsonl export)")


def _safe_url(url: str) -> str:
    """The URL without its password."""
    if "://" in url and "@" in url.split("://", 1)[1]:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
    return url


def _write_under(root: Path, rel: str, text: str) -> Path:
    target = (root / rel).resolve()
    if root.resolve() not in target.parents:
        raise AuditError(f"stored source path `{rel}` leaves its folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def _diff(a: Any, b: Any, path: str) -> Iterator[dict[str, Any]]:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                yield {"path": f"{path}.{key}", "recorded": a.get(key), "replayed": b.get(key)}
            else:
                yield from _diff(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _diff(x, y, f"{path}[{i}]")
    elif a != b:
        yield {"path": path, "recorded": a, "replayed": b}


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row as the API and `export` show it: JSON columns parsed, hashes kept for re-verification."""
    return {
        "seq": int(row["seq"]), "decision_id": row["decision_id"], "created_at": row["created_at"],
        "application_id": row["application_id"],
        "application": _loads(row["application"]), "decision": _loads(row["decision"]),
        "law": {"digest": row["law_digest"], "amendments": _loads(row["amendments"]),
                "parameters": _loads(row["parameters"])},
        "explain": row["explain"], "prev_hash": row["prev_hash"], "hash": row["hash"],
    }


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text  # an altered record is still shown, as stored


# ------------------------------------------------------------ the decision as the applicant was told


# ------------------------------------------------------------ commands


def _open(url: str) -> DecisionLog:
    return DecisionLog(url, create=False)


def _is_export(target: str) -> bool:
    return "://" not in target and (target.endswith(".jsonl") or target.endswith(".json"))


def cmd_show(args: argparse.Namespace) -> int:
    log = _open(args.db)
    if args.application is not None:
        found = log.find(args.application, limit=args.limit)
        if not found:
            raise AuditError(f"no decision for application `{args.application}` in the log")
        records = [log.get(f["decision_id"]) for f in found]
    elif args.decision_id is not None:
        records = [log.get(args.decision_id)]
    else:
        raise AuditError("name a decision: DECISION_ID or --application ID")
    for record in records:
        if args.format == "json":
            sys.stdout.write(json.dumps(record, sort_keys=True, ensure_ascii=False, indent=2) + "\n")
        else:
            print(f"# decision {record['decision_id']} — logged {record['created_at']} (record {record['seq']})")
            sys.stdout.write(render_text(decision_from_json(record["decision"])))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    checkpoint = None
    if args.checkpoint is not None:
        if args.public_key is None:
            print("error: --checkpoint needs --public-key KEY.pub (the key that signs checkpoints)", file=sys.stderr)
            return 2
        checkpoint = Checkpoint.read(args.checkpoint)
        check_signature(checkpoint, args.public_key)
    if _is_export(args.url):
        result = verify_export(Path(args.url), checkpoint)
    else:
        result = _open(args.url).verify(checkpoint)
    if result.ok:
        last = result.first_seq + result.records - 1
        span = f"records {result.first_seq}–{last}" if result.first_seq != 1 else f"{result.records} records"
        print(f"ok: {span}, one unbroken chain; head {result.head_hash}")
        if result.first_seq != 1:
            print(f"note: the chain before record {result.first_seq} is not in this file; its first prev_hash is "
                  "taken on trust" + (" (the checkpoint vouches for the rest)" if checkpoint else ""))
        if result.sources:
            print(f"ok: the regulation sources of {result.sources} law(s) hash to their digests")
        if checkpoint is not None:
            print(f"ok: the log extends the checkpoint of record {checkpoint.seq} signed at {checkpoint.signed_at} "
                  f"by key {checkpoint.key[:16]}…")
        elif result.first_seq == 1:
            print("note: without a signed checkpoint, a log cut short or rewritten along with its head row "
                  "cannot be told from an honest one (see `lexgraph audit checkpoint`)")
        return 0
    print(f"BROKEN after {result.records} good records: {result.problem}", file=sys.stderr)
    if result.bad_record is not None:
        bad = result.bad_record
        print(json.dumps({k: bad[k] for k in ("seq", "decision_id", "created_at", "application_id", "prev_hash", "hash")},
                         ensure_ascii=False, indent=2))
    return 1


def cmd_replay(args: argparse.Namespace) -> int:
    report = _open(args.db).replay(args.decision_id)
    sys.stdout.write(json.dumps(report, sort_keys=True, ensure_ascii=False, indent=2) + "\n")
    return 0 if report["same"] else 1


def cmd_export(args: argparse.Namespace) -> int:
    log = _open(args.db)
    try:
        out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    except OSError as error:
        raise AuditError(f"cannot write `{args.output}`: {(error.strerror or str(error)).lower()}") from None
    try:
        for row in log.rows(since=args.since.isoformat() if args.since else ""):
            out.write(export_line(row) + "\n")
    finally:
        if args.output:
            out.close()
    return 0


def cmd_keygen(args: argparse.Namespace) -> int:
    key_id = generate_key(args.key)
    print(f"ok: Ed25519 key {key_id} — private key in {args.key} (keep it off the database's machine), "
          f"public key in {args.key}.pub (give it to auditors)")
    return 0


def cmd_checkpoint(args: argparse.Namespace) -> int:
    """Sign the head of a log that verifies now; refuse to sign a broken one."""
    key = _load_key(args.key, private=True)  # a bad key is said before the log is read
    del key
    result = _open(args.db).verify()
    if not result.ok:
        print(f"error: the log does not verify, so no checkpoint was signed: {result.problem}", file=sys.stderr)
        return 1
    checkpoint = sign_checkpoint(result.records, result.head_hash, args.key)
    text = json.dumps(checkpoint.to_json(), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise AuditError(f"cannot write `{args.output}`: {(error.strerror or str(error)).lower()}") from None
        print(f"ok: checkpoint of record {checkpoint.seq} ({checkpoint.hash}) written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a date (YYYY-MM-DD)") from None


def register(sub: Any) -> None:
    audit = sub.add_parser("audit", help="the decision log: show, verify, replay, export, keygen, checkpoint")
    commands = audit.add_subparsers(dest="audit_command", required=True)
    p = commands.add_parser("show", help="a logged decision, reasoned, as the applicant was told")
    p.add_argument("decision_id", nargs="?")
    p.add_argument("--application", metavar="ID", help="every decision logged for this application id")
    p.add_argument("--limit", type=int, default=100, help="with --application: at most this many (oldest first)")
    p.add_argument("--db", required=True, help="sqlite:///file.db or postgresql://…")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_show)
    p = commands.add_parser("verify", help="walk the hash chain and the stored sources; exit 1 at the first bad record")
    p.add_argument("url", help="sqlite:///file.db, postgresql://… or an `audit export` file (.jsonl)")
    p.add_argument("--checkpoint", type=Path, help="a signed checkpoint (`audit checkpoint`) the log must extend")
    p.add_argument("--public-key", type=Path, help="the Ed25519 public key that signs checkpoints (KEY.pub)")
    p.set_defaults(func=cmd_verify)
    p = commands.add_parser("replay", help="re-decide under the stored sources; exit 1 if anything differs")
    p.add_argument("decision_id")
    p.add_argument("--db", required=True)
    p.set_defaults(func=cmd_replay)
    p = commands.add_parser("export", help="JSON lines for an external archive, re-verifiable offline")
    p.add_argument("--db", required=True)
    p.add_argument("--since", type=_date, help="records logged on or after this day (UTC)")
    p.add_argument("-o", "--output", type=Path)
    p.set_defaults(func=cmd_export)
    p = commands.add_parser("keygen", help="a new Ed25519 key for signing checkpoints (KEY and KEY.pub)")
    p.add_argument("key", type=Path)
    p.set_defaults(func=cmd_keygen)
    p = commands.add_parser("checkpoint", help="sign the log's head with a key held outside the database")
    p.add_argument("--db", required=True)
    p.add_argument("--key", type=Path, required=True, help="the Ed25519 private key (`audit keygen`)")
    p.add_argument("-o", "--output", type=Path, help="the checkpoint file (default: standard output)")
    p.set_defaults(func=cmd_checkpoint)
