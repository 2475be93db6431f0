"""`audit export`: the log as JSON lines for an external archive, and reading one back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .chain import HASHED, ROW_ORDER, AuditError, canon_of, canonical
from .keys import Checkpoint
from .verify import VerifyResult, walk_chain


def export_line(row: dict[str, Any]) -> str:
    """One record as `audit export` writes it: every hashed field exactly as stored (the JSON
    columns as the text that was hashed), its canonicalisation and the hash. A `jcs` record's hash
    is SHA-256 of the RFC 8785 form of the line without `hash`: any JCS library re-checks it. A
    `json` record's (written before schema 2) is SHA-256 of the compact JSON array of the HASHED
    fields, in that order."""
    return canonical(
        {
            k: (int(row[k]) if k == "seq" else canon_of(row) if k == "canon" else str(row[k]))
            for k in ROW_ORDER
        }
    )


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
                    if not isinstance(row, dict) or any(k not in row for k in (*HASHED, "hash")):
                        raise ValueError(f"a record has the fields {', '.join((*HASHED, 'hash'))}")
                    int(row["seq"])
                except (ValueError, TypeError) as error:
                    raise AuditError(f"{path}:{number}: not an exported record: {error}") from None
                yield row
        except UnicodeDecodeError:
            raise AuditError(f"`{path}` is not UTF-8 text: not an export") from None


def verify_export(path: Path, checkpoint: Checkpoint | None = None) -> VerifyResult:
    """Re-check an `audit export` file offline: the chain within it, and the checkpoint's head."""
    return walk_chain(read_export(path), checkpoint, from_genesis=False)
