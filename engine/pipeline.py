"""The front door of the engine: text → tree → model → checked, amended Law.

`load_law` is the one public entry point for getting a Law; it raises LexgraphError with
every diagnostic of every file when anything is wrong.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from . import model as m
from .amend import apply_operations, set_parameters
from .check import Law, check
from .diagnostics import Diagnostic, LexgraphError, Span
from .loader import default_regulations, discover, read_source
from .lower import lower
from .syntax import parse


@dataclass(frozen=True)
class Loaded:
    files: list[m.FileModel]
    sources: list[m.SourceFile]
    diagnostics: list[Diagnostic]


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
            diagnostics.append(Diagnostic("unreadable_source", f"`{root}` does not exist", Span(str(root), 0, 0)))
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
        tree, syntax_errors = parse(source.text, source.path)
        diagnostics.extend(syntax_errors)
        if tree is None:
            continue
        file_model, lowering_errors = lower(tree, source.path, source.text)
        diagnostics.extend(lowering_errors)
        files.append(file_model)
        queue.extend((key.parent / target, span) for target, span in file_model.imports)
    return Loaded(files, sources, diagnostics)


def digest(sources: list[m.SourceFile] | tuple[m.SourceFile, ...], parameters: dict[str, object] | None = None) -> str:
    """sha256 of the exact sources (order- and path-independent) and any parameter overrides."""
    h = hashlib.sha256()
    for text_hash in sorted(hashlib.sha256(s.text.encode()).hexdigest() for s in sources):
        h.update(text_hash.encode())
    for name, value in sorted((parameters or {}).items()):
        h.update(f"\0{name}={value!r}".encode())
    return h.hexdigest()


def check_sources(roots: list[Path], exclude: list[Path] | None = None) -> tuple[Law | None, list[Diagnostic]]:
    """Parse and check; returns the Law (None when files failed to parse) and all diagnostics."""
    loaded = read_files(roots, exclude)
    law, diagnostics = check(loaded.files, loaded.sources)
    all_diagnostics = sorted(loaded.diagnostics + diagnostics, key=lambda d: (d.span, d.code))
    return law, all_diagnostics


def load_law(
    law_dirs: list[Path] | None = None,
    amendments: list[Path] | None = None,
    parameters: dict[str, str] | None = None,
    exclude: list[Path] | None = None,
) -> Law:
    """The checked law (./regulations in a checkout, else the bundled corpus), with amendments applied
    and parameters set; `exclude` leaves files of the folders out (the law without an adopted
    amendment, for a diff)."""
    default, origin = default_regulations()
    if law_dirs:
        origin = ", ".join(str(d) for d in law_dirs)
    roots = list(law_dirs or [default]) + list(amendments or [])
    law, diagnostics = check_sources(roots, exclude)
    if diagnostics or law is None:
        raise LexgraphError(diagnostics)
    law = apply_operations(law)
    if parameters:
        law, errors = set_parameters(law, parameters)
        if errors:
            raise LexgraphError(errors)
    overrides = {k: v for k, v in law.parameter_values.items() if law.parameters[k].default != v}
    return replace(law, digest=digest(law.sources, overrides), origin=origin)
