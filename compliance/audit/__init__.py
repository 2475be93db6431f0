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

The package, a module per concern: `chain` (canonical forms, the record hash), `storage` (the
tables and DecisionLog), `migrations` (the schema's versions, Alembic), `verify` (the chain walk,
the stored sources, replay), `export` (JSON lines), `keys` (signed checkpoints).
`lexgraph audit …` is compliance/cli/audit.py.
"""

from ..render import decision_from_json
from .chain import (
    CANON,
    CANON_JCS,
    CANON_JSON,
    GENESIS,
    HASHED,
    JCS_KEYS,
    ROW_ORDER,
    AuditError,
    canon_of,
    canonical,
    chain_hash,
    compact,
    hashed_body,
    jcs,
    record_hash,
)
from .export import export_line, read_export, verify_export
from .keys import CHECKPOINT_KIND, Checkpoint, _load_key, check_signature, generate_key, sign_checkpoint
from .storage import (
    DEFAULT_URL,
    DecisionLog,
    Entry,
    chain_head,
    context_sources,
    decisions,
    metadata,
    normalise_url,
    sources,
)
from .verify import VerifyResult, Walk, replay, verify_log, walk_chain

__all__ = [
    "CANON",
    "CANON_JCS",
    "CANON_JSON",
    "JCS_KEYS",
    "canon_of",
    "jcs",
    "CHECKPOINT_KIND",
    "DEFAULT_URL",
    "GENESIS",
    "HASHED",
    "ROW_ORDER",
    "AuditError",
    "Checkpoint",
    "DecisionLog",
    "Entry",
    "VerifyResult",
    "Walk",
    "canonical",
    "chain_hash",
    "chain_head",
    "check_signature",
    "compact",
    "context_sources",
    "decision_from_json",
    "decisions",
    "export_line",
    "generate_key",
    "hashed_body",
    "metadata",
    "normalise_url",
    "read_export",
    "record_hash",
    "replay",
    "sign_checkpoint",
    "sources",
    "verify_export",
    "verify_log",
    "walk_chain",
    "_load_key",
]
