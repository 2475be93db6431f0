"""Applications: validated against the contract before any rule reads them."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker

try:
    import orjson
except ImportError:  # pragma: no cover - optional speed-up (the `serve` extra)
    orjson = None  # type: ignore[assignment]


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    text = resources.files("lexgraph.contract").joinpath("application.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    """The reference validator: it names every problem with its field path."""
    return Draft202012Validator(_schema(), format_checker=FormatChecker())


@lru_cache(maxsize=1)
def _fast_validator() -> Any:
    """jsonschema-rs, the same contract compiled to native code (about a hundred times faster):
    it only accepts; anything it does not accept goes to the reference validator, which decides
    and explains. The two are held to agreement by tests/test_properties.py."""
    return jsonschema_rs.validator_for(_schema(), validate_formats=True)


def accepted(application: dict[str, Any]) -> bool:
    """True when the contract's native validator accepts the application outright."""
    try:
        return bool(_fast_validator().is_valid(application))
    except (ValueError, TypeError, OverflowError):  # e.g. an integer beyond 64 bits: let jsonschema judge
        return False


def _is_text(application: dict[str, Any]) -> bool:
    """Every string encodes as UTF-8 (orjson refuses lone surrogates, and big integers: then look)."""
    if orjson is None:
        return not _not_text(application)
    try:
        orjson.dumps(application)
        return True
    except TypeError:
        return not _not_text(application)


def _not_text(value: Any, path: str = "$") -> list[tuple[str, str]]:
    """Strings that are not Unicode text: JSON's \\ud800-style escapes can smuggle in a lone
    surrogate, which no log, database or hash can store."""
    problem = "not Unicode text: it holds a lone surrogate (an unpaired \\ud800–\\udfff escape)"
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return [(path, problem)]
        return []
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            inner = f"{path}.{k.encode('utf-8', 'backslashreplace').decode()}"
            out += [(inner, problem)] if _not_text(k) else []
            out += _not_text(v, inner)
        return out
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _not_text(v, f"{path}[{i}]")]
    return []


def field_path(parts: Any) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


class ApplicationError(Exception):
    """A malformed application: every problem with the field path it concerns."""

    def __init__(self, problems: list[tuple[str, str]], source: str = ""):
        self.problems = problems
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__("\n".join(f"{prefix}{path}: {message}" for path, message in problems))


def validate_application(application: Any, source: str = "") -> dict[str, Any]:
    """Return the application if it follows the contract; raise ApplicationError naming each field."""
    if not isinstance(application, dict):
        raise ApplicationError([("$", "an application is a JSON object")], source)
    if accepted(application) and _is_text(application):
        return application
    errors = sorted(_validator().iter_errors(application), key=lambda e: list(map(str, e.absolute_path)))
    problems = [(field_path(e.absolute_path), e.message) for e in errors] + _not_text(application)
    if problems:
        raise ApplicationError(problems, source)
    return application


def read_application(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ApplicationError([("$", f"no such file `{path}`")], str(path)) from None
    except json.JSONDecodeError as error:
        raise ApplicationError([("$", f"not JSON: {error.msg} at line {error.lineno} column {error.colno}")], str(path)) from None
    return validate_application(data, str(path))
