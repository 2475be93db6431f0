"""The front door of the engine: text → tree → model → checked, amended Law.

`load_law` is the one public entry point for getting a Law; it raises LexgraphError with
every diagnostic of every file when anything is wrong.

Every stage is cached by the content it reads (`LRU`, bounded and thread-safe): a file's tree and
model by its path and text, a baseline's checked Law by its sources, an amendment value by its
sources, an amended law by the baseline's and amendments' digests. Parameters (`--set`) are set on
the cached amended law: a new parameter value never parses or checks anything again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Generic, TypeVar

from . import model as m
from .amend import Amendment, amend, apply_operations, set_parameters
from .check import Law, check
from .diagnostics import Diagnostic, LexgraphError, Span
from .loader import default_regulations, discover, read_source
from .lower import lower
from .syntax import parse

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A bounded, thread-safe least-recently-used map; counts its hits and misses. A value is made
    outside the lock (two threads missing one key at once may both make it; the first stored wins)."""

    def __init__(self, maxsize: int):
        if maxsize < 1:
            raise ValueError("an LRU holds at least one entry")
        self.maxsize = maxsize
        self.hits = self.misses = 0
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def peek(self, key: K) -> V | None:
        """The value if present (counted as a hit, and made most recent); None otherwise, uncounted."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
        return None

    def get(self, key: K, make: Callable[[], V]) -> V:
        found = self.peek(key)
        if found is not None:
            return found
        value = make()
        with self._lock:
            self.misses += 1
            if key in self._data:
                return self._data[key]
            self._data[key] = value
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0


def content_key(sources: Iterable[m.SourceFile]) -> str:
    """sha256 of the sources as read: paths (they appear in diagnostics) and texts, in order."""
    h = hashlib.sha256()
    for s in sources:
        h.update(hashlib.sha256(s.path.encode()).digest() + hashlib.sha256(s.text.encode()).digest())
    return h.hexdigest()


FILES: LRU[tuple[str, str], tuple[m.FileModel | None, tuple[Diagnostic, ...]]] = LRU(1024)
BASELINES: LRU[str, tuple[Law, tuple[Diagnostic, ...]]] = LRU(8)
AMENDMENTS: LRU[str, Amendment] = LRU(64)
AMENDED: LRU[tuple[str, tuple[str, ...]], Law] = LRU(32)


@dataclass(frozen=True)
class Loaded:
    files: list[m.FileModel]
    sources: list[m.SourceFile]
    diagnostics: list[Diagnostic]
    paths: frozenset[Path] = frozenset()  # every file read (resolved)

    def amendments(self, paths: Iterable[Path] | None) -> tuple[Amendment, ...]:
        """The amendment values of `paths`, but those already read here (an adopted decision in the
        folder named again with `--with` is part of the law once)."""
        return tuple(read_amendment(a) for a in paths or [] if a.resolve() not in self.paths)

    @property
    def key(self) -> str:
        return content_key(self.sources)


def _parsed(source: m.SourceFile) -> tuple[m.FileModel | None, tuple[Diagnostic, ...]]:
    def make() -> tuple[m.FileModel | None, tuple[Diagnostic, ...]]:
        tree, syntax_errors = parse(source.text, source.path)
        if tree is None:
            return None, tuple(syntax_errors)
        file_model, lowering_errors = lower(tree, source.path, source.text)
        return file_model, (*syntax_errors, *lowering_errors)

    return FILES.get((source.path, hashlib.sha256(source.text.encode()).hexdigest()), make)


def read_files(roots: list[Path], exclude: list[Path] | None = None) -> Loaded:
    """Read, parse and lower every source under `roots` (but those in `exclude`), following imports."""
    excluded = frozenset(p.resolve() for p in exclude or [])
    files: list[m.FileModel] = []
    sources: list[m.SourceFile] = []
    diagnostics: list[Diagnostic] = []
    seen: set[Path] = set()
    queue: list[tuple[Path, Span | None]] = []
    for root in roots:
        if not root.exists():
            diagnostics.append(
                Diagnostic("unreadable_source", f"`{root}` does not exist", Span(str(root), 0, 0))
            )
            continue
        queue.extend((p, None) for p in discover(root, excluded))
    while queue:
        path, origin = queue.pop(0)
        key = path.resolve()
        if key in seen:
            continue
        seen.add(key)
        source, error = read_source(path, origin)
        if error is not None or source is None:
            diagnostics.append(error)  # type: ignore[arg-type]
            continue
        sources.append(source)
        file_model, errors = _parsed(source)
        diagnostics.extend(errors)
        if file_model is None:
            continue
        files.append(file_model)
        queue.extend((key.parent / target, span) for target, span in file_model.imports)
    return Loaded(files, sources, diagnostics, frozenset(seen))


def digest(
    sources: list[m.SourceFile] | tuple[m.SourceFile, ...], parameters: dict[str, object] | None = None
) -> str:
    """sha256 of the exact sources (order- and path-independent) and any parameter overrides."""
    h = hashlib.sha256()
    for text_hash in sorted(hashlib.sha256(s.text.encode()).hexdigest() for s in sources):
        h.update(text_hash.encode())
    for name, value in sorted((parameters or {}).items()):
        h.update(f"\0{name}={value!r}".encode())
    return h.hexdigest()


def _checked(loaded: Loaded) -> tuple[Law, tuple[Diagnostic, ...]]:
    def make() -> tuple[Law, tuple[Diagnostic, ...]]:
        law, diagnostics = check(loaded.files, loaded.sources)
        return law, tuple(sorted([*loaded.diagnostics, *diagnostics], key=lambda d: (d.span, d.code)))

    if loaded.diagnostics:  # a file that could not be read or parsed: nothing worth keeping
        return make()
    return BASELINES.get(loaded.key, make)


def check_sources(
    roots: list[Path], exclude: list[Path] | None = None
) -> tuple[Law | None, list[Diagnostic]]:
    """Parse and check the files together (no amendment applied); the Law and all diagnostics."""
    law, diagnostics = _checked(read_files(roots, exclude))
    return law, list(diagnostics)


def read_amendment(path: Path) -> Amendment:
    """An amendment file (or folder) parsed and lowered alone, as a value; LexgraphError if it does
    not parse. Cached by its content."""
    loaded = read_files([path])
    if loaded.diagnostics:
        raise LexgraphError(loaded.diagnostics)
    return amendment_of(loaded.sources)


def amendment_of(sources: Iterable[m.SourceFile]) -> Amendment:
    """The amendment value of these sources (read here, or sent by content to a worker)."""
    sources = tuple(sources)

    def make() -> Amendment:
        files, diagnostics = _parsed_all(sources)
        if diagnostics:
            raise LexgraphError(diagnostics)
        return Amendment(tuple(files), sources, digest(sources))

    return AMENDMENTS.get(content_key(sources), make)


def baseline_of(sources: Iterable[m.SourceFile]) -> Law:
    """The checked law of these sources alone (read here, or sent by content to a worker); raises
    LexgraphError when it does not check. Amendments among the sources are applied."""
    sources = tuple(sources)
    files, diagnostics = _parsed_all(sources)
    return _baseline(Loaded(files, list(sources), diagnostics))


def _parsed_all(sources: tuple[m.SourceFile, ...]) -> tuple[list[m.FileModel], list[Diagnostic]]:
    """Each source parsed and lowered (cached by its content): the file models and every diagnostic."""
    files: list[m.FileModel] = []
    diagnostics: list[Diagnostic] = []
    for source in sources:
        file_model, errors = _parsed(source)
        diagnostics.extend(errors)
        if file_model is not None:
            files.append(file_model)
    return files, diagnostics


def _baseline(loaded: Loaded) -> Law:
    law, diagnostics = _checked(loaded)
    if diagnostics:
        raise LexgraphError(list(diagnostics))
    return AMENDED.get(
        (loaded.key, ()), lambda: replace(applied := apply_operations(law), digest=digest(applied.sources))
    )


def amended(baseline: Law, baseline_key: str, amendments: tuple[Amendment, ...]) -> Law:
    """`amend(baseline, amendments)`, cached by the baseline's content key and the amendments' digests."""
    if not amendments:
        return baseline
    return AMENDED.get(
        (baseline_key, tuple(content_key(a.sources) for a in amendments)),
        lambda: replace(law := amend(baseline, amendments), digest=digest(law.sources)),
    )


def with_parameters(law: Law, parameters: dict[str, str] | None) -> Law:
    """The law with `--set` values (typed here), its digest covering them; nothing is parsed again."""
    if parameters:
        law, errors = set_parameters(law, parameters)
        if errors:
            raise LexgraphError(errors)
    overrides = {k: v for k, v in law.parameter_values.items() if law.parameters[k].default != v}
    return replace(law, digest=digest(law.sources, overrides)) if overrides else law


def load_keyed(
    law_dirs: list[Path] | None = None,
    amendments: list[Path] | None = None,
    parameters: dict[str, str] | None = None,
    exclude: list[Path] | None = None,
) -> tuple[tuple[str, ...], Law]:
    """`load_law`, with the content key of what it read: (baseline key, amendment keys…, parameters)."""
    default, origin = default_regulations()
    if law_dirs:
        origin = ", ".join(str(d) for d in law_dirs)
    loaded = read_files(list(law_dirs or [default]), exclude)
    baseline = _baseline(loaded)
    values = loaded.amendments(amendments)
    law = with_parameters(amended(baseline, loaded.key, values), parameters)
    key = (
        loaded.key,
        *(content_key(a.sources) for a in values),
        repr(sorted((parameters or {}).items())),
        origin,
    )
    return key, replace(law, origin=origin)


def load_law(
    law_dirs: list[Path] | None = None,
    amendments: list[Path] | None = None,
    parameters: dict[str, str] | None = None,
    exclude: list[Path] | None = None,
) -> Law:
    """The checked law (./regulations in a checkout, else the bundled corpus), with amendments applied
    and parameters set; `exclude` leaves files of the folders out (the law without an adopted
    amendment, for a diff)."""
    return load_keyed(law_dirs, amendments, parameters, exclude)[1]


def check_law(roots: list[Path], amendments: list[Path]) -> tuple[Law | None, list[Diagnostic]]:
    """`lexgraph check [--with …]`: the files under `roots` checked, then each amendment parsed alone,
    applied and the amended law checked again; every diagnostic."""
    loaded = read_files(roots)
    law, diagnostics = _checked(loaded)
    if diagnostics:
        return law, list(diagnostics)
    try:
        return amended(_baseline(loaded), loaded.key, loaded.amendments(amendments)), []
    except LexgraphError as error:
        return None, error.diagnostics
