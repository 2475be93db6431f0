"""lexgraph's errors: one hierarchy, each member carrying its exit code and HTTP status.

Every error a user can cause derives from `Error`; the edges map it in one place each (the CLI to
`exit_code` and `messages()`, the service to `http_status`; `ApplicationError.problems` and
`SourceError.diagnostics` say where). Anything else that
escapes is a bug (exit 70, HTTP 500).

    Error                      exit  HTTP
    ├── InputError                1   422   a file, database or value that cannot be used
    │   ├── SourceError           1   422   regulation sources or parameters (LexgraphError)
    │   ├── ApplicationError      1   422   an application that breaks the contract
    │   ├── ScenarioError         1   422   a scenario file
    │   ├── PopulationError       1   422   a population file
    │   ├── AcknowledgementError  1   422   a reviewed-findings file
    │   ├── MonitorInputError     1   422   an events file
    │   └── AuditError            1   422   the decision log (unreadable, unknown decision, bad key)
    ├── Unavailable               1   503   an optional part that is not installed or cannot start
    │   └── MonitorUnavailable
    ├── UsageError                2   400   a command asked for what it cannot do
    └── InternalError            70   500   a bug in lexgraph

The classes live here, in the engine, because the engine must not import `compliance` and the
public API re-exports them without importing any optional library. The modules that raise them
keep their old names importable (`compliance.applications.ApplicationError`, …).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from .diagnostics import Diagnostic

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70


class Error(Exception):
    """The base of every error lexgraph reports to a user."""

    exit_code: ClassVar[int] = EXIT_INPUT
    http_status: ClassVar[int] = 422

    def messages(self) -> list[str]:
        """The error as a person reads it, a line each (the CLI prints them to standard error)."""
        return [f"error: {self}"]


class InputError(Error):
    """A file, database or value that cannot be used: said in one line."""


class SourceError(InputError):
    """Errors in the regulation sources or the amendment parameters: every diagnostic found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.span, d.code))
        super().__init__("\n".join(d.render() for d in self.diagnostics))

    def messages(self) -> list[str]:
        return [d.render() for d in self.diagnostics] + [
            f"{len(self.diagnostics)} error(s) in the regulation sources or parameters"
        ]


class ApplicationError(InputError):
    """A malformed application: every problem with the field path it concerns."""

    def __init__(self, problems: list[tuple[str, str]], source: str = ""):
        self.problems = problems
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__("\n".join(f"{prefix}{path}: {message}" for path, message in problems))

    def messages(self) -> list[str]:
        return ["error: malformed application", str(self)]


class ScenarioError(InputError):
    """A scenario file that cannot be read: its path and what is wrong, in one line."""


class PopulationError(InputError):
    """A population file that cannot be read or written (the message names file:line:col where it can)."""


class AcknowledgementError(InputError, ValueError):
    """A list of acknowledged findings (or a reviewed-findings file) that cannot be read."""


class MonitorInputError(InputError):
    """Bad events: each problem is (line, field, message); rendered `path:line: field: message`."""

    def __init__(self, path: str, problems: list[tuple[int, str, str]]):
        self.path, self.problems = path, problems
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [f"{self.path}:{line}: {fld + ': ' if fld else ''}{msg}" for line, fld, msg in self.problems]

    def messages(self) -> list[str]:
        return [*self.lines(), f"{len(self.problems)} error(s) in the events"]


class AuditError(InputError):
    """The decision log cannot be opened, read or written, or holds no such decision; a bad key or checkpoint."""


class Unavailable(Error):
    """An optional part that is not installed here or cannot start."""

    http_status = 503


class MonitorUnavailable(Unavailable, RuntimeError):
    """durable_rules is not installed, or cannot build the ruleset."""


class UsageError(Error):
    """A command asked for something it cannot do (a missing option the parser cannot see)."""

    exit_code = EXIT_USAGE
    http_status = 400


class InternalError(Error):
    """A bug in lexgraph: please report it."""

    exit_code = EXIT_INTERNAL
    http_status = 500


__all__ = [
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "AcknowledgementError",
    "ApplicationError",
    "AuditError",
    "Error",
    "InputError",
    "InternalError",
    "MonitorInputError",
    "MonitorUnavailable",
    "PopulationError",
    "ScenarioError",
    "SourceError",
    "Unavailable",
    "UsageError",
]
