"""The application contract (contract/application.schema.json) as the engine reads it: once, for
the checker (binding each fact to its field) and the backends (a fact's bounds, whether it is
required, the nullable objects above it)."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from . import model as m

__all__ = ["compatible_with_schema", "contract_enum", "contract_field", "contract_schema"]


@functools.cache
def contract_schema() -> dict[str, Any]:
    """The application contract (contract/application.schema.json), read once and shared: read it,
    never change it."""
    text = (
        resources.files("lexgraph.contract").joinpath("application.schema.json").read_text(encoding="utf-8")
    )
    return dict(json.loads(text))


def contract_field(
    path: str, schema: dict[str, Any] | None = None
) -> tuple[dict[str, Any] | None, bool, tuple[str, ...]]:
    """A fact's field in the contract (the one reading of its JSON Schema, for the checker and the
    backends): its schema node, whether every segment of the path is required, and the nullable
    objects on it. `schema`: the contract already read, when many fields are looked up."""
    node: dict[str, Any] | None = contract_schema() if schema is None else schema
    required = True
    nullable: list[str] = []
    parts = path.split(".")
    for i, part in enumerate(parts):
        if node is None:
            return None, False, tuple(nullable)
        required = required and part in node.get("required", [])
        node = node.get("properties", {}).get(part)
        types = node.get("type") if node else None
        if isinstance(types, list) and "null" in types:
            nullable.append(".".join(parts[: i + 1]))
    return node, required, tuple(nullable)


def contract_enum(path: str) -> tuple[str, ...]:
    """The values a contract field allows (its JSON Schema enum; none for a field without one)."""
    node = contract_field(path)[0]
    return tuple(node.get("enum", ())) if node else ()


def compatible_with_schema(t: m.FactType, node: dict[str, Any]) -> bool:
    """Whether a fact's declared type fits its field's JSON Schema type."""
    types = node.get("type")
    types = set(types) if isinstance(types, list) else {types} if types else set()
    if "enum" in node and t.kind == "enum":
        return set(t.members) == set(node["enum"])
    expected = {
        "bool": {"boolean"},
        "integer": {"integer"},
        "number": {"number", "integer"},
        "money": {"number"},
        "date": {"string"},
        "text": {"string"},
        "object": {"object"},
        "set": {"array"},
        "duration": {"number"},
    }.get(t.kind, set())
    if t.kind == "date" and node.get("format") != "date":
        return False
    return bool(types & expected)
