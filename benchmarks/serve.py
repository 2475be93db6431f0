"""Throughput and latency of the rule service with the decision log on (SQLite), driven over
loopback from a separate load-generator process, beside the same decision taken in-process.

    .venv/bin/python benchmarks/serve.py [--quick] [--workers N] [--concurrency C] [--seconds S]

The load generator is a small asyncio HTTP/1.1 keep-alive client (one process, C connections):
it costs far less CPU per request than httpx or locust, which matters when client and server
share two cores. The requests cycle through a mixed workload — the README's engineer and
generated applications of every profile (benchmarks/workload.py), a third with facts left out —
so no two consecutive requests on a connection carry the same application. Every request is
checked (status 200, a decision_id in the body); after the run the log is verified: one unbroken
chain holding exactly the decisions that were answered. The server is warmed up (every worker
has compiled its programs) before anything is measured. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `benchmarks` as a package when run as a script
EXAMPLE = ROOT / "examples" / "engineer_pr.json"
WORKLOAD = 200  # distinct applications per run


def percentiles(latencies: list[float]) -> tuple[float, float]:
    if not latencies:
        return 0.0, 0.0
    ordered = sorted(latencies)
    return (
        ordered[len(ordered) // 2] * 1000,
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    )


# ------------------------------------------------------------------ load generator (its own process)


async def _connection(
    host: str,
    port: int,
    requests: list[bytes],
    offset: int,
    stop_at: float,
    warm_until: float,
    latencies: list[float],
    counts: dict[str, int],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    n = offset
    try:
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            writer.write(requests[n % len(requests)])
            n += 1
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            body = await reader.readexactly(length)
            elapsed = time.perf_counter() - start
            if start < warm_until:
                continue
            if status == 200 and b'"decision_id"' in body:
                latencies.append(elapsed)
                counts["ok"] += 1
            else:
                counts["errors"] += 1
    except (OSError, asyncio.IncompleteReadError, ValueError):
        counts["errors"] += 1
    finally:
        writer.close()


def load(
    url: str, path: str, bodies: list[bytes], concurrency: int, seconds: float, warmup: float, out: Any
) -> None:
    host, port = url.split("//", 1)[1].split(":")
    requests = [
        (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        + body
        for body in bodies
    ]
    latencies: list[float] = []
    counts = {"ok": 0, "errors": 0}

    async def main() -> float:
        begin = time.perf_counter()
        warm_until, stop_at = begin + warmup, begin + warmup + seconds
        await asyncio.gather(
            *(
                _connection(
                    host,
                    int(port),
                    requests,
                    i * len(requests) // concurrency,
                    stop_at,
                    warm_until,
                    latencies,
                    counts,
                )
                for i in range(concurrency)
            )
        )
        return time.perf_counter() - warm_until

    measured = asyncio.run(main())
    p50, p99 = percentiles(latencies)
    out.send(
        {
            "rps": round(counts["ok"] / measured, 1),
            "p50_ms": round(p50, 2),
            "p99_ms": round(p99, 2),
            "errors": counts["errors"],
            "requests": counts["ok"] + counts["errors"],
            "concurrency": concurrency,
            "seconds": round(measured, 2),
        }
    )


def drive(
    url: str, path: str, bodies: list[bytes], concurrency: int, seconds: float, warmup: float
) -> dict[str, Any]:
    receive, send = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("spawn").Process(
        target=load, args=(url, path, bodies, concurrency, seconds, warmup, send)
    )
    process.start()
    result: dict[str, Any] = receive.recv()
    process.join()
    return result


# ------------------------------------------------------------------ the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lexgraph.compliance.cli",
            "serve",
            "--port",
            str(port),
            "--db",
            db,
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"serve exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("serve did not come up")


# ------------------------------------------------------------------ in-process


def in_process(
    applications: list[dict[str, Any]], seconds: float, summary: bool, log_url: str | None
) -> dict[str, Any]:
    """The same decisions without HTTP: validate, decide with proof, render JSON (and log, if asked)."""
    from lexgraph.api import load_law
    from lexgraph.compliance.audit import DecisionLog
    from lexgraph.compliance.render import decision_json, summary_of
    from lexgraph.compliance.service.app import settle_collector

    context = load_law()
    log = DecisionLog(log_url) if log_url else None
    for application in applications:
        context.decide(application)
    settle_collector()  # as a worker of the service does once it has loaded the law
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < stop:
        application = applications[n % len(applications)]
        n += 1
        start = time.perf_counter()
        decision = context.decide(application, trace=True)
        full = decision_json(decision)
        answer = summary_of(full) if summary else full
        if log is not None:
            answer["decision_id"] = log.record(application, full, context)["decision_id"]
        json.dumps(answer, ensure_ascii=False)
        latencies.append(time.perf_counter() - start)
    p50, p99 = percentiles(latencies)
    return {
        "rps": round(len(latencies) / sum(latencies), 1),
        "p50_ms": round(p50, 3),
        "p99_ms": round(p99, 3),
        "errors": 0,
        "requests": len(latencies),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="short runs (the whole benchmark in well under a minute)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=None)
    args = parser.parse_args()
    seconds = args.seconds or (5.0 if args.quick else 20.0)
    warmup = 3.0 if args.quick else 5.0
    from benchmarks.workload import generate

    applications = [json.loads(EXAMPLE.read_text(encoding="utf-8")), *generate(WORKLOAD - 1)]
    bodies = [json.dumps(a, ensure_ascii=False).encode() for a in applications]

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="lexgraph-bench-") as tmp:
        db = f"sqlite:///{Path(tmp) / 'decisions.db'}"
        server, url = start_server(db, args.workers)
        try:
            # Warm-up, not measured: each worker compiles the programs for the workload's dates.
            drive(url, "/v1/decisions?explain=summary", bodies, args.concurrency, warmup, 0)
            for mode in ("summary", "full"):
                results[mode] = drive(
                    url, f"/v1/decisions?explain={mode}", bodies, args.concurrency, seconds, 1.0
                )
                print(f"HTTP, log on, explain={mode}: {results[mode]}", flush=True)
        finally:
            server.terminate()
            server.wait(20)
        from lexgraph.compliance.audit import DecisionLog

        check = DecisionLog(db).verify()
        answered = sum(r["requests"] - r["errors"] for r in results.values())
        print(
            f"log: {check.records} records, chain {'unbroken' if check.ok else 'BROKEN: ' + check.problem} "
            f"(≥ {answered} answered in the measured windows)",
            flush=True,
        )
        budget = min(seconds, 4.0)
        local = {
            "summary": in_process(applications, budget, True, None),
            "full": in_process(applications, budget, False, None),
            "summary_logged": in_process(applications, budget, True, f"sqlite:///{Path(tmp) / 'local.db'}"),
        }
        for name, r in local.items():
            print(f"in-process, {name}: {r}", flush=True)

    http = results["summary"]
    summary = {
        "benchmark": "serve",
        "workers": args.workers,
        "applications": len(applications),
        "concurrency": args.concurrency,
        "cores": os.cpu_count(),
        "explain": "summary",
        "rps": http["rps"],
        "p50_ms": http["p50_ms"],
        "p99_ms": http["p99_ms"],
        "errors": sum(r["errors"] for r in results.values()),
        "full": {k: results["full"][k] for k in ("rps", "p50_ms", "p99_ms", "errors")},
        "in_process": {k: local["summary"][k] for k in ("rps", "p50_ms", "p99_ms", "errors")},
        "in_process_full": {k: local["full"][k] for k in ("rps", "p50_ms", "p99_ms", "errors")},
        "in_process_logged": {k: local["summary_logged"][k] for k in ("rps", "p50_ms", "p99_ms", "errors")},
        "http_over_in_process_rps": round(http["rps"] / local["summary"]["rps"], 3)
        if local["summary"]["rps"]
        else None,
        "chain_ok": check.ok,
        "logged_records": check.records,
        "goal": {"rps": 1000, "p99_ms": 50, "errors": 0},
    }
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main()
