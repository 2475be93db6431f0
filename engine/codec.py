"""Fact states: what an application says about each fact the law declares.

A fact is absent (unknown: `None`), none (`NONE`: it, or an object above it, is an explicit null —
'there is none', distinct from unknown) or has a value. A leaf that is null is absent; an object
that is null is none, and so is every fact under it. A documented procedural default
(`fact … default …`) fills an absent fact (never a none one).

One reading of the contract's JSON, in two forms next to each other: `read_application` (Python
values; the reference interpreter and z3's `pin` read applications with it) and
`application_reader_code` (the same reading emitted as straight-line code for the generated
program). The column layout (engine/batch.py) stores the same three states per cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from . import model as m
from .check import Law
from .semantics import NONE

__all__ = ["as_date", "application_reader_code", "fact_default", "read_application", "read_fact"]


def as_date(v: Any) -> dt.date | None:
    """An ISO date; anything else (an unparseable string included) is unknown."""
    try:
        return dt.date.fromisoformat(v) if isinstance(v, str) else None
    except ValueError:
        return None


def _value(fact: m.FactDecl, raw: Any) -> Any:
    kind = fact.type.kind
    if kind == "object":
        return True if type(raw) is dict else None
    if kind == "date":
        return as_date(raw)
    if kind == "set":
        return frozenset(raw) if type(raw) is list else None
    return raw


def read_fact(law: Law, fact: m.FactDecl, application: Mapping[str, Any]) -> Any:
    """One fact's state in an application (before defaults)."""
    node: Any = application
    parts = fact.path.split(".")
    for depth, part in enumerate(parts):
        if type(node) is not dict or part not in node:
            return None
        node = node[part]
        if node is None:
            last = depth == len(parts) - 1
            return NONE if not last or fact.type.kind == "object" or _has_children(law, fact.path) else None
    return _value(fact, node)


def _has_children(law: Law, path: str) -> bool:
    return any(p.startswith(path + ".") for p in law.facts)


def fact_default(law: Law, fact: m.FactDecl, state: Any, states: Mapping[str, Any]) -> Any:
    """A fact's state after its documented default: an absent fact takes the default (a literal,
    or another fact's state)."""
    if state is not None or fact.default is None:
        return state
    d = fact.default
    if isinstance(d, m.Path):
        return states.get(d.dotted)
    assert isinstance(d, m.Lit)
    return d.value


def read_application(law: Law, application: Mapping[str, Any]) -> dict[str, Any]:
    """Every declared fact's state (defaults applied), by path."""
    raw = {path: read_fact(law, fact, application) for path, fact in law.facts.items()}
    return {path: fact_default(law, fact, raw[path], raw) for path, fact in law.facts.items()}


def application_reader_code(law: Law, names: dict[str, str]) -> list[str]:
    """`read_application` as generated code: the JSON `a` read into the facts' locals (`names`:
    "f:PATH" → local). Defaults are applied by the caller, after every fact is read."""
    tree: dict[str, Any] = {}
    for fact in law.facts.values():
        node = tree
        for part in fact.path.split("."):
            node = node.setdefault(part, {})
        node["."] = fact
    lines: list[str] = []
    counter = [0]

    def all_paths(node: dict[str, Any]) -> list[str]:
        out = [node["."].path] if "." in node else []
        for k, child in node.items():
            if k != ".":
                out += all_paths(child)
        return out

    def emit(node: dict[str, Any], source: str, indent: str) -> None:
        for key, child in sorted((k, v) for k, v in node.items() if k != "."):
            counter[0] += 1
            var = f"_j{counter[0]}"
            lines.append(f"{indent}{var} = {source}.get({key!r}, ABSENT)")
            fact = child.get(".")
            if fact is None or len(child) > 1 or fact.type.kind == "object":
                lines.append(f"{indent}if {var} is None:")
                lines.append(f"{indent}    {' = '.join(names['f:' + p] for p in all_paths(child))} = NONE")
                lines.append(f"{indent}elif type({var}) is dict:")
                if fact is not None:
                    lines.append(f"{indent}    {names['f:' + fact.path]} = True")
                emit(child, var, indent + "    ")
            elif fact is not None:  # a leaf: absent and null are both unknown (None)
                lines.pop()
                read = f"{source}.get({key!r})"
                kind = fact.type.kind
                if kind == "set":
                    lines.append(f"{indent}{var} = {read}")
                    read = f"(frozenset({var}) if type({var}) is list else None)"
                elif kind == "date":
                    read = f"as_date({read})"
                lines.append(f"{indent}{names['f:' + fact.path]} = {read}")

    emit(tree, "a", "")
    return lines
