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

from lexgraph.engine.errors import AuditError  # the decision log's errors (engine/errors.py: one hierarchy)

GENESIS = "0" * 64


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# The hashed content of a record, in this order; changing it breaks every existing chain.
HASHED = (
    "seq",
    "decision_id",
    "created_at",
    "application_id",
    "application",
    "decision",
    "law_digest",
    "amendments",
    "parameters",
    "explain",
    "prev_hash",
)


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


# How a record is canonicalised for its hash; each record carries its own (the `canon` column).
CANON_JSON = "json"  # records written before schema 2: SHA-256 of the compact JSON array of HASHED
CANON_JCS = "jcs"  # RFC 8785 (JCS): SHA-256 of the JCS form of the record object, every field but `hash`
CANON = CANON_JCS  # what writers use now
# The JCS object's keys in JCS order (code-unit order; all ASCII): `prev_hash` and `seq` sort last,
# so everything before them can be encoded before the chain lock is taken.
JCS_KEYS = tuple(sorted((*HASHED, "canon")))
assert JCS_KEYS[-2:] == ("prev_hash", "seq")


def canon_of(row: dict[str, Any]) -> str:
    """A record's canonicalisation: a row without one (an old row, an old export) is `json`."""
    return str(row.get("canon") or CANON_JSON)


def jcs(data: Any) -> bytes:
    """RFC 8785 canonical JSON of the record's values (strings, integers, objects, arrays).

    orjson with sorted keys gives JCS's bytes for these values (UTF-8, no insignificant space,
    the same escapes, ASCII keys sorted); tests/test_audit.py holds it to the rfc8785 library,
    which is used whenever orjson is not installed or refuses a value."""
    if orjson is not None:
        try:
            return bytes(orjson.dumps(data, option=orjson.OPT_SORT_KEYS))
        except (TypeError, orjson.JSONEncodeError):
            pass
    import rfc8785

    return rfc8785.dumps(data)


def hashed_body(row: dict[str, Any]) -> bytes:
    """The canonical encoding of a record's hashed fields but `seq` and `prev_hash`. It does not
    depend on the chain, so writers encode it before taking the chain lock.

    `jcs`: the JCS object without `prev_hash` and `seq` and without its closing brace.
    `json`: the fields between `seq` and `prev_hash` of the compact JSON array, without brackets
    (for a list of strings compact() gives canonical()'s bytes: orjson escapes strings as json does)."""
    canon = canon_of(row)
    if canon == CANON_JCS:
        return jcs({k: row[k] for k in JCS_KEYS[:-2]})[:-1]
    if canon == CANON_JSON:
        return compact([row[k] for k in HASHED[1:-1]])[1:-1].encode()
    raise AuditError(f"record {row.get('seq')}: unknown canonicalisation `{canon}`")


_GIL_KEPT = 2047  # hashlib releases the GIL for updates of 2048 bytes or more


def chain_hash(seq: int, body: bytes, prev_hash: str, canon: str = CANON) -> str:
    """The record's hash from its body (hashed_body) and its place in the chain.

    `jcs`: SHA-256 of JCS({…fields, "canon": "jcs", "prev_hash": …, "seq": …}).
    `json`: SHA-256 of canonical([seq, …fields, prev_hash]).

    Writers call this holding the chain lock. It feeds the body in pieces small enough that
    hashlib keeps the GIL: a thread that gives the GIL up must wait (up to the interpreter's
    switch interval) for the busy request thread to hand it back, and every writer of the log
    would wait with it."""
    jcs_form = canon == CANON_JCS
    h = hashlib.sha256() if jcs_form else hashlib.sha256(b"[%d," % seq)
    view = memoryview(body)
    for start in range(0, len(view), _GIL_KEPT):
        h.update(view[start : start + _GIL_KEPT])
    h.update(
        b',"prev_hash":"%b","seq":%d}' % (prev_hash.encode(), seq)
        if jcs_form
        else b',"%b"]' % prev_hash.encode()
    )
    return h.hexdigest()


def record_hash(row: dict[str, Any]) -> str:
    return chain_hash(int(row["seq"]), hashed_body(row), str(row["prev_hash"]), canon_of(row))


ROW_ORDER = (*HASHED, "hash", "canon")  # the stored columns a writer fills


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row as the API and `export` show it: JSON columns parsed, hashes kept for re-verification."""
    return {
        "seq": int(row["seq"]),
        "decision_id": row["decision_id"],
        "created_at": row["created_at"],
        "application_id": row["application_id"],
        "application": _loads(row["application"]),
        "decision": _loads(row["decision"]),
        "law": {
            "digest": row["law_digest"],
            "amendments": _loads(row["amendments"]),
            "parameters": _loads(row["parameters"]),
        },
        "explain": row["explain"],
        "prev_hash": row["prev_hash"],
        "hash": row["hash"],
        "canon": canon_of(row),
    }


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text  # an altered record is still shown, as stored
