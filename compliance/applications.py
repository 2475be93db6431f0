"""Applications: validated against the contract before any rule reads them."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from lexgraph.engine.errors import ApplicationError
from lexgraph.engine.schema import contract_schema

try:
    import orjson
except ImportError:  # pragma: no cover - optional speed-up (the `serve` extra)
    orjson = None  # type: ignore[assignment]


# The contract's bounds beyond what JSON Schema says (application.schema.json's description states
# them): every date lies in these years, so date arithmetic in the rules (an entry date plus a
# few years) cannot leave the calendar; every number is finite and at most MAX_MAGNITUDE in size,
# so arithmetic on it cannot overflow; nesting stays shallow (the contract itself is 3 deep).
FIRST_YEAR, LAST_YEAR = 1800, 2999
MAX_MAGNITUDE = 10**15
MAX_DEPTH = 32
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_contract_date(text: object) -> bool:
    """A calendar date YYYY-MM-DD within the contract's years (both validators' `date` format)."""
    if not isinstance(text, str):
        return True  # formats apply to strings only
    if not _DATE.fullmatch(text):
        return False
    try:
        return FIRST_YEAR <= dt.date.fromisoformat(text).year <= LAST_YEAR
    except ValueError:
        return False


def ecma_pattern(pattern: str) -> str:
    """A JSON Schema (ECMA-262) pattern as a Python regex with the same meaning for `$`: the end
    of the text, where Python's `$` also matches before a final newline ("DEU\n")."""
    out, escaped, in_class = [], False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "$" and not in_class:
            out.append(r"\Z")
            continue
        out.append(ch)
    return "".join(out)


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Any:
    if validator.is_type(instance, "string") and not re.search(ecma_pattern(pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _formats() -> FormatChecker:
    checker = FormatChecker()
    checker.checks("date")(is_contract_date)
    return checker


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    """The reference validator: it names every problem with its field path. Patterns mean what
    they mean in JSON Schema (ECMA-262), and `date` is the contract's date, as in the fast one."""
    cls = validators.extend(Draft202012Validator, {"pattern": _pattern})
    validator: Draft202012Validator = cls(contract_schema(), format_checker=_formats())
    return validator


@lru_cache(maxsize=1)
def _fast_validator() -> Any:
    """jsonschema-rs, the same contract compiled to native code (about a hundred times faster):
    it only accepts; anything it does not accept goes to the reference validator, which decides
    and explains. The two are held to agreement by tests/test_properties.py."""
    return jsonschema_rs.validator_for(
        contract_schema(), formats={"date": is_contract_date}, validate_formats=True
    )


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


def _message(error: ValidationError) -> str:
    if error.validator == "format" and error.validator_value == "date":
        return f"{error.instance!r} is not a date YYYY-MM-DD in the years {FIRST_YEAR}–{LAST_YEAR}"
    return error.message


def _within_bounds(value: Any) -> bool:
    """The quick yes of out_of_bounds(): level by level, no paths built (a few microseconds)."""
    level = [value]
    for _ in range(MAX_DEPTH + 1):
        below: list[Any] = []
        for node in level:
            kind = type(node)
            if kind is str or kind is bool or node is None:
                continue
            if kind is dict:
                below.extend(node.values())
            elif kind is list:
                below.extend(node)
            elif kind is int:
                if not -MAX_MAGNITUDE <= node <= MAX_MAGNITUDE:
                    return False
            elif kind is float:
                if not -MAX_MAGNITUDE <= node <= MAX_MAGNITUDE:  # NaN compares false too
                    return False
            else:  # a subclass or another type: let the full walk judge
                return False
        if not below:
            return True
        level = below
    return False


def out_of_bounds(value: Any, limit: int = 50) -> list[tuple[str, str]]:
    """Numbers that are not finite or too large, and nesting deeper than MAX_DEPTH, by field path.
    Iterative, so no depth of nesting can exhaust the stack; it stops after `limit` problems."""
    if _within_bounds(value):
        return []
    problems: list[tuple[str, str]] = []
    stack: list[tuple[Any, str, int]] = [(value, "$", 0)]
    while stack and len(problems) < limit:
        node, path, depth = stack.pop()
        if isinstance(node, bool) or node is None or isinstance(node, str):
            continue
        if isinstance(node, int):
            if not -MAX_MAGNITUDE <= node <= MAX_MAGNITUDE:
                problems.append((path, "out of range: numbers are at most 10^15 in magnitude"))
        elif isinstance(node, float):
            if not math.isfinite(node):
                problems.append((path, f"not a finite number ({node!r}): JSON has no NaN or Infinity"))
            elif abs(node) > MAX_MAGNITUDE:
                problems.append((path, "out of range: numbers are at most 10^15 in magnitude"))
        elif depth >= MAX_DEPTH and isinstance(node, dict | list):
            problems.append((path, f"nested too deeply: at most {MAX_DEPTH} levels"))
        elif isinstance(node, dict):
            stack.extend((v, f"{path}.{k}", depth + 1) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in reversed(list(enumerate(node))))
    return problems


def validate_application(application: Any, source: str = "") -> dict[str, Any]:
    """Return the application if it follows the contract; raise ApplicationError naming each field.

    `requested` is a set: a permit named twice is decided once, and the application returned
    (the one decided and logged) names it once."""
    if not isinstance(application, dict):
        raise ApplicationError([("$", "an application is a JSON object")], source)
    bounds = out_of_bounds(application)
    if bounds:  # before either validator: they recurse, and NaN or a huge number upsets them
        raise ApplicationError(bounds, source)
    if not (accepted(application) and _is_text(application)):
        errors = sorted(_validator().iter_errors(application), key=lambda e: list(map(str, e.absolute_path)))
        problems = [(field_path(e.absolute_path), _message(e)) for e in errors] + _not_text(application)
        if problems:
            raise ApplicationError(problems, source)
    requested = application.get("requested")
    if isinstance(requested, list) and len(set(requested)) < len(requested):
        application = {**application, "requested": list(dict.fromkeys(requested))}
    return application


def parse_json(data: bytes | str, source: str = "") -> Any:
    """JSON text → value; anything that is not JSON a client could mean is an ApplicationError at `$`."""
    try:
        return json.loads(data.decode("utf-8") if isinstance(data, bytes) else data)
    except UnicodeDecodeError as error:  # JSON between systems is UTF-8 (RFC 8259): no UTF-16 guessing
        raise ApplicationError(
            [("$", f"not UTF-8 text (byte {error.start}: {error.reason})")], source
        ) from None
    except json.JSONDecodeError as error:
        raise ApplicationError(
            [("$", f"not JSON: {error.msg} at line {error.lineno} column {error.colno}")], source
        ) from None
    except RecursionError:
        raise ApplicationError([("$", f"nested too deeply: at most {MAX_DEPTH} levels")], source) from None
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise ApplicationError(
            [("$", f"not JSON this service reads: {str(error).split(':')[0].lower()}")], source
        ) from None


def read_application(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ApplicationError([("$", f"no such file `{path}`")], str(path)) from None
    except IsADirectoryError:
        raise ApplicationError(
            [("$", f"`{path}` is a directory, not an application file")], str(path)
        ) from None
    except OSError as error:
        raise ApplicationError(
            [("$", f"cannot read `{path}`: {(error.strerror or str(error)).lower()}")], str(path)
        ) from None
    return validate_application(parse_json(data, str(path)), str(path))
