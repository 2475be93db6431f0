"""Reading sources: directories, files and their imports → SourceFiles (text only, no parsing)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .diagnostics import Diagnostic, Span
from .model import SourceFile

SUFFIX = ".lex"
MAX_SOURCE_BYTES = 512 << 10  # the largest file of the corpus is about 21 kB


def bundled_regulations() -> Path:
    """The corpus shipped with the package."""
    return Path(str(resources.files("lexgraph.regulations")))


def default_regulations() -> tuple[Path, str]:
    """The law used when none is named, and how to say which: `./regulations` inside a checkout that
    has one (a drafter editing it decides on what they edit), else the corpus shipped with the package."""
    here = Path("regulations")
    if (here / "vocabulary.lex").is_file():
        return here, "./regulations (this checkout)"
    return bundled_regulations(), "the corpus bundled with lexgraph"


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def discover(root: Path, exclude: frozenset[Path] = frozenset()) -> list[Path]:
    """Every source under a directory, amendments excepted (those are applied with `--with`), and
    any file in `exclude` (resolved paths: the law as it stood without an adopted amendment)."""
    if root.is_file():
        return [] if root.resolve() in exclude else [root]
    return sorted(
        p
        for p in root.rglob("*" + SUFFIX)
        if "amendments" not in p.relative_to(root).parts[:-1] and p.resolve() not in exclude
    )


def read_source(path: Path, origin: Span | None = None) -> tuple[SourceFile | None, Diagnostic | None]:
    """Read one source file; a missing, oversized, special or undecodable file is a diagnostic,
    not an exception. Only regular files are read (a FIFO or /dev/zero would block or never end),
    and at most MAX_SOURCE_BYTES of them."""
    shown = _display(path)
    span = origin or Span(shown, 1, 1)
    try:
        resolved = path.resolve()
        if resolved.is_dir():
            return None, Diagnostic("unreadable_source", f"cannot read `{shown}`: it is a directory", span)
        if resolved.exists() and not resolved.is_file():
            return None, Diagnostic("unreadable_source", f"cannot read `{shown}`: not a regular file", span)
        with resolved.open("rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        return None, Diagnostic("unreadable_source", f"cannot read `{shown}`: {reason.lower()}", span)
    if len(data) > MAX_SOURCE_BYTES:
        return None, Diagnostic(
            "source_too_large",
            f"`{shown}` is larger than {MAX_SOURCE_BYTES >> 10} KiB: a source file is at most that",
            span,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        where = Span(shown, line, column, line, column)
        return None, Diagnostic(
            "unreadable_source",
            f"cannot read `{shown}`: not UTF-8 text "
            f"(byte 0x{data[error.start]:02x} at line {line}, column {column})",
            where,
        )
    return SourceFile(shown, text), None
