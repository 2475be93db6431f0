"""Reading sources: directories, files and their imports → SourceFiles (text only, no parsing)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .diagnostics import Diagnostic, Span
from .model import SourceFile

SUFFIX = ".lex"


def bundled_regulations() -> Path:
    """The corpus shipped with the package."""
    return Path(str(resources.files("lexgraph.regulations")))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def discover(root: Path) -> list[Path]:
    """Every source under a directory, amendments excepted (those are applied with `--with`)."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*" + SUFFIX) if "amendments" not in p.relative_to(root).parts[:-1])


def read_source(path: Path, origin: Span | None = None) -> tuple[SourceFile | None, Diagnostic | None]:
    """Read one source file; a missing or undecodable file is a diagnostic, not an exception."""
    try:
        text = path.resolve().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        span = origin or Span(_display(path), 0, 0)
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return None, Diagnostic("unreadable_source", f"cannot read `{_display(path)}`: {reason.lower()}", span)
    return SourceFile(_display(path), text), None
