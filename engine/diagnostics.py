"""Source spans and diagnostics: errors are values with a position until the program's edge."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import SourceError


@dataclass(frozen=True, order=True)
class Span:
    """A region of one source file (1-based line and column)."""

    path: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


NO_SPAN = Span("<none>", 0, 0)


@dataclass(frozen=True)
class Diagnostic:
    """One error found in the sources, with a stable code."""

    code: str
    message: str
    span: Span = NO_SPAN
    excerpt: str = field(default="", compare=False)

    def render(self) -> str:
        """`path:line:col: code: message`, then the source line and a caret."""
        head = f"{self.span}: {self.code}: {self.message}"
        if not self.excerpt:
            return head
        caret = " " * max(self.span.column - 1, 0) + "^"
        return f"{head}\n    {self.excerpt}\n    {caret}"

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "location": {"path": self.span.path, "line": self.span.line, "column": self.span.column},
        }


# Raised at a public boundary carrying every diagnostic found (engine/errors.py; the old name).
LexgraphError = SourceError


def excerpt_of(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""
