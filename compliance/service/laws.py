"""The laws the service decides by: LawContexts per (amendment ids, parameters), least recently
used dropped first, the baseline kept for ever; the amendments known (bundled and uploaded); the
query parameters that choose a law (`as_of`, `with`, `set`).

`law_context` is the one place a law is loaded: `Laws` is a cheap index by the names a request gives
(the event loop reads it) into the process's law cache, which builds and keeps each law by its
content (decisions.LawContext.load)."""

import datetime as dt
import re
import threading
import time
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lexgraph.engine.diagnostics import LexgraphError
from lexgraph.engine.pipeline import LRU

from ..applications import FIRST_YEAR, LAST_YEAR, is_contract_date
from ..decisions import LawContext
from .problems import HTTPProblem

if TYPE_CHECKING:
    from .settings import ServiceConfig

DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=.*$")
AMENDMENT_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
CITATION = re.compile(r"^([a-z][a-z0-9_]*)/art_(\d{1,4})(?:__para_(\d{1,3}))?(?:__item_(\d{1,3}))?$")


def law_context(
    law_dirs: list[Path] | None, amendment_paths: list[Path], parameters: dict[str, str] | None = None
) -> LawContext:
    """The law of these folders, amendments and parameters, checked and compiled."""
    return LawContext.load(law_dirs, amendment_paths, parameters or {})


class Laws:
    """LawContexts per (amendment ids, parameters), least recently used dropped first."""

    def __init__(self, config: "ServiceConfig"):
        self.config = config
        self.law_dirs = [Path(p) for p in config.law_dirs] if config.law_dirs else None
        bundled = Path(str(resources.files("lexgraph.regulations"))) / "amendments"
        self.amendments_dir = Path(config.amendments_dir) if config.amendments_dir else bundled
        self.upload_dir = Path(config.upload_dir) if config.upload_dir else None
        self._cache: LRU[
            tuple[tuple[str, ...], tuple[tuple[str, str], ...]], tuple[LawContext, list[Path]]
        ] = LRU(max(config.contexts, 1))
        self._lock = threading.Lock()
        self._compiling = threading.Lock()  # one law compiled at a time per worker
        self._baseline: tuple[LawContext, list[Path]] | None = None  # never evicted
        self._misses: dict[str, list[float]] = {}  # client → times it had a law compiled

    def known(self) -> dict[str, Path]:
        """Amendment id → file: the corpus's amendments/ by stem, then those uploaded at run time.
        Read from disk on each call so every worker sees an upload at once."""
        out: dict[str, Path] = {}
        for folder in (self.amendments_dir, self.upload_dir):
            if folder is not None and folder.is_dir():
                out.update({p.stem: p for p in sorted(folder.glob("*.lex")) if AMENDMENT_ID.match(p.stem)})
        return out

    @staticmethod
    def key(
        amendments: list[str], parameters: dict[str, str]
    ) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        return tuple(dict.fromkeys(amendments)), tuple(sorted(parameters.items()))

    def cached(
        self, amendments: list[str], parameters: dict[str, str]
    ) -> tuple[LawContext, list[Path]] | None:
        """The law if it is compiled already (cheap: the event loop calls this)."""
        key = self.key(amendments, parameters)
        if key == ((), ()) and self._baseline is not None:
            return self._baseline
        return self._cache.peek(key)  # its amendments were known when it was loaded, and stay known

    def admit(self, client: str, now: float | None = None) -> None:
        """A client may have `new_laws_per_client` laws compiled a minute: each costs 0.1–1 s of a
        core and evicts another client's law from the cache. Past that: 429."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [t for t in self._misses.get(client, []) if now - t < 60.0]
            if len(recent) >= self.config.new_laws_per_client:
                raise HTTPProblem(
                    429,
                    f"too many new laws asked for: at most {self.config.new_laws_per_client} "
                    "different with/set combinations a minute per client",
                    [("query.set", "try again later")],
                )
            recent.append(now)
            self._misses[client] = recent
            if len(self._misses) > 4096:  # forget the quiet clients
                for quiet in [c for c, ts in self._misses.items() if not ts or now - ts[-1] >= 60.0]:
                    del self._misses[quiet]

    def get(self, amendments: list[str], parameters: dict[str, str]) -> tuple[LawContext, list[Path]]:
        """The law for these amendments and parameters, compiled if need be (blocking: call it
        from a worker thread, never on the event loop)."""
        cached = self.cached(amendments, parameters)
        if cached is not None:
            return cached
        with self._compiling:  # concurrent requests for one new law compile it once
            cached = self.cached(amendments, parameters)
            if cached is not None:
                return cached
            return self._load(amendments, parameters)

    def check_known(self, amendments: list[str]) -> dict[str, Path]:
        known = self.known()
        unknown = [a for a in amendments if a not in known]
        if unknown:
            raise HTTPProblem(
                404,
                f"unknown amendment {', '.join(map(repr, unknown[:10]))}; known: "
                f"{', '.join(sorted(known)) or 'none'}",
                [("query.with", f"unknown amendment `{a}`") for a in unknown[:10]],
            )
        return known

    def _load(self, amendments: list[str], parameters: dict[str, str]) -> tuple[LawContext, list[Path]]:
        key = self.key(amendments, parameters)
        known = self.check_known(amendments)
        paths = [known[a] for a in key[0]]
        try:
            context = law_context(self.law_dirs, paths, parameters)
        except LexgraphError as error:
            raise HTTPProblem(
                422,
                "the amendments or parameters do not give a valid law",
                [
                    (
                        "query.set" if d.code in ("unknown_parameter", "type_mismatch") else "query.with",
                        f"{d.span}: {d.code}: {d.message}" if d.span.line else f"{d.code}: {d.message}",
                    )
                    for d in error.diagnostics
                ],
            ) from None
        if key == ((), ()):
            self._baseline = (context, paths)
            return self._baseline
        return self._cache.get(key, lambda: (context, paths))


def parse_day(text: str | None) -> dt.date | None:
    if text is None:
        return None
    if is_contract_date(text):
        return dt.date.fromisoformat(text)
    raise HTTPProblem(
        422,
        "not a date",
        [("query.as_of", f"`{text}` is not a date YYYY-MM-DD in the years {FIRST_YEAR}–{LAST_YEAR}")],
    )


def parse_assignments(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    problems = []
    for i, item in enumerate(items):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            problems.append((f"query.set[{i}]", f"`{item}`: expected name=value"))
        else:
            out[name.strip()] = value.strip()
    if problems:
        raise HTTPProblem(422, "malformed parameter", problems)
    return out


_analysis_lock = threading.Lock()
_analyses: LRU[tuple[str, str], dict[str, Any]] = LRU(32)


def run_analysis(context: LawContext, day: dt.date) -> dict[str, Any]:
    """`lexgraph analyze` for one law and day. z3's default context is not thread-safe, so analyses
    run one at a time; a law and day always give the same findings, so they are cached."""
    from lexgraph.compliance.analysis import analyze

    key = (context.law.digest, day.isoformat())
    with _analysis_lock:
        return _analyses.get(key, lambda: analyze(context, day).to_json())
