"""The decision log's records and their hashes: the canonical forms, the chain hash of a
record, and the stored row as the API shows it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - optional speed-up
    orjson = None  # type: ignore[assignment]

GENESIS = "0" * 64


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class AuditError(Exception):
    """A decision log that cannot be opened, a decision id that is not in it, a checkpoint or key
    that cannot be read."""


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


ROW_ORDER = (*HASHED, "hash")


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
