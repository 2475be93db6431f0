"""Stage 3 — check: FileModels → a checked `Law` plus every diagnostic, in named stages.

(One concern, over 400 lines: the stages share one checker's symbol tables and the types they infer.)

Stages: collect (duplicate ids) → resolve (names, citations, references, amendment targets)
→ types → contract binding → cycles. Each stage collects all its errors; none stops the next.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

import networkx as nx

from . import model as m
from .diagnostics import Diagnostic, Span
from .numbering import basis, numbering, up_to
from .semantics import OPERATORS

BUILTIN_FUNCTIONS = {
    "eligible",
    "ineligible",
    "met",
    "holds",
    "points",
    "years_between",
    "min",
    "max",
    "floor",
    "not_at_hand",
}
NUMERIC = {"integer", "number", "points", "numeric_literal", "money"}


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


def _compatible_with_schema(t: m.FactType, node: dict[str, Any]) -> bool:
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


class _Checker:
    def __init__(self, files: list[m.FileModel], sources: list[m.SourceFile]):
        self.files = files
        self.texts = {s.path: s.text for s in sources}
        self.sources = sources
        self.diagnostics: list[Diagnostic] = []
        self.typed: dict[m.Expr, m.FactType | None] = {}  # every expression the checker typed

    def error(self, code: str, message: str, span: Span) -> None:
        lines = self.texts.get(span.path, "").splitlines()
        excerpt = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
        self.diagnostics.append(Diagnostic(code, message, span, excerpt))

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
    def type_of(self, e: m.Expr, instrument: str = "") -> m.FactType | None:
        t = self._type_of(e, instrument)
        self.typed[e] = t
        return t

    def _type_of(self, e: m.Expr, instrument: str) -> m.FactType | None:
        if isinstance(e, m.Lit):
            v = e.value
            if isinstance(v, bool):
                return m.BOOL
            if isinstance(v, int | float):
                if e.unit in ("CNY", "USD"):
                    return m.FactType("money", currency=e.unit)
                if e.unit:
                    return m.DURATION
                return m.ANY_NUMBER
            if isinstance(v, str):
                return m.FactType("string_literal")
            if isinstance(v, dt.date):
                return m.DATE
            return m.FactType("none")
        if isinstance(e, m.Path):
            name = e.dotted
            if name == "decision_date":
                return m.DATE
            if e.parts[0] == "params" and len(e.parts) == 2:
                param = self.parameters.get(e.parts[1])
                if param is None:
                    self.error("unknown_parameter", f"unknown parameter `{e.parts[1]}`", e.span)
                    return None
                declared: m.FactType = param.type
                return declared
            if name in self.derived:
                declared = self.derived[name].type
                return declared
            if name in self.facts:
                declared = self.facts[name].type
                return declared
            self.error("unknown_fact", f"unknown fact `{name}`", e.span)
            return None
        if isinstance(e, m.Not):
            self._expect_bool(e.operand, instrument)
            return m.BOOL
        if isinstance(e, m.And | m.Or):
            for o in e.operands:
                self._expect_bool(o, instrument)
            return m.BOOL
        if isinstance(e, m.Compare):
            return self._compare(e, instrument)
        if isinstance(e, m.Member):
            t = self.type_of(e.operand, instrument)
            if t is None:
                return m.BOOL
            for v in e.values:
                if t.kind == "enum" and (not isinstance(v.value, str) or v.value not in t.members):
                    self.error("type_mismatch", f"`{v.value}` is not a value of {t}", v.span)
                elif t.kind == "text" and not isinstance(v.value, str):
                    self.error("type_mismatch", "a text fact is compared with text values", v.span)
                elif t.kind not in ("enum", "text") and not (
                    t.kind in NUMERIC and isinstance(v.value, int | float)
                ):
                    self.error("type_mismatch", f"membership needs an enum, text or number; got {t}", e.span)
                    break
            return m.BOOL
        if isinstance(e, m.Arith):
            return self._arith(e, instrument)
        if isinstance(e, m.Call):
            return self._call(e, instrument)
        raise AssertionError(e)

    def _expect_bool(self, e: m.Expr, instrument: str) -> None:
        t = self.type_of(e, instrument)
        if t is not None and t.kind not in ("bool", "object"):
            self.error("type_mismatch", f"expected a condition (bool); got {t}", e.span)

    def _numeric_unify(self, a: m.FactType, b: m.FactType) -> m.FactType | None:
        if a.kind == "money" and b.kind == "money":
            return a if a.currency == b.currency else None
        if a.kind == "money" and b.kind == "numeric_literal":
            return a
        if b.kind == "money" and a.kind == "numeric_literal":
            return b
        if "money" in (a.kind, b.kind):
            return None
        if a.kind in NUMERIC and b.kind in NUMERIC:
            return m.NUMBER if "number" in (a.kind, b.kind) else m.INTEGER
        return None

    def _compare(self, e: m.Compare, instrument: str) -> m.FactType:
        a, b = self.type_of(e.left, instrument), self.type_of(e.right, instrument)
        if a is None or b is None:
            return m.BOOL
        ok: bool
        if a.kind in NUMERIC and b.kind in NUMERIC:
            ok = self._numeric_unify(a, b) is not None
        elif "enum" in (a.kind, b.kind):
            enum, other, lit = (a, b, e.right) if a.kind == "enum" else (b, a, e.left)
            ok = other.kind == "string_literal" and isinstance(lit, m.Lit) and lit.value in enum.members
            if ok and e.op not in ("==", "!=") and not enum.ordered:
                self.error("type_mismatch", f"`{e.op}` needs an ordered enum; {enum} is not ordered", e.span)
        elif "object" in (a.kind, b.kind) or "none" in (a.kind, b.kind):
            ok = {a.kind, b.kind} <= {"object", "none"} and e.op in ("==", "!=")
        elif a.kind == "date" or b.kind == "date":
            ok = a.kind == b.kind == "date"
        elif a.kind in ("text", "string_literal") and b.kind in ("text", "string_literal"):
            ok = e.op in ("==", "!=")
        else:
            ok = a.kind == b.kind and e.op in ("==", "!=")
        if not ok:
            self.error("type_mismatch", f"cannot compare {a} with {b}", e.span)
        return m.BOOL

    def _arith(self, e: m.Arith, instrument: str) -> m.FactType | None:
        a, b = self.type_of(e.left, instrument), self.type_of(e.right, instrument)
        if a is None or b is None:
            return None
        if a.kind == "date" and b.kind == "duration" and e.op in "+-":
            return m.DATE
        if a.kind in NUMERIC and b.kind in NUMERIC:
            if e.op == "/" and a.kind == "money" and b.kind == "money":
                if a.currency != b.currency:
                    self.error("type_mismatch", f"cannot divide {a} by {b}", e.span)
                return m.NUMBER
            if e.op in "*/" and "money" in (a.kind, b.kind):
                if a.kind == b.kind:
                    self.error("type_mismatch", f"cannot multiply {a} by {b}", e.span)
                return a if a.kind == "money" else b
            unified = self._numeric_unify(a, b)
            if unified is None:
                self.error("type_mismatch", f"cannot combine {a} and {b} with `{e.op}`", e.span)
                return None
            if unified.kind == "integer" and (
                e.op == "/" or "numeric_literal" in (a.kind, b.kind) and a.kind == b.kind
            ):
                return m.NUMBER if e.op == "/" else m.ANY_NUMBER
            return unified
        self.error("type_mismatch", f"cannot combine {a} and {b} with `{e.op}`", e.span)
        return None

    def _name_arg(
        self, e: m.Call, table: dict[str, Any] | dict[str, list[str]], what: str, code: str
    ) -> str | None:
        if len(e.args) != 1 or not isinstance(e.args[0], m.Path) or len(e.args[0].parts) != 1:
            self.error("bad_call", f"`{e.name}` takes one {what} name", e.span)
            return None
        name = e.args[0].parts[0]
        if name not in table:
            self.error(code, f"unknown {what} `{name}`", e.args[0].span)
            return None
        return name

    def _call(self, e: m.Call, instrument: str) -> m.FactType | None:
        if e.name in ("eligible", "ineligible"):
            self._name_arg(e, self.permits, "permit", "unknown_permit")
            return m.BOOL
        if e.name == "met":
            self._name_arg(e, self.conditions, "condition", "unknown_condition")
            return m.BOOL
        if e.name == "holds":
            self._name_arg(e, self.documents, "document", "unknown_document")
            return m.BOOL
        if e.name == "not_at_hand":
            # a condition whose standard the law delegates to a text not at hand: always unknown
            if len(e.args) != 1 or not isinstance(e.args[0], m.Lit) or not isinstance(e.args[0].value, str):
                self.error("bad_call", "`not_at_hand` takes one string: what is not at hand", e.span)
            return m.BOOL
        if e.name == "available":
            # Documents are what the applicant holds: another permit this decision could grant is
            # advice (the pathway), never a ground.
            self.error(
                "unknown_function",
                "`available` was removed: a document counts only when held; write `holds(D)`",
                e.span,
            )
            return m.BOOL
        if e.name == "points":
            self._name_arg(e, self.points, "points table", "unknown_points_table")
            return m.POINTS
        types = [self.type_of(a, instrument) for a in e.args]
        if e.name == "years_between":
            if len(types) != 2 or any(t is not None and t.kind != "date" for t in types):
                self.error("type_mismatch", "`years_between` takes two dates", e.span)
            return m.INTEGER
        if e.name in ("min", "max", "floor"):
            if (e.name == "floor") != (len(types) == 1) or not types:
                self.error(
                    "bad_call",
                    f"`{e.name}` takes {'one number' if e.name == 'floor' else 'two or more numbers'}",
                    e.span,
                )
                return None
            known = [t for t in types if t is not None]
            if any(t.kind not in NUMERIC for t in known):
                self.error("type_mismatch", f"`{e.name}` takes numbers", e.span)
                return None
            if e.name == "floor":
                return m.INTEGER
            out = known[0] if known else None
            for t in known[1:]:
                out = self._numeric_unify(out, t) if out else t
            return out
        self.error(
            "unknown_function",
            f"unknown function `{e.name}`; expected one of: {', '.join(sorted(BUILTIN_FUNCTIONS))}",
            e.span,
        )
        return None

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
                    and (fact.type.kind == "text" or d.value in fact.type.members)
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
            elif not _compatible_with_schema(fact.type, node):
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


def reads_outcomes(expr: m.Expr, law: Any) -> list[str]:
    """The permits and conditions an expression reads (edges of the rule graph)."""
    out: list[str] = []

    def walk(e: m.Expr) -> None:
        if isinstance(e, m.Call):
            if e.args and isinstance(e.args[0], m.Path):
                name = e.args[0].dotted
                if e.name in ("eligible", "ineligible"):
                    out.append(f"permit:{name}")
                elif e.name == "met":
                    out.append(f"condition:{name}")
            for a in e.args:
                walk(a)
        for child in children(e):
            walk(child)

    walk(expr)
    return out


def children(e: m.Expr) -> tuple[m.Expr, ...]:
    if isinstance(e, m.Not):
        return (e.operand,)
    if isinstance(e, m.And | m.Or):
        return e.operands
    if isinstance(e, m.Compare | m.Arith):
        return (e.left, e.right)
    if isinstance(e, m.Member):
        return (e.operand,)
    return ()


def calls(e: m.Expr) -> list[m.Call]:
    """Every function call in an expression, outermost first."""
    out: list[m.Call] = []
    if isinstance(e, m.Call):
        out.append(e)
        for a in e.args:
            out += calls(a)
    for c in children(e):
        out += calls(c)
    return out


def fact_paths(e: m.Expr) -> list[str]:
    """Every fact path an expression reads directly (derived names and params included)."""
    out: list[str] = []

    def walk(x: m.Expr) -> None:
        if isinstance(x, m.Path):
            out.append(x.dotted)
        elif isinstance(x, m.Call):
            if x.name == "holds":
                out.append("holds")
            elif x.name not in ("eligible", "ineligible", "met", "points"):
                for a in x.args:
                    walk(a)
        for c in children(x):
            walk(c)

    walk(e)
    return list(dict.fromkeys(out))


def check(files: list[m.FileModel], sources: list[m.SourceFile]) -> tuple[Law, list[Diagnostic]]:
    """Check lowered files together; returns the Law and every diagnostic found."""
    checker = _Checker(files, sources)
    law = checker.run()
    return law, sorted(checker.diagnostics, key=lambda d: (d.span, d.code))


def resolve_operator(e: m.Expr, type_of: Callable[[m.Expr], m.FactType | None]) -> str | None:
    """The monomorphic form of a comparison or an arithmetic operator (`semantics.OPERATORS`), by
    the types of its operands; None for other expressions."""
    if isinstance(e, m.Compare):
        kinds = {getattr(type_of(e.left), "kind", None), getattr(type_of(e.right), "kind", None)}
        if "points" in kinds:
            return "compare_points_range"
        if "object" in kinds or "none" in kinds:
            return "is_none" if e.op == "==" else "is_not_none"
        if "enum" in kinds:
            enum = type_of(e.left) if getattr(type_of(e.left), "kind", None) == "enum" else type_of(e.right)
            ordered = enum is not None and enum.ordered and e.op not in ("==", "!=")
            return "compare_enum_rank" if ordered else "compare_enum"
        if "date" in kinds:
            return "compare_date"
        if kinds & {"text", "string_literal"}:
            return "compare_text"
        if "bool" in kinds:
            return "compare_bool"
        return "compare_number"
    if isinstance(e, m.Arith):
        if getattr(type_of(e.left), "kind", None) == "date" and isinstance(e.right, m.Lit):
            return {
                "days": "date_add_days",
                "months": "date_add_months_clamped",
                "years": "date_add_years_clamped",
            }.get(str(e.right.unit), "date_add_days")
        return {"+": "add", "-": "subtract", "*": "multiply", "/": "divide_zero_unknown"}[e.op]
    return None


def _resolved(e: m.Expr, type_of: Callable[[m.Expr], m.FactType | None]) -> str | None:
    op = resolve_operator(e, type_of)
    assert op is None or op in OPERATORS, op
    return op


def resolve_operators(types: dict[m.Expr, m.FactType | None]) -> dict[m.Expr, str]:
    """Every typed comparison and arithmetic expression, resolved."""

    def type_of(x: m.Expr) -> m.FactType | None:
        return types.get(x)

    out: dict[m.Expr, str] = {}
    for e in types:
        op = _resolved(e, type_of)
        if op is not None:
            out[e] = op
    return out


class Typing:
    """A checked law's typing: each expression's type and each operator's resolved form, as the
    checker recorded them. An expression the checker never saw (one built after checking, e.g. by
    an amendment applied to a loaded law) is typed on first use, with the checker's own rules."""

    def __init__(self, law: Law):
        self.types: dict[m.Expr, m.FactType | None] = dict(law.types)
        self.operators: dict[m.Expr, str] = dict(law.operators)
        self._law = law
        self._checker: _Checker | None = None

    def _typer(self) -> _Checker:
        if self._checker is None:
            law = self._law
            checker = _Checker([], list(law.sources))
            checker.facts, checker.parameters, checker.points = law.facts, law.parameters, law.points
            checker.permits, checker.documents = law.permits, law.documents
            checker.derived = {d.name: d for d in law.derived}
            checker.conditions = {k: list(v) for k, v in law.conditions.items()}
            self._checker = checker
        return self._checker

    def type(self, e: m.Expr) -> m.FactType | None:
        if e in self.types:
            return self.types[e]
        checker = self._typer()
        checker.diagnostics = []
        checker.type_of(e)
        self.types.update(checker.typed)
        return self.types.get(e)

    def operator(self, e: m.Expr) -> str:
        op = self.operators.get(e)
        if op is None:
            op = _resolved(e, self.type)
            if op is None:
                raise ValueError(f"not an operator: {e!r}")
            self.operators[e] = op
        return op


_TYPINGS: dict[int, tuple[Law, Typing]] = {}


def typing_of(law: Law) -> Typing:
    """The typing of a checked law (one per law object)."""
    got = _TYPINGS.get(id(law))
    if got is None or got[0] is not law:
        if len(_TYPINGS) > 64:
            _TYPINGS.clear()
        got = _TYPINGS[id(law)] = (law, Typing(law))
    return got[1]


def expression_typer(law: Law) -> Callable[[m.Expr], m.FactType | None]:
    """`expr → FactType` over a checked law (the checker's record; for the analyser)."""
    return typing_of(law).type
