"""Stage 3 — check: FileModels → a checked `Law` plus every diagnostic, in named stages.

(One concern, over 400 lines: the stages share one checker's symbol tables and the types they infer.)

Stages: collect (duplicate ids) → resolve (names, citations, references, amendment targets)
→ types → contract binding → cycles. Each stage collects all its errors; none stops the next.
The type rules and a law's typing are in engine/typer.py, the reading of the application contract
in engine/schema.py, the walks over expressions in engine/expressions.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx

from . import model as m
from .diagnostics import Diagnostic, Span
from .expressions import fact_paths, reads_outcomes
from .numbering import basis, numbering, up_to
from .schema import compatible_with_schema, contract_field, contract_schema
from .typer import NUMERIC, Typer, resolve_operators


@dataclass(frozen=True)
class Law:
    """The checked model: every name resolved, every expression typed."""

    sources: tuple[m.SourceFile, ...]
    instruments: dict[str, m.Instrument]
    articles: dict[tuple[str, int], m.Article]
    rules: dict[str, m.Rule]
    facts: dict[str, m.FactDecl]
    derived: tuple[m.Derived, ...]
    permits: dict[str, m.PermitDecl]
    documents: dict[str, m.DocumentDecl]
    parameters: dict[str, m.Parameter]
    points: dict[str, m.PointsTable]
    amend_ops: tuple[m.AmendOp, ...]
    conditions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # condition name → rule ids
    parameter_values: dict[str, object] = field(default_factory=dict)
    applied_amendments: tuple[str, ...] = ()
    digest: str = ""
    origin: str = ""  # where the sources were read from, said in a decision's header
    duties: dict[str, m.Duty] = field(
        default_factory=dict
    )  # obligations over a timeline (engine/obligations.py)
    holdings: dict[str, m.Holding] = field(default_factory=dict)
    quotas: dict[str, m.Quota] = field(default_factory=dict)  # quota id → declaration (`quota … for …`)
    # every expression's type, and every operator resolved to one monomorphic form (`semantics.OPERATORS`)
    types: dict[m.Expr, m.FactType | None] = field(default_factory=dict, compare=False, repr=False)
    operators: dict[m.Expr, str] = field(default_factory=dict, compare=False, repr=False)

    def instruments_in_force(self, day: dt.date) -> list[str]:
        """The instruments of the law in force on `day`, adopted amending decisions among them (never a
        proposal: a proposal is applied, not in force)."""
        return sorted(i.id for i in self.instruments.values() if i.dated and i.in_force_on(day))

    def active_on(self, day: dt.date) -> tuple[str, ...]:
        """Whose rules decide on `day`: the instruments in force and every proposal applied to this law."""
        return (
            *self.instruments_in_force(day),
            *sorted(i.id for i in self.instruments.values() if not i.dated),
        )

    def issuer_of(self, document: str) -> str | None:
        for permit in self.permits.values():
            if document in permit.issues:
                return permit.id
        return None


class _Checker(Typer):
    def __init__(self, files: list[m.FileModel], sources: list[m.SourceFile]):
        super().__init__(sources)
        self.files = files

    # ------------------------------------------------------------ stage: collect
    def _unique(self, items: Iterable[Any], key: Any, what: str) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for item in items:
            k = key(item)
            if k in out:
                first = out[k].span
                self.error(
                    "duplicate_id",
                    f"{what} `{k if isinstance(k, str) else '/art_'.join(map(str, k))}` is declared twice (first at {first})",
                    item.span,
                )
                continue
            out[k] = item
        return out

    def collect(self) -> None:
        f = self.files

        def each(name: str) -> list[Any]:
            return [x for fm in f for x in getattr(fm, name)]

        self.instruments = self._unique(each("instruments"), lambda i: i.id, "instrument")
        self.articles = self._unique(each("articles"), lambda a: (a.instrument, a.number), "article")
        self.rules = self._unique(each("rules"), lambda r: r.id, "rule")
        self.facts = self._unique(each("facts"), lambda x: x.path, "fact")
        self.derived = self._unique(each("derived"), lambda x: x.name, "derived fact")
        self.permits = self._unique(each("permits"), lambda x: x.id, "permit")
        self.documents = self._unique(each("documents"), lambda x: x.id, "document")
        self.parameters = self._unique(each("parameters"), lambda x: x.name, "parameter")
        self.points = self._unique(each("points"), lambda x: x.name, "points table")
        self.amend_ops = each("amend_ops")
        for article in self.articles.values():
            self._unique(article.paragraphs, lambda p: p.number, f"paragraph of article {article.number}")
            for p in article.paragraphs:
                self._unique(
                    p.items, lambda i: i.number, f"item of article {article.number} paragraph {p.number}"
                )
        for name in self.derived:
            if name in self.facts or name in ("decision_date", "params"):
                self.error("duplicate_id", f"derived fact `{name}` shadows a fact", self.derived[name].span)
        self.conditions: dict[str, list[str]] = {}
        for rule in self.rules.values():
            for c in rule.conclusions:
                if c.kind == "condition":
                    self.conditions.setdefault(c.name, []).append(rule.id)

    # ------------------------------------------------------------ stage: resolve
    def resolve_ref(self, ref: str, instrument: str, span: Span, what: str) -> str | None:
        candidates = [ref] if "/" in ref else [f"{instrument}/{ref}", ref]
        for c in candidates:
            if c in self.rules:
                return c
        if "/" not in ref:  # a label of a rule in the same instrument
            labelled = [r.id for r in self.rules.values() if r.instrument == instrument and r.label == ref]
            if len(labelled) == 1:
                return str(labelled[0])
            if labelled:
                self.error(
                    "dangling_reference", f"{what} `{ref}` is ambiguous: {', '.join(sorted(labelled))}", span
                )
                return None
        self.error("dangling_reference", f"{what} `{ref}` names no rule", span)
        return None

    def _provision_exists(self, c: m.Citation) -> bool:
        article = self.articles.get((c.instrument, c.article))
        if article is None:
            return False
        if not c.paragraph:
            return True
        para = next((p for p in article.paragraphs if p.number == c.paragraph), None)
        if para is None:
            return False
        return not c.item or any(i.number == c.item for i in para.items)

    def _check_citation(self, c: m.Citation, span: Span, written_in: str = "") -> None:
        if written_in:  # an amendment citing the instrument it amends, in the numbering it leaves
            numbers = numbering(
                self.instruments, self.amend_ops, self.articles, up_to(self.instruments, written_in)
            )
            article = numbers.article(c.instrument, c.article)
            para = next((p for p in article.paragraphs if p.number == c.paragraph), None) if article else None
            found = article is not None and (
                not c.paragraph
                or (para is not None and (not c.item or any(i.number == c.item for i in para.items)))
            )
            if c.instrument not in self.instruments[written_in].amends:
                self.error(
                    "dangling_citation",
                    f"`{c.instrument}/{c.path}`: amendment `{written_in}` cites only instruments it amends",
                    span,
                )
            elif not found:
                self.error(
                    "dangling_citation",
                    f"`{c.instrument}/{c.path}` cites a provision that is not encoded "
                    f"(numbered as `{written_in}` leaves it)",
                    span,
                )
            return
        if not self._provision_exists(c):
            self.error(
                "dangling_citation", f"`{c.instrument}/{c.path}` cites a provision that is not encoded", span
            )

    def resolve(self) -> None:
        for inst in self.instruments.values():
            for target in inst.amends:
                if target not in self.instruments:
                    self.error(
                        "amendment_target",
                        f"amendment `{inst.id}` amends unknown instrument `{target}`",
                        inst.span,
                    )
            for target in inst.implements:
                head = target.split("/")[0]
                if head in self.instruments and "/" in target:
                    path = target.split("/", 1)[1]
                    if not any(
                        a.instrument == head
                        and (f"art_{a.number}" == path or path.startswith(f"art_{a.number}__"))
                        for a in self.articles.values()
                    ):
                        self.error("dangling_reference", f"`{target}` names no encoded provision", inst.span)
        resolved: dict[str, m.Rule] = {}
        for rule in self.rules.values():
            if rule.citation:
                self._check_citation(
                    rule.citation, rule.span, basis(rule.instrument, rule.citation, self.instruments)
                )
            elif not rule.source:
                self.error(
                    "ungrounded_rule",
                    f"rule `{rule.id}` has no citation; name what grounds it with `source`",
                    rule.span,
                )
            inst = self.instruments.get(rule.instrument)
            if inst is None:
                self.error(
                    "unknown_instrument",
                    f"rule `{rule.id}` belongs to `{rule.instrument}`, which no file declares",
                    rule.span,
                )
            if inst and inst.kind == "instrument" and rule.replaces:
                self.error("amend_outside_amendment", "`replaces` may appear only in an amendment", rule.span)
            elif inst and inst.dated and rule.replaces:
                self.error(
                    "amend_outside_amendment",
                    "`replaces` applies as of any date: an adopted amendment, applied by date, cannot use it",
                    rule.span,
                )
            overrides = tuple(
                x
                for x in (
                    self.resolve_ref(o, rule.instrument, rule.span, "overridden rule") for o in rule.overrides
                )
                if x
            )
            replaces = (
                self.resolve_ref(rule.replaces, rule.instrument, rule.span, "replaced rule")
                if rule.replaces
                else ""
            )
            for c in rule.conclusions:
                for permit in c.permits:
                    if permit not in self.permits:
                        self.error("unknown_permit", f"unknown permit `{permit}`", c.span)
                if c.kind == "requires" and c.expr is None and c.name not in self.documents:
                    self.error("unknown_document", f"unknown document `{c.name}`", c.span)
            if any(c.kind == "cancelled" for c in rule.conclusions) and (
                rule.overrides
                or rule.sanctions_documents
                or any(c.kind != "cancelled" for c in rule.conclusions)
            ):
                self.error(
                    "bad_cancellation",
                    "a rule concluding `cancelled` concludes nothing else and overrides nothing: "
                    "the grounds of cancelling a held status are alternatives, any one of which cancels",
                    rule.span,
                )
            if rule.sanctions_documents and (
                rule.when or rule.unless or any(c.kind != "refusal_ground" for c in rule.conclusions)
            ):
                self.error(
                    "bad_sanction",
                    "a rule `on missing documents` concludes only `refusal_ground` and has no `when` or `unless`: "
                    "it stands exactly when a document requirement of the permit is unmet",
                    rule.span,
                )
            if inst is not None and inst.jurisdiction != "national" and not _guarded(rule, inst.jurisdiction):
                self.error(
                    "jurisdiction_unguarded",
                    f"rule `{rule.id}` belongs to an instrument of {inst.jurisdiction}: a rule of one "
                    f"jurisdiction never decides an application elsewhere, so its `when` needs the conjunct "
                    f'`{JURISDICTION_FACT} == "{inst.jurisdiction}"`',
                    rule.span,
                )
            resolved[rule.id] = replace(rule, overrides=overrides, replaces=replaces or "")
        self.rules = resolved
        for table in self.points.values():
            if table.citation:
                self._check_citation(table.citation, table.span)
        for op in self.amend_ops:
            if op.kind == "repeal_rule":
                self.resolve_ref(op.rule, op.amendment, op.span, "repealed rule")
                continue
            if op.instrument not in self.instruments:
                self.error("amendment_target", f"`{op.instrument}` is not an encoded instrument", op.span)
                continue
            owner = self.instruments.get(op.amendment)
            if op.kind == "insert_item":
                self._check_insert_item(op)
                continue
            if owner is not None and owner.dated:
                self.error(
                    "amendment_target",
                    f"adopted amendment `{op.amendment}` applies by date: of the operations only "
                    "`insert item` is applied by date (write the others in a proposal)",
                    op.span,
                )
                continue
            exists = (op.instrument, op.article_number) in self.articles
            if op.kind == "insert_article" and exists:
                self.error(
                    "amendment_target",
                    f"article {op.article_number} of `{op.instrument}` already exists; use `replace article`",
                    op.span,
                )
            elif op.kind != "insert_article" and not exists:
                self.error(
                    "amendment_target",
                    f"article {op.article_number} of `{op.instrument}` does not exist",
                    op.span,
                )
        for doc in {d for p in self.permits.values() for d in p.issues}:
            if doc not in self.documents:
                self.error(
                    "unknown_document",
                    f"permit issues unknown document `{doc}`",
                    next(p.span for p in self.permits.values() if doc in p.issues),
                )

    def _check_insert_item(self, op: m.AmendOp) -> None:
        """增加一项，作为第N项: the paragraph exists and N is at most one past its last item, as the
        amendments applied before this one leave it."""
        before = [a for a in up_to(self.instruments, op.amendment) if a != op.amendment]
        article = numbering(self.instruments, self.amend_ops, self.articles, before).article(
            op.instrument, op.article_number
        )
        para = next((p for p in article.paragraphs if p.number == op.paragraph), None) if article else None
        if para is None:
            self.error(
                "amendment_target",
                f"`{op.instrument}` has no article {op.article_number} paragraph {op.paragraph} to insert an item in",
                op.span,
            )
        elif op.item is not None and not 1 <= op.item.number <= len(para.items) + 1:
            self.error(
                "amendment_target",
                f"item {op.item.number} cannot be inserted: article {op.article_number} paragraph "
                f"{op.paragraph} of `{op.instrument}` has {len(para.items)} items",
                op.span,
            )

    # ------------------------------------------------------------ stage: types
    def types(self) -> None:
        for d in self.derived.values():
            t = self.type_of(d.expr)
            if t is not None and not self._assignable(t, d.type):
                self.error(
                    "type_mismatch",
                    f"derived fact `{d.name}` is declared {d.type} but its expression is {t}",
                    d.span,
                )
        for p in self.parameters.values():
            v = p.default
            ok = (
                (p.type.kind == "integer" and isinstance(v, int) and not isinstance(v, bool))
                or (p.type.kind == "number" and isinstance(v, int | float) and not isinstance(v, bool))
                or (p.type.kind == "bool" and isinstance(v, bool))
                or (p.type.kind == "enum" and v in p.type.members)
            )
            if not ok:
                self.error(
                    "type_mismatch", f"parameter `{p.name}` is {p.type} but its default is `{v}`", p.span
                )
        for rule in self.rules.values():
            for cond in ([rule.when] if rule.when else []) + list(rule.unless):
                self._expect_bool(cond, rule.instrument)
            for c in rule.conclusions:
                if c.expr is None:
                    continue
                if c.kind == "requires":
                    self._expect_bool(c.expr, rule.instrument)
                    continue
                t = self.type_of(c.expr, rule.instrument)
                if c.kind == "obligation" and t is not None and t.kind != "date":
                    self.error(
                        "type_mismatch", f"an obligation's deadline must be a date; got {t}", c.expr.span
                    )
        for table in self.points.values():
            for factor in table.factors:
                for band in factor.bands:
                    self._expect_bool(band.when, table.instrument)
                    t = self.type_of(band.value, table.instrument)
                    if t is not None and t.kind not in ("integer", "numeric_literal", "number"):
                        self.error(
                            "type_mismatch", f"a band scores a number of points; got {t}", band.value.span
                        )

    @staticmethod
    def _assignable(actual: m.FactType, declared: m.FactType) -> bool:
        if actual == declared:
            return True
        if declared.kind in ("integer", "number") and actual.kind in (
            "integer",
            "number",
            "numeric_literal",
            "points",
        ):
            return declared.kind == "number" or actual.kind != "number"
        return False

    def defaults(self) -> None:
        """A fact's default is a value of its type: a literal (an enum member by name) or another fact."""
        for path, fact in list(self.facts.items()):
            d = fact.default
            if d is None:
                continue
            if isinstance(d, m.Path) and fact.type.kind == "enum" and d.dotted in fact.type.members:
                self.facts[path] = replace(fact, default=m.Lit(d.dotted, span=d.span))
                continue
            if isinstance(d, m.Path):
                other = self.facts.get(d.dotted)
                if other is None or other.type != fact.type or other.default is not None:
                    self.error(
                        "type_mismatch",
                        f"the default of `{path}` must be a value of {fact.type} or a fact of that type without a default",
                        d.span,
                    )
                continue
            t = self.type_of(d)
            ok = t is not None and (
                t == fact.type
                or (fact.type.kind in NUMERIC and t.kind == "numeric_literal")
                or (
                    fact.type.kind in ("enum", "text")
                    and t.kind == "string_literal"
                    and (fact.type.kind == "text" or (isinstance(d, m.Lit) and d.value in fact.type.members))
                )
            )
            if not ok or fact.type.kind in ("object", "set"):
                self.error("type_mismatch", f"the default of `{path}` must be a value of {fact.type}", d.span)

    # ------------------------------------------------------------ stage: contract binding
    def contract(self) -> None:
        schema = contract_schema()
        for fact in self.facts.values():
            node = contract_field(fact.path, schema)[0]
            if node is None:
                self.error(
                    "fact_not_in_contract",
                    f"`{fact.path}` is not a field of the application contract",
                    fact.span,
                )
            elif not compatible_with_schema(fact.type, node):
                self.error(
                    "type_mismatch",
                    f"`{fact.path}` is declared {fact.type}, which does not fit the contract's {node.get('type') or 'enum'}",
                    fact.span,
                )

    # ------------------------------------------------------------ stage: cycles
    def cycles(self) -> None:
        deps = nx.DiGraph()
        for rule in self.rules.values():
            for c in rule.conclusions:
                targets = (
                    [f"permit:{p}" for p in c.permits] if c.kind != "condition" else [f"condition:{c.name}"]
                )
                for target in targets:
                    deps.add_edge(target, f"rule:{rule.id}", span=rule.span)
            for expr in (
                ([rule.when] if rule.when else [])
                + list(rule.unless)
                + [c.expr for c in rule.conclusions if c.expr]
            ):
                for dep in reads_outcomes(expr, self):
                    deps.add_edge(f"rule:{rule.id}", dep, span=rule.span)
        for cycle in sorted(_canonical(c) for c in nx.simple_cycles(deps)):
            rules = [n[5:] for n in cycle if n.startswith("rule:")]
            span = self.rules[rules[0]].span if rules else Span("<none>", 0, 0)
            shown = " → ".join(n.split(":", 1)[1] for n in cycle + cycle[:1])
            self.error("cycle", f"dependency cycle: {shown}", span)
        over = nx.DiGraph((r.id, o) for r in self.rules.values() for o in r.overrides)
        for cycle in sorted(_canonical(c) for c in nx.simple_cycles(over)):
            self.error("cycle", "override cycle: " + " → ".join(cycle + cycle[:1]), self.rules[cycle[0]].span)

    # ------------------------------------------------------------ stage: quotas
    def quotas(self) -> dict[str, m.Quota]:
        """Each quota names a permit, an integer count fact, an integer parameter as its limit, a
        points table (or none) and the rule that compares the count with the limit."""
        out: dict[str, m.Quota] = {}
        for q in self._unique([q for f in self.files for q in f.quotas], lambda q: q.id, "quota").values():
            fact = self.facts.get(q.counts)
            if q.permit not in self.permits:
                self.error("unknown_permit", f"quota `{q.name}` is for unknown permit `{q.permit}`", q.span)
            if fact is None or fact.type.kind != "integer":
                self.error(
                    "bad_quota", f"quota `{q.name}` counts `{q.counts}`, which is not an integer fact", q.span
                )
            name = q.limit.removeprefix("params.")
            param = self.parameters.get(name) if q.limit.startswith("params.") else None
            if param is None or param.type.kind != "integer":
                self.error(
                    "bad_quota",
                    f"quota `{q.name}` is limited by `{q.limit}`, which is not an integer parameter "
                    "(`params.NAME`)",
                    q.span,
                )
            if q.ranked_by and q.ranked_by not in self.points:
                self.error(
                    "bad_quota", f"quota `{q.name}` is ranked by unknown points table `{q.ranked_by}`", q.span
                )
            rule_id = self.resolve_ref(q.through, q.instrument, q.span, "quota rule")
            rule = self.rules.get(rule_id or "")
            if rule is not None and not {q.counts, q.limit} <= set(
                fact_paths(rule.when) if rule.when else []
            ):
                self.error(
                    "bad_quota",
                    f"quota `{q.name}`: rule `{rule.id}` must compare `{q.counts}` with `{q.limit}`",
                    q.span,
                )
            out[q.id] = replace(q, through=rule_id or q.through)
        return out

    # ------------------------------------------------------------ run
    def run(self) -> Law:
        self.collect()
        self.resolve()
        self.types()
        self.defaults()
        self.contract()
        self.cycles()
        from .obligations import check_obligations  # stage: obligations over a timeline (issue 15)

        duties, holdings = check_obligations(self)
        quotas = self.quotas()
        return Law(
            sources=tuple(self.sources),
            instruments=self.instruments,
            articles=self.articles,
            rules=self.rules,
            facts=self.facts,
            derived=tuple(self.derived.values()),
            permits=self.permits,
            documents=self.documents,
            parameters=self.parameters,
            points=self.points,
            amend_ops=tuple(self.amend_ops),
            conditions={k: tuple(v) for k, v in self.conditions.items()},
            parameter_values={p.name: p.default for p in self.parameters.values()},
            duties=duties,
            holdings=holdings,
            quotas=quotas,
            types=dict(self.typed),
            operators=resolve_operators(self.typed),
        )


JURISDICTION_FACT = "employment.work_jurisdiction"  # where the applicant works (application contract)


def _guarded(rule: m.Rule, jurisdiction: str) -> bool:
    """The rule's `when` has the conjunct `employment.work_jurisdiction == "<jurisdiction>"`."""
    parts = rule.when.operands if isinstance(rule.when, m.And) else (rule.when,) if rule.when else ()
    return any(
        isinstance(p, m.Compare)
        and p.op == "=="
        and isinstance(p.left, m.Path)
        and p.left.dotted == JURISDICTION_FACT
        and isinstance(p.right, m.Lit)
        and p.right.value == jurisdiction
        for p in parts
    )


def _canonical(cycle: list[str]) -> list[str]:
    """A cycle rotated to start at its smallest node, so reports do not depend on hash order."""
    start = cycle.index(min(cycle))
    return cycle[start:] + cycle[:start]


def check(files: list[m.FileModel], sources: list[m.SourceFile]) -> tuple[Law, list[Diagnostic]]:
    """Check lowered files together; returns the Law and every diagnostic found."""
    checker = _Checker(files, sources)
    law = checker.run()
    return law, sorted(checker.diagnostics, key=lambda d: (d.span, d.code))
