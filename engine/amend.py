"""Amendments as values: an amendment parses and lowers on its own; `amend(baseline, amendments)`
resolves it against the baseline's symbols, carries out its operations (inserts, replacements,
repeals, renumbering) and checks the result again. Nothing is mutated."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from . import model as m
from .check import Law, check
from .diagnostics import Diagnostic, LexgraphError, Span, excerpt_of


@dataclass(frozen=True)
class Amendment:
    """One amendment (or several files given together) parsed and lowered alone: no baseline is
    needed to build it. `digest` is the sha256 of its sources (engine/pipeline.py's content key)."""

    files: tuple[m.FileModel, ...]
    sources: tuple[m.SourceFile, ...]
    digest: str

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(i.id for f in self.files for i in f.instruments if i.kind == "amendment")


def as_file(law: Law, carried_out: frozenset[str] = frozenset()) -> m.FileModel:
    """A checked law as one lowered file, to check it again with more files or after operations.
    The operations and `replaces` of the amendments in `carried_out` are left out: they are done."""
    rules = tuple(replace(r, replaces="") if r.instrument in carried_out else r for r in law.rules.values())
    return m.FileModel(
        path="<law>",
        instruments=tuple(law.instruments.values()),
        facts=tuple(law.facts.values()),
        derived=law.derived,
        permits=tuple(law.permits.values()),
        documents=tuple(law.documents.values()),
        parameters=tuple(law.parameters.values()),
        articles=tuple(law.articles.values()),
        rules=rules,
        points=tuple(law.points.values()),
        amend_ops=tuple(op for op in law.amend_ops if op.amendment not in carried_out),
        duties=tuple(law.duties.values()),
        holdings=tuple(law.holdings.values()),
        quotas=tuple(law.quotas.values()),
    )


def amend(baseline: Law, amendments: Amendment | Sequence[Amendment]) -> Law:
    """The baseline with the amendments applied, checked: their references resolved against the
    baseline's symbols (an unknown article, rule or fact is an error at the amendment's own
    file:line:col), their operations carried out, and the amended law checked again — an error the
    operations cause in the baseline's text is reported at the amendment's operation that caused it.
    Raises LexgraphError with every diagnostic."""
    values = (amendments,) if isinstance(amendments, Amendment) else tuple(amendments)
    if not values:
        return baseline
    files = [as_file(baseline, frozenset(baseline.applied_amendments)), *(f for a in values for f in a.files)]
    sources = [*baseline.sources, *(s for a in values for s in a.sources)]
    merged, diagnostics = check(files, sources)
    if diagnostics:
        raise LexgraphError(_blamed(diagnostics, values, merged))
    carried = apply_operations(merged)
    again, diagnostics = check([as_file(carried, frozenset(carried.applied_amendments))], sources)
    if diagnostics:
        raise LexgraphError(_blamed(diagnostics, values, merged))
    values_set = {
        **again.parameter_values,
        **{k: v for k, v in baseline.parameter_values.items() if k in again.parameters},
    }
    ops = (*baseline.amend_ops, *(op for a in values for f in a.files for op in f.amend_ops))
    # the rules as the amendments wrote them (a replacing rule still says what it replaced)
    return replace(
        again,
        rules=carried.rules,
        amend_ops=ops,
        applied_amendments=carried.applied_amendments,
        parameter_values=values_set,
        origin=baseline.origin,
    )


def _blamed(
    diagnostics: list[Diagnostic], amendments: tuple[Amendment, ...], merged: Law | None = None
) -> list[Diagnostic]:
    """Diagnostics in the amendments' own text stand; one in the baseline's text is what applying
    an amendment did to it, so it is said at the operation (or replacing rule) that removed what it
    names, else at the amendment's declaration, with where in the baseline it shows."""
    own = {s.path: s.text for a in amendments for s in a.sources}
    out: list[Diagnostic] = []
    for d in diagnostics:
        if d.span.path in own:
            out.append(d)
            continue
        span, amendment = _culprit(d.message, amendments, merged)
        where = f" (in the baseline at {d.span})" if d.span.line else ""
        out.append(
            Diagnostic(
                d.code,
                f"once amendment `{amendment}` is applied: {d.message}{where}",
                span,
                excerpt_of(own.get(span.path, ""), span.line),
            )
        )
    return out


def _removed(rule: m.Rule | None) -> set[str]:
    """The names a removed rule took with it: its id, label, and the conditions it concluded."""
    if rule is None:
        return set()
    return {rule.id, rule.label, *(c.name for c in rule.conclusions if c.kind == "condition")} - {""}


def _culprit(message: str, amendments: tuple[Amendment, ...], merged: Law | None) -> tuple[Span, str]:
    names = set(re.findall(r"`([^`]+)`", message))
    rules = merged.rules if merged is not None else {}
    first: tuple[Span, str] | None = None
    for a in amendments:
        for f in a.files:
            for op in f.amend_ops:
                if op.kind == "repeal_rule":
                    target = op.rule if "/" in op.rule else f"{op.amendment}/{op.rule}"
                    gone = {op.rule, *_removed(rules.get(target))}
                else:
                    article = f"{op.instrument}/art_{op.article_number}"
                    gone = {
                        article,
                        *(
                            n
                            for r in rules.values()
                            if r.citation
                            and (r.citation.instrument, r.citation.article)
                            == (op.instrument, op.article_number)
                            for n in _removed(r)
                        ),
                    }
                if names & gone or any(g in message for g in gone if "/" in g):
                    return op.span, op.amendment
            for rule in f.rules:
                if rule.replaces and names & {rule.replaces, *_removed(rules.get(rule.replaces))}:
                    return rule.span, rule.instrument
            for inst in f.instruments:
                if first is None and inst.kind == "amendment":
                    first = (inst.span, inst.id)
    return first or (
        Span(amendments[0].sources[0].path if amendments[0].sources else "<amendment>", 1, 1),
        "amendment",
    )


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
            errors.append(
                Diagnostic("type_mismatch", f"parameter `{name}` is {param.type}; `{raw}` is not", param.span)
            )
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
