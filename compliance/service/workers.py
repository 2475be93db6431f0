"""The service's worker processes, each listening on a socket of its own (SO_REUSEPORT).

uvicorn's supervisor hands every worker one shared listening socket, and the worker whose loop
wakes first accepts every connection waiting: a burst of keep-alive connections (a client's pool
opening at once) can land on one worker while the other idles for as long as they stay open
(measured with 16 connections: an even split 1,180 decisions/s, a 90/10 split 750). Here each
worker binds its own socket to the port with SO_REUSEPORT, and the kernel spreads new
connections across the workers' sockets. The supervisor replaces a worker that dies and stops
them all on SIGINT or SIGTERM (each worker shuts down as uvicorn does: requests in flight end)."""

import multiprocessing
import signal
import socket
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any

from lexgraph.engine.errors import Unavailable

APP = "lexgraph.compliance.service:app_from_env"  # the factory each worker builds its app with
BACKLOG = 2048
CRASH_LIMIT, CRASH_WINDOW = 5, 60.0  # more than 5 replacements a worker within a minute: give up


def bound_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port in the port's SO_REUSEPORT group."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(host: str, port: int, options: dict[str, Any]) -> None:
    import uvicorn

    sock = bound_socket(host, port)
    sock.listen(BACKLOG)
    uvicorn.Server(uvicorn.Config(APP, factory=True, host=host, port=port, **options)).run(sockets=[sock])


def serve(host: str, port: int, workers: int, options: dict[str, Any]) -> None:
    """Run `workers` processes of the service on host:port until SIGINT or SIGTERM. The settings
    reach the workers through the environment (ServiceConfig.worker_environment)."""
    # The port is held for the whole run by a socket that is bound but never listens: it takes no
    # connections, and a worker replaced later binds the same port again.
    holder = bound_socket(host, port)
    port = holder.getsockname()[1]
    spawn = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> BaseProcess:
        process = spawn.Process(target=_worker, args=(host, port, options), name="lexgraph-worker")
        process.start()
        return process

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    processes = [start() for _ in range(workers)]
    replaced: list[float] = []  # when workers were replaced, to tell a crash from a crash loop
    try:
        while not stopping:
            time.sleep(0.2)
            for k, process in enumerate(processes):
                if not stopping and not process.is_alive():
                    now = time.monotonic()
                    replaced = [t for t in replaced if now - t < CRASH_WINDOW] + [now]
                    if len(replaced) > CRASH_LIMIT * workers:
                        raise Unavailable(
                            f"the service's workers keep stopping ({len(replaced)} in {CRASH_WINDOW:g} s; "
                            f"the last with exit code {process.exitcode}): see their messages above"
                        )
                    processes[k] = start()  # a worker that died is replaced; the others go on
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.kill()
        holder.close()
        for s, handler in previous.items():
            signal.signal(s, handler)
