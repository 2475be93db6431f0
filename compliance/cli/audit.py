"""`lexgraph audit show|verify|replay|export|keygen|checkpoint`: the decision log from the command line
(compliance/audit.py holds the log itself)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lexgraph.compliance.render import decision_from_json, render_text
from lexgraph.engine.errors import AuditError, UsageError

from .common import iso_date

if TYPE_CHECKING:
    from lexgraph.compliance.audit import DecisionLog

# compliance.audit (SQLAlchemy: the `postgres`/`serve` extras) is imported when a command runs.


def _open(url: str) -> DecisionLog:
    from lexgraph.compliance.audit import DecisionLog

    return DecisionLog(url, create=False)


def _is_export(target: str) -> bool:
    return "://" not in target and (target.endswith(".jsonl") or target.endswith(".json"))


def show(args: argparse.Namespace) -> int:
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
            print(
                f"# decision {record['decision_id']} — logged {record['created_at']} (record {record['seq']})"
            )
            sys.stdout.write(render_text(decision_from_json(record["decision"])))
    return 0


def verify(args: argparse.Namespace) -> int:
    from lexgraph.compliance.audit import Checkpoint, check_signature, verify_export

    checkpoint = None
    if args.checkpoint is not None:
        if args.public_key is None:
            raise UsageError("--checkpoint needs --public-key KEY.pub (the key that signs checkpoints)")
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
            print(
                f"note: the chain before record {result.first_seq} is not in this file; its first prev_hash is "
                "taken on trust" + (" (the checkpoint vouches for the rest)" if checkpoint else "")
            )
        if result.sources:
            print(f"ok: the regulation sources of {result.sources} law(s) hash to their digests")
        if checkpoint is not None:
            print(
                f"ok: the log extends the checkpoint of record {checkpoint.seq} signed at {checkpoint.signed_at} "
                f"by key {checkpoint.key[:16]}…"
            )
        elif result.first_seq == 1:
            print(
                "note: without a signed checkpoint, a log cut short or rewritten along with its head row "
                "cannot be told from an honest one (see `lexgraph audit checkpoint`)"
            )
        return 0
    print(f"BROKEN after {result.records} good records: {result.problem}", file=sys.stderr)
    if result.bad_record is not None:
        bad = result.bad_record
        print(
            json.dumps(
                {
                    k: bad[k]
                    for k in ("seq", "decision_id", "created_at", "application_id", "prev_hash", "hash")
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    return 1


def replay(args: argparse.Namespace) -> int:
    report = _open(args.db).replay(args.decision_id)
    sys.stdout.write(json.dumps(report, sort_keys=True, ensure_ascii=False, indent=2) + "\n")
    return 0 if report["same"] else 1


def export(args: argparse.Namespace) -> int:
    from lexgraph.compliance.audit import export_line

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


def keygen(args: argparse.Namespace) -> int:
    from lexgraph.compliance.audit import generate_key

    key_id = generate_key(args.key)
    print(
        f"ok: Ed25519 key {key_id} — private key in {args.key} (keep it off the database's machine), "
        f"public key in {args.key}.pub (give it to auditors)"
    )
    return 0


def checkpoint(args: argparse.Namespace) -> int:
    """Sign the head of a log that verifies now; refuse to sign a broken one."""
    from lexgraph.compliance.audit import _load_key, sign_checkpoint

    key = _load_key(args.key, private=True)  # a bad key is said before the log is read
    del key
    result = _open(args.db).verify()
    if not result.ok:
        print(
            f"error: the log does not verify, so no checkpoint was signed: {result.problem}", file=sys.stderr
        )
        return 1
    checkpoint = sign_checkpoint(result.records, result.head_hash, args.key)
    text = json.dumps(checkpoint.to_json(), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise AuditError(
                f"cannot write `{args.output}`: {(error.strerror or str(error)).lower()}"
            ) from None
        print(
            f"ok: checkpoint of record {checkpoint.seq} ({checkpoint.hash}) written to {args.output}",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text)
    return 0


def register(sub: Any) -> None:
    audit = sub.add_parser("audit", help="the decision log: show, verify, replay, export, keygen, checkpoint")
    commands = audit.add_subparsers(dest="audit_command", required=True)
    p = commands.add_parser("show", help="a logged decision, reasoned, as the applicant was told")
    p.add_argument("decision_id", nargs="?")
    p.add_argument("--application", metavar="ID", help="every decision logged for this application id")
    p.add_argument(
        "--limit", type=int, default=100, help="with --application: at most this many (oldest first)"
    )
    p.add_argument("--db", required=True, help="sqlite:///file.db or postgresql://…")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=show)
    p = commands.add_parser(
        "verify", help="walk the hash chain and the stored sources; exit 1 at the first bad record"
    )
    p.add_argument("url", help="sqlite:///file.db, postgresql://… or an `audit export` file (.jsonl)")
    p.add_argument(
        "--checkpoint", type=Path, help="a signed checkpoint (`audit checkpoint`) the log must extend"
    )
    p.add_argument("--public-key", type=Path, help="the Ed25519 public key that signs checkpoints (KEY.pub)")
    p.set_defaults(func=verify)
    p = commands.add_parser("replay", help="re-decide under the stored sources; exit 1 if anything differs")
    p.add_argument("decision_id")
    p.add_argument("--db", required=True)
    p.set_defaults(func=replay)
    p = commands.add_parser("export", help="JSON lines for an external archive, re-verifiable offline")
    p.add_argument("--db", required=True)
    p.add_argument("--since", type=iso_date, help="records logged on or after this day (UTC)")
    p.add_argument("-o", "--output", type=Path)
    p.set_defaults(func=export)
    p = commands.add_parser("keygen", help="a new Ed25519 key for signing checkpoints (KEY and KEY.pub)")
    p.add_argument("key", type=Path)
    p.set_defaults(func=keygen)
    p = commands.add_parser("checkpoint", help="sign the log's head with a key held outside the database")
    p.add_argument("--db", required=True)
    p.add_argument("--key", type=Path, required=True, help="the Ed25519 private key (`audit keygen`)")
    p.add_argument("-o", "--output", type=Path, help="the checkpoint file (default: standard output)")
    p.set_defaults(func=checkpoint)
