"""The decision logger: where a decided application is recorded, behind an interface.

As OPA keeps its decision logger a plugin outside evaluation, the routes decide, then hand each
decision to a `DecisionLogger` and answer with the id it returns; evaluation never knows whether
or where a decision is logged. `ChainLogger` is the one the service runs: the hash-chained
decision log (lexgraph.compliance.audit), written in groups by `GroupCommitter`."""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..audit import DecisionLog, Entry
from ..decisions import LawContext


@dataclass(frozen=True)
class Decided:
    """One decision as the logger receives it: what was asked, what was answered, under which law."""

    application: dict[str, Any]
    law: dict[str, Any]  # the decision's `law` header (digest, as_of, amendments, parameters…)
    decision_text: str  # the full decision (with proof trees) as compact JSON, without decision_id
    context: LawContext
    amendment_paths: Sequence[Path] = ()
    parameters: dict[str, str] = field(default_factory=dict)
    explain: str = "full"


class DecisionLogger(Protocol):
    """Records decisions. `prepare` may run in any thread (it encodes); `commit` runs on the event
    loop and returns the decision ids once the decisions are durable: an id is never handed out
    for a decision that is not recorded (a failure raises, and the request answers 503)."""

    def prepare(self, decided: Decided) -> Any: ...

    async def commit(self, prepared: list[Any]) -> list[str]: ...

    def close(self) -> None: ...


class ChainLogger:
    """The hash-chained decision log at one database, appended to in groups."""

    def __init__(self, log: DecisionLog):
        self.log = log
        self.committer = GroupCommitter(log)

    def prepare(self, decided: Decided) -> Entry:
        return self.log.entry(
            decided.application,
            {"law": decided.law},
            decided.context,
            decided.amendment_paths,
            decided.parameters,
            decided.explain,
            decision_text=decided.decision_text,
        )

    async def commit(self, prepared: list[Any]) -> list[str]:
        return await self.committer.submit(prepared)

    def close(self) -> None:
        self.log.close()


class GroupCommitter:
    """Appends one worker's decisions to the log in groups, on the event loop's own thread.

    Each request awaits its own commit, so a decision_id that was answered is durable. The flush
    is scheduled with call_soon: it runs once the loop has worked through the requests already
    ready, and everything they decided joins the same transaction, so groups grow with the load.
    It runs on the loop's thread, not a writer thread, on purpose: a second thread must win the
    GIL back from the busy request thread after every database call while it holds the chain lock,
    and every writer of the log waits meanwhile (on two cores: 1,100 against 1,500 decisions/s).
    The price is that the loop waits for the database during a flush, so a flush writes at most
    CHUNK entries (one transaction) and schedules the next: a large batch is written in slices with
    the loop answering other requests between them, and a request learns its ids once the last slice
    holding its decisions is written. A database that cannot be written answers every request whose
    decisions were in the failed slice with 503 (a slice already written stands, as the record of a
    client that went away does)."""

    CHUNK = (
        50  # entries per transaction: a full proof of every permit is ~130 kB, a slice ~0.05 s of the loop
    )

    def __init__(self, log: DecisionLog):
        self.log = log
        self._pending: list[tuple[list[Entry], asyncio.Future[list[str]]]] = []
        self._written = 0  # entries of the head request already written

    def submit(self, entries: list[Entry]) -> "asyncio.Future[list[str]]":
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[str]] = loop.create_future()
        if not self._pending:  # a flush is scheduled exactly while something is pending
            loop.call_soon(self._flush)
        self._pending.append((entries, future))
        return future

    def _flush(self) -> None:
        chunk: list[Entry] = []
        touched = 0  # requests (from the head) with entries in this chunk
        written = self._written
        for entries, _ in self._pending:
            take = entries[written : written + self.CHUNK - len(chunk)]
            chunk += take
            touched += 1
            if written + len(take) < len(entries) or len(chunk) >= self.CHUNK:
                break
            written = 0
        try:
            if chunk:
                self.log.append(chunk)
        except Exception as error:  # the database is down or full: every request of the slice learns it
            failed, self._pending, self._written = self._pending[:touched], self._pending[touched:], 0
            for _, future in failed:
                if not future.done():
                    future.set_exception(error)
        else:
            done = 0
            position = self._written + len(chunk)
            for entries, future in self._pending[:touched]:
                if position < len(entries):
                    break
                position -= len(entries)
                done += 1
                if not future.done():  # a client that went away leaves a cancelled future; its record stands
                    future.set_result([e.decision_id for e in entries])
            self._pending, self._written = self._pending[done:], position if done < touched else 0
        if self._pending:
            asyncio.get_running_loop().call_soon(self._flush)
