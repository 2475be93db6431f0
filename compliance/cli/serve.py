"""`lexgraph serve`: the rule service — decisions over HTTP, every one logged (compliance/service/).

lexgraph serve [--host 127.0.0.1] [--port 8000] [--db sqlite:///decisions.db | postgresql://…]
               [--workers N] [--token-file F | --token T]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lexgraph.engine.errors import EXIT_OK, InputError, SourceError


def run(args: argparse.Namespace) -> int:
    import uvicorn
    from lexgraph.compliance.audit import DecisionLog
    from lexgraph.compliance.service import ServiceConfig, create_app
    from lexgraph.compliance.service.metrics import MULTIPROC_ENV
    from lexgraph.compliance.service.workers import serve

    token = args.token
    if args.token_file:
        try:
            token = args.token_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise InputError(f"cannot read the token file: {error}") from None
        if not token:
            raise InputError(f"the token file `{args.token_file}` is empty")
    upload_dir = args.upload_dir or Path(tempfile.mkdtemp(prefix="lexgraph-amendments-"))
    # An option not given is left to the settings (their defaults, or LEXGRAPH_SERVICE_* of the
    # environment); argparse's defaults are None so that building the parser imports no service library.
    given = {
        "db": args.db,
        "max_body": args.max_body,
        "body_timeout": args.body_timeout,
        "new_laws_per_client": args.new_laws_per_minute,
    }
    try:
        config = ServiceConfig(
            token=token,
            token_file=args.token_file,
            upload_dir=str(upload_dir),
            law_dirs=[str(p) for p in args.law] if args.law else None,
            **{k: v for k, v in given.items() if v is not None},
        )
    except ValueError as error:  # pydantic's ValidationError names each field
        raise InputError(str(error)) from None
    DecisionLog(config.db).close()  # fail here, once, if the database cannot be opened (AuditError)
    if args.law and args.workers > 1:  # each worker loads the law: its errors are reported here, once
        from lexgraph.api import check

        _, diagnostics = check(list(args.law))
        if diagnostics:
            raise SourceError(diagnostics)
    print(
        f"lexgraph serving on http://{args.host}:{args.port} ({args.workers} worker(s)); log: {config.db}; "
        f"amendment upload {'on' if token else 'off'}",
        file=sys.stderr,
    )
    limits = {"limit_concurrency": args.limit_concurrency, "timeout_keep_alive": 5}
    if args.workers == 1:
        uvicorn.run(
            create_app(config),
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            access_log=False,
            **limits,
        )
        return EXIT_OK
    # Workers learn the settings from their environment, which other users of the machine may
    # read (/proc/PID/environ for the same user, `ps e`): the token goes in a private file instead.
    environment, secret = config.worker_environment()
    metrics_dir: str | None = None
    if not os.environ.get(MULTIPROC_ENV):  # each worker writes its metrics here; a scrape reads them all
        metrics_dir = environment[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="lexgraph-metrics-")
    os.environ.update(environment)
    try:
        # each worker on a socket of its own, so that the kernel spreads the connections (workers.py)
        serve(
            args.host, args.port, args.workers, {"log_level": args.log_level, "access_log": False, **limits}
        )
    except OSError as error:  # the address is taken, or not this machine's
        raise InputError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
    finally:
        if secret is not None:
            secret.unlink(missing_ok=True)
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return EXIT_OK


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"`{text}` is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0–65535)")
    return port


def _positive(kind: type) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"`{text}` is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text} must be more than 0")
        return value

    return parse


def register(sub: Any) -> None:
    p = sub.add_parser("serve", help="the rule service: decisions over HTTP, every one logged")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=_port, default=8000)
    p.add_argument("--db", help="decision log: sqlite:///file.db (default) or postgresql://…")
    p.add_argument(
        "--workers", type=_positive(int), default=1, help="worker processes (they share the log's database)"
    )
    auth = p.add_mutually_exclusive_group()
    auth.add_argument("--token-file", type=Path, help="file holding the bearer token for POST /v1/amendments")
    auth.add_argument("--token", help="the bearer token itself (visible in `ps`: prefer --token-file)")
    p.add_argument(
        "--upload-dir", type=Path, help="where amendments loaded at run time are kept (default: a temp dir)"
    )
    p.add_argument(
        "--law", type=Path, action="append", help="regulation folder (default: the bundled corpus)"
    )
    p.add_argument("--max-body", type=_positive(int), help="largest request body in bytes (batches: 16 MiB)")
    p.add_argument(
        "--body-timeout",
        type=_positive(float),
        help="seconds a request body may take to arrive (408 after that)",
    )
    p.add_argument(
        "--new-laws-per-minute",
        type=_positive(int),
        help="new with/set combinations one client may have compiled a minute (429 beyond)",
    )
    p.add_argument(
        "--limit-concurrency",
        type=_positive(int),
        default=1024,
        help="connections and requests a worker holds at once (503 beyond)",
    )
    p.add_argument(
        "--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"]
    )
    p.set_defaults(func=run)
