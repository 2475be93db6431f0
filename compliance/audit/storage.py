"""The decision log's storage: its tables and `DecisionLog`, which appends decisions to the hash
chain (the one-row chain head locked inside the appending transaction: SQLite `BEGIN IMMEDIATE`,
PostgreSQL `SELECT … FOR UPDATE`, so concurrent writers serialise and the chain never forks) and
reads them back. The program never updates or deletes a record.

DecisionLog is one class over ~350 lines on purpose: the append's critical section, the writers'
lock and the SQLite checkpointer share its connection state.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import uuid
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

from ..decisions import LawContext
from .chain import (
    CANON,
    ROW_ORDER,
    AuditError,
    _now,
    _public,
    canonical,
    chain_hash,
    compact,
    hashed_body,
)

if TYPE_CHECKING:
    from .keys import Checkpoint
    from .verify import VerifyResult

DEFAULT_URL = "sqlite:///decisions.db"

metadata = MetaData()
chain_head = Table(
    "lexgraph_chain_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)
decisions = Table(
    "lexgraph_decisions",
    metadata,
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
    Column("canon", String(16), nullable=False, server_default="json"),  # schema 2: how the hash was made
)
sources = Table(
    "lexgraph_sources",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("files", Text, nullable=False),  # JSON [[relative path, text], …] of the baseline corpus
    Column("amendments", Text, nullable=False),  # JSON [[file name, text], …] in the order applied
    Column("stored_at", String(40), nullable=False),
)
# Alembic's record of the schema's version (compliance/audit/migrations); declared here too so
# that metadata.drop_all removes a log completely.
schema_version = Table(
    "lexgraph_schema_version",
    metadata,
    Column("version_num", String(32), primary_key=True),
)


# SQLite pages of a new log. A record holds its decision with every proof tree (~90 kB): in 16 kB
# pages it is a quarter as many overflow pages to write, log in the WAL and checkpoint as in
# SQLite's default 4 kB (half the CPU of an append). A log created with other pages keeps them.
PAGE_SIZE = 16384


def normalise_url(url: str) -> str:
    """A bare path means a SQLite file; postgresql:// means psycopg 3 (SQLAlchemy's default is psycopg2)."""
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _statements(dialect: str) -> dict[str, str]:
    """The append's statements in the driver's own parameter style (qmark for sqlite3, format
    for psycopg). SQLite has no row locks: BEGIN IMMEDIATE has already taken the write lock."""
    mark = "?" if dialect == "sqlite" else "%s"
    columns = ", ".join(f'"{c}"' for c in ROW_ORDER)
    return {
        "head": f"SELECT seq, hash FROM {chain_head.name} WHERE id = 1"
        + ("" if dialect == "sqlite" else " FOR UPDATE"),
        "insert": f"INSERT INTO {decisions.name} ({columns}) VALUES ({', '.join([mark] * len(ROW_ORDER))})",
        "advance": f"UPDATE {chain_head.name} SET seq = {mark}, hash = {mark} WHERE id = 1",
    }


@dataclass(frozen=True)
class Entry:
    """One decision to append."""

    application: dict[str, Any]
    decision: dict[
        str, Any
    ]  # the full decision JSON (with proof trees), without decision_id; with decision_text, its `law` header suffices
    sources: tuple[
        tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]
    ]  # (baseline files, amendment files)
    amendments: tuple[str, ...] = ()  # amendment ids as the caller named them
    parameters: dict[str, str] = field(default_factory=dict)
    explain: str = "full"
    decision_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    decision_text: str = ""  # `decision` already encoded with compact(), when the caller has it


def context_sources(
    context: LawContext, amendment_paths: Sequence[Path | str] = ()
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
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
        self._create(create)

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
                cursor.execute(f"PRAGMA page_size={PAGE_SIZE}")  # takes effect only in a new log
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

    def _create(self, create: bool = True) -> None:
        """Bring the log's schema to the newest version (creating it in an empty database when
        `create`: reading commands open an existing log, which an old one is upgraded in place)."""
        from .migrations import upgrade

        for attempt in range(5):
            try:
                upgrade(self.engine, self.dialect, create)
                return
            except (IntegrityError, ProgrammingError, OperationalError) as error:
                # Another process created the tables or the head row at the same moment: look again.
                if attempt == 4:
                    raise AuditError(
                        f"cannot open the decision log at {_safe_url(self.url)}: "
                        f"{getattr(error, 'orig', error)}"
                    ) from None
            except AuditError:
                raise
            except Exception as error:  # not a database at all, a server that refuses us…
                raise AuditError(
                    f"cannot open the decision log at {_safe_url(self.url)}: {getattr(error, 'orig', error)}"
                ) from None

    def checkpoint_in_background(self, every: float = 0.25, restart_bytes: int = 64 << 20) -> None:
        """SQLite: take WAL checkpoints off the writers' path (the service calls this).

        By default the writer whose commit fills the WAL copies it into the database file and
        syncs it, so one request in every few hundred waits tens of milliseconds. Here a thread
        copies committed pages every `every` seconds while writers go on (PASSIVE), and, when the
        WAL holds more than `restart_bytes`, queues on the writers' lock for a moment to
        finish the little that is left and rewind the WAL (RESTART), so it stays bounded under
        sustained load. The database's contents and the chain are untouched."""
        if self.dialect != "sqlite" or self._checkpointer is not None:
            return
        self._checkpointer = threading.Thread(
            target=self._checkpoints, args=(every, restart_bytes), name="lexgraph-checkpoint", daemon=True
        )
        self.engine.dispose()  # pooled connections reopen without autocheckpoint
        self._checkpointer.start()

    def _checkpoints(self, every: float, restart_bytes: int) -> None:
        import sqlite3

        path = self.url.split(":///", 1)[1]
        conn = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        restart_frames = max(1, restart_bytes // int(conn.execute("PRAGMA page_size").fetchone()[0]))
        conn.execute(f"PRAGMA journal_size_limit={restart_bytes * 2}")  # a rewound WAL is truncated
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

    def record(
        self,
        application: dict[str, Any],
        decision_json: dict[str, Any],
        context: LawContext,
        amendment_paths: Sequence[Path | str] = (),
        parameters: dict[str, str] | None = None,
        explain: str = "full",
    ) -> dict[str, Any]:
        """Append one decision; return the decision JSON with its `decision_id`."""
        entry = self.entry(application, decision_json, context, amendment_paths, parameters, explain)
        self.append([entry])
        return {**decision_json, "decision_id": entry.decision_id}

    def entry(
        self,
        application: dict[str, Any],
        decision_json: dict[str, Any],
        context: LawContext,
        amendment_paths: Sequence[Path | str] = (),
        parameters: dict[str, str] | None = None,
        explain: str = "full",
        decision_text: str = "",
    ) -> Entry:
        names = tuple(Path(p).stem for p in amendment_paths)
        clean = {k: v for k, v in decision_json.items() if k != "decision_id"}
        return Entry(
            application,
            clean,
            self.sources_of(context, amendment_paths),
            names,
            {k: str(v) for k, v in (parameters or {}).items()},
            explain,
            decision_text=decision_text,
        )

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
            rows.append(
                {
                    "decision_id": e.decision_id,
                    "created_at": created,
                    "application_id": str(e.application.get("id", "")),
                    "application": compact(e.application),
                    "decision": e.decision_text or compact(e.decision),
                    "law_digest": digest,
                    "amendments": canonical(list(e.amendments)),
                    "parameters": canonical(e.parameters),
                    "explain": e.explain,
                    "canon": CANON,
                }
            )
            if digest not in self._stored_digests:
                files, amended = e.sources
                blobs[digest] = {
                    "digest": digest,
                    "files": canonical([list(f) for f in files]),
                    "amendments": canonical([list(a) for a in amended]),
                    "stored_at": created,
                }
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
                    row["hash"] = prev = chain_hash(seq, body, prev, CANON)
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

                    conn.execute(
                        pg_insert(sources).values(**blob).on_conflict_do_nothing(index_elements=["digest"])
                    )
                else:
                    conn.execute(insert(sources).values(**blob))

    # ------------------------------------------------------------ reading

    def get(self, decision_id: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = (
                conn.execute(select(decisions).where(decisions.c.decision_id == decision_id))
                .mappings()
                .first()
            )
        if row is None:
            raise AuditError(f"no decision `{decision_id}` in the log")
        return _public(dict(row))

    def find(self, application_id: str, limit: int = 100) -> list[dict[str, Any]]:
        """The decisions logged for one application id, oldest first: where to look, not the records."""
        query = select(
            decisions.c.seq,
            decisions.c.decision_id,
            decisions.c.created_at,
            decisions.c.law_digest,
            decisions.c.hash,
        ).where(decisions.c.application_id == application_id)
        if self.dialect == "postgresql":
            from sqlalchemy import func

            query = query.where(func.md5(decisions.c.application_id) == func.md5(application_id))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(decisions.c.seq).limit(limit)).mappings().all()
        return [
            {
                "seq": int(r["seq"]),
                "decision_id": r["decision_id"],
                "created_at": r["created_at"],
                "law_digest": r["law_digest"],
                "hash": r["hash"],
            }
            for r in rows
        ]

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(chain_head.c.seq).where(chain_head.c.id == 1)).scalar_one())

    def stored_sources(self, digest: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        with self.engine.connect() as conn:
            row = conn.execute(select(sources).where(sources.c.digest == digest)).mappings().first()
        if row is None:
            raise AuditError(f"the regulation sources for digest {digest} are not in the log")
        return (
            [(p, t) for p, t in json.loads(row["files"])],
            [(n, t) for n, t in json.loads(row["amendments"])],
        )

    def rows(self, since: str = "", chunk: int = 500) -> Iterator[dict[str, Any]]:
        """Every record in chain order (streamed in chunks)."""
        last = 0
        while True:
            query = select(decisions).where(decisions.c.seq > last)
            if since:
                query = query.where(decisions.c.created_at >= since)
            with self.engine.connect() as conn:
                batch = [
                    dict(r) for r in conn.execute(query.order_by(decisions.c.seq).limit(chunk)).mappings()
                ]
            if not batch:
                return
            yield from batch
            last = int(batch[-1]["seq"])

    def verify(self, checkpoint: Checkpoint | None = None) -> VerifyResult:
        """Walk the chain from the genesis hash (the first record that does not fit is reported),
        compare the head row, check every stored regulation source against its law digest, and,
        given a signed checkpoint, that the chain still passes through its head."""
        from .verify import verify_log

        return verify_log(self, checkpoint)

    def replay(self, decision_id: str) -> dict[str, Any]:
        """Re-decide a logged application under its stored sources; report any difference."""
        from .verify import replay

        return replay(self, decision_id)


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
