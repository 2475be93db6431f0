"""The decision log's schema, versioned: Alembic migrations shipped with the package (versions/).

    0001  the schema as the first decision log wrote it (chain head, decisions, sources)
    0002  decisions.canon: how each record's hash was made (`json`, or `jcs`: RFC 8785)

A log made before migrations existed has the 0001 tables and no version table: it is stamped
0001 and upgraded in place, its records untouched (they keep `canon` = `json` and verify the old
way). The version is kept in `lexgraph_schema_version`, not `alembic_version`, so a database
shared with an application that has its own Alembic history is not confused."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

VERSION_TABLE = "lexgraph_schema_version"
FIRST = "0001"
HEAD = "0002"  # the newest version (tests/test_audit.py holds it to the scripts' head)
SCRIPTS = Path(__file__).resolve().parent
_ADVISORY_LOCK = 0x6C657867  # PostgreSQL: one migrator at a time ("lexg")


def config(conn: Connection) -> object:
    """Alembic's configuration for these scripts, running on an open connection."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["connection"] = conn
    return cfg


def current(conn: Connection) -> str | None:
    """The schema version of the log on this connection (None: no version table, or empty)."""
    if VERSION_TABLE not in inspect(conn).get_table_names():
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(engine: Engine, dialect: str, create: bool = True) -> None:
    """Bring the log to HEAD in one transaction: SQLite's BEGIN IMMEDIATE (the engine's) or a
    PostgreSQL advisory lock make concurrent openers (several workers starting) wait for the
    first. Without `create`, a database without the log's tables is left alone."""
    from alembic import command

    with engine.connect() as conn:  # the common case, read only: already at HEAD
        if current(conn) == HEAD:
            return
    with engine.begin() as conn:
        if dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
        tables = set(inspect(conn).get_table_names())
        if "lexgraph_decisions" not in tables and not create:
            return
        cfg = config(conn)
        if (
            "lexgraph_decisions" in tables and current(conn) is None
        ):  # made before migrations: the first schema
            command.stamp(cfg, FIRST)  # type: ignore[arg-type]
        command.upgrade(cfg, "head")  # type: ignore[arg-type]
