"""The language's type rules, and the typing of a checked law (each expression's type and each
operator's resolved form, `semantics.OPERATORS`).

`Typer` types expressions against the symbol tables of a law: the checker (engine/check.py) is one,
filling the tables as it collects the files, and `Typing` types an expression built after checking
(one an amendment inserts into a loaded law) with the same rules. The backends read a law's typing
through `typing_of` and never infer a type again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import model as m
from .diagnostics import Diagnostic, Span
from .semantics import OPERATORS

if TYPE_CHECKING:
    from .check import Law

__all__ = [
    "BUILTIN_FUNCTIONS",
    "NUMERIC",
    "Typer",
    "Typing",
    "expression_typer",
    "resolve_operator",
    "resolve_operators",
    "typing_of",
]

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


class Typer:
    """The type rules over a law's symbol tables; every error is a diagnostic (never an exception)."""

    facts: dict[str, m.FactDecl]
    parameters: dict[str, m.Parameter]
    points: dict[str, m.PointsTable]
    permits: dict[str, m.PermitDecl]
    documents: dict[str, m.DocumentDecl]
    derived: dict[str, m.Derived]
    conditions: dict[str, list[str]]

    def __init__(self, sources: list[m.SourceFile]):
        self.texts = {s.path: s.text for s in sources}
        self.sources = sources
        self.diagnostics: list[Diagnostic] = []
        self.typed: dict[m.Expr, m.FactType | None] = {}  # every expression typed

    def error(self, code: str, message: str, span: Span) -> None:
        lines = self.texts.get(span.path, "").splitlines()
        excerpt = lines[span.line - 1] if 0 < span.line <= len(lines) else ""
        self.diagnostics.append(Diagnostic(code, message, span, excerpt))

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
        self._checker: Typer | None = None

    def _typer(self) -> Typer:
        if self._checker is None:
            law = self._law
            checker = Typer(list(law.sources))
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
