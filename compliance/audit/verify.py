"""Verifying the log: walking the hash chain, checking the head row and the stored regulation
sources, and replaying a decision under its stored sources."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..decisions import LawContext
from ..render import decision_json
from .chain import GENESIS, AuditError, _loads, _public, record_hash
from .keys import Checkpoint
from .storage import chain_head, sources

if TYPE_CHECKING:
    from .storage import DecisionLog


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


@dataclass(frozen=True)
class Walk(VerifyResult):
    digests: dict[str, dict[str, Any]] = field(default_factory=dict)  # law digest → its first record


def walk_chain(
    rows: Iterator[dict[str, Any]] | list[dict[str, Any]],
    checkpoint: Checkpoint | None = None,
    from_genesis: bool = True,
) -> Walk:
    """Check records in chain order: consecutive seq, each prev_hash the previous hash, each hash
    its content's. A log starts at the genesis hash; an export may start later (then its first
    prev_hash is taken on trust, unless a checkpoint at or after that record vouches for it)."""
    expected_seq, prev, count, first_seq = 1, GENESIS, 0, 1
    digests: dict[str, dict[str, Any]] = {}
    seen_checkpoint = (
        checkpoint is not None and checkpoint.seq == 0 and checkpoint.hash == GENESIS
    )  # an empty log's
    for row in rows:
        seq = int(row["seq"])
        if count == 0 and not from_genesis:
            first_seq, expected_seq = seq, seq
            prev = GENESIS if seq == 1 else str(row["prev_hash"])
        problem = ""
        if seq != expected_seq:
            problem = (
                f"sequence jumps from {expected_seq - 1} to {seq}: "
                f"{'records removed' if seq > expected_seq else 'records inserted'}"
            )
        elif row["prev_hash"] != prev:
            problem = (
                "prev_hash does not match the previous record: a record was removed, inserted or reordered"
            )
        elif record_hash(row) != row["hash"]:
            problem = "the record's content does not match its hash: it was altered"
        elif checkpoint is not None and seq == checkpoint.seq and row["hash"] != checkpoint.hash:
            problem = (
                f"record {seq} is not the one the checkpoint signed at {checkpoint.signed_at} "
                "(its hash differs): the log was rewritten"
            )
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
        return Walk(
            False,
            count,
            prev,
            (
                f"the checkpoint signed at {checkpoint.signed_at} fixes record {checkpoint.seq}, "
                + (
                    f"the log ends at record {last}: it was cut short or wiped"
                    if last < checkpoint.seq
                    else f"and this chain starts at record {first_seq}: it does not reach back to it"
                )
            ),
            first_seq=first_seq,
            digests=digests,
        )
    return Walk(
        True,
        count,
        prev,
        first_seq=first_seq,
        digests=digests,
        checkpoint=checkpoint.to_json() if checkpoint else None,
    )


def verify_log(log: DecisionLog, checkpoint: Checkpoint | None = None) -> VerifyResult:
    """Walk the chain from the genesis hash (the first record that does not fit is reported),
    compare the head row, check every stored regulation source against its law digest, and,
    given a signed checkpoint, that the chain still passes through its head."""
    walk = walk_chain(log.rows(), checkpoint)
    if not walk.ok:
        return walk
    with log.engine.connect() as conn:
        head = conn.execute(select(chain_head.c.seq, chain_head.c.hash).where(chain_head.c.id == 1)).first()
    count, prev = walk.records, walk.head_hash
    if head is None:
        return dataclasses.replace(walk, ok=False, problem="the chain head is missing")
    if int(head.seq) != count or head.hash != prev:
        return dataclasses.replace(
            walk,
            ok=False,
            problem=(
                f"the chain head records {head.seq} decisions ending in {str(head.hash)[:16]}…, the chain holds "
                f"{count} ending in {prev[:16]}…: records were removed from or added to the end"
            ),
        )
    problem, checked = _verify_sources(log, walk.digests)
    if problem:
        return dataclasses.replace(walk, ok=False, problem=problem, sources=checked)
    return dataclasses.replace(walk, sources=checked)


def _verify_sources(log: DecisionLog, digests: dict[str, dict[str, Any]]) -> tuple[str, int]:
    """Every law digest the chain names has its sources stored, and they hash to it: the
    digest is in the hashed records, so sources altered, swapped or deleted are found."""
    from lexgraph.engine.model import SourceFile
    from lexgraph.engine.pipeline import digest as law_digest

    checked = 0
    for digest, first in digests.items():
        with log.engine.connect() as conn:
            row = conn.execute(select(sources).where(sources.c.digest == digest)).mappings().first()
        if row is None:
            return (
                f"the regulation sources of law {digest[:16]}… (record {first['seq']} and later) are missing "
                "from the log: they were deleted"
            ), checked
        try:
            texts = [t for _, t in json.loads(row["files"])] + [t for _, t in json.loads(row["amendments"])]
            parameters = _loads(first["decision"])["law"].get("parameters", {})
        except (TypeError, ValueError, KeyError, AttributeError):
            return (
                f"the stored regulation sources of law {digest[:16]}… are not readable: they were altered",
                checked,
            )
        if law_digest([SourceFile("", str(t)) for t in texts], parameters) != digest:
            return (
                f"the stored regulation sources of law {digest[:16]}… do not hash to that digest: "
                "they were altered"
            ), checked
        checked += 1
    return "", checked


def replay(log: DecisionLog, decision_id: str) -> dict[str, Any]:
    """Re-decide a logged application under its stored sources; report any difference."""
    record = log.get(decision_id)
    recorded = record["decision"]
    files, amended = log.stored_sources(record["law"]["digest"])
    with tempfile.TemporaryDirectory(prefix="lexgraph-replay-") as tmp:
        root, amendments_dir = Path(tmp) / "law", Path(tmp) / "amendments"
        for rel, text in files:
            _write_under(root, rel, text)
        paths = [_write_under(amendments_dir, name, text) for name, text in amended]
        context = LawContext.load([root], paths, dict(record["law"]["parameters"]))
        decision = context.decide(
            record["application"], dt.date.fromisoformat(recorded["law"]["as_of"]), trace=True
        )
    replayed = decision_json(decision)
    differences = [d for d in _diff(recorded, replayed, "$") if not d["path"].startswith("$.law.origin")]
    # an outcome that differs is read beside the engine that produced each (a record logged
    # before engines were recorded has none)
    return {
        "decision_id": decision_id,
        "same": not differences,
        "recorded_engine": recorded["law"].get("engine"),
        "replayed_engine": replayed["law"].get("engine"),
        "engine_differs": recorded["law"].get("engine") != replayed["law"].get("engine"),
        "recorded_digest": recorded["law"]["digest"],
        "replayed_digest": replayed["law"]["digest"],
        # a cancellation of a status held is told apart from the grant of the same permit
        "outcomes": {
            d["permit"] + (f" ({d['kind']})" if "kind" in d else ""): d["outcome"]
            for d in replayed["decisions"]
        },
        "differences": differences[:50],
        "difference_count": len(differences),
    }


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
