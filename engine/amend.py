"""Amendments as a pure function: (baseline Law, amendment) → amended Law. Nothing is mutated."""

from __future__ import annotations

from dataclasses import replace

from . import model as m
from .check import Law
from .diagnostics import Diagnostic


def apply_operations(law: Law) -> Law:
    """Carry out the operations of every proposal the law holds: inserts, replacements and repeals.

    An adopted amendment applies by its own dates instead: its rules are active from `in_force`
    (`Law.active_on`) and the items it inserts renumber the text in force then (engine/numbering.py)."""
    amendments = tuple(i.id for i in law.instruments.values() if i.kind == "amendment" and not i.dated)
    if not amendments:
        return law
    articles = dict(law.articles)
    rules = dict(law.rules)
    for op in law.amend_ops:
        if op.amendment not in amendments:
            continue
        if op.kind in ("insert_article", "replace_article") and op.article is not None:
            articles[(op.instrument, op.article_number)] = op.article
        elif op.kind == "repeal_article":
            articles.pop((op.instrument, op.article_number), None)
            for rule in list(rules.values()):
                c = rule.citation
                if c and (c.instrument, c.article) == (op.instrument, op.article_number):
                    del rules[rule.id]
        elif op.kind == "repeal_rule":
            target = op.rule if "/" in op.rule else f"{op.amendment}/{op.rule}"
            rules.pop(target, None)
    for rule in law.rules.values():
        if rule.replaces:
            rules.pop(rule.replaces, None)
    return replace(law, articles=articles, rules=rules, applied_amendments=amendments)


def set_parameters(law: Law, values: dict[str, str]) -> tuple[Law, list[Diagnostic]]:
    """Override named parameters (`--set name=value`); values arrive as text and are typed here."""
    out = dict(law.parameter_values)
    errors: list[Diagnostic] = []
    for name, raw in values.items():
        param = law.parameters.get(name)
        if param is None:
            known = ", ".join(sorted(law.parameters)) or "none"
            errors.append(Diagnostic("unknown_parameter", f"unknown parameter `{name}`; known: {known}"))
            continue
        try:
            out[name] = _coerce(param.type, raw)
        except ValueError:
            errors.append(Diagnostic("type_mismatch", f"parameter `{name}` is {param.type}; `{raw}` is not", param.span))
    return replace(law, parameter_values=out), errors


def _coerce(t: m.FactType, raw: str) -> object:
    if t.kind == "integer":
        return int(raw)
    if t.kind == "number":
        return float(raw)
    if t.kind == "bool":
        if raw.lower() not in ("true", "false"):
            raise ValueError(raw)
        return raw.lower() == "true"
    if t.kind == "enum" and raw in t.members:
        return raw
    raise ValueError(raw)
