"""Conditions compiled once to Python code (three-valued: True, False, None = unknown).

Every expression becomes one Python expression with short-circuiting Kleene logic; the whole
rule set becomes one module executed once per (law, date, parameters). Decisions then call
plain functions and never walk a tree.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from . import model as m


class _NoneValue:
    """An explicit null object or a field under one: 'there is none' (distinct from unknown)."""

    _instance: _NoneValue | None = None

    def __new__(cls) -> _NoneValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NONE"

    def __bool__(self) -> bool:
        return False


NONE = _NoneValue()


def years_between(a: Any, b: Any) -> Any:
    """Whole years from a to b (one turns N on the N-th birthday; 29 February counts from 1 March)."""
    if a is None or b is None:
        return None
    if a is NONE or b is NONE:
        return NONE
    return b.year - a.year - ((b.month, b.day) < (a.month, a.day))


def date_add(d: Any, n: float, unit: str, sign: int) -> Any:
    if d is None or d is NONE:
        return d
    n = int(n) * sign
    if unit == "days":
        return d + dt.timedelta(days=n)
    months = d.month - 1 + (n if unit == "months" else 12 * n)
    year, month = d.year + months // 12, months % 12 + 1
    day = min(d.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
    return dt.date(year, month, day)


def points_compare(a: Any, op: str, b: Any) -> bool | None:
    """Compare where either side is a points range (lo, hi): decided only if the whole range agrees."""
    lo_a, hi_a = a if isinstance(a, tuple) else (a, a)
    lo_b, hi_b = b if isinstance(b, tuple) else (b, b)
    if lo_a is None or lo_b is None:
        return None
    ops = {">=": lambda x, y: x >= y, ">": lambda x, y: x > y, "<=": lambda x, y: x <= y,
           "<": lambda x, y: x < y, "==": lambda x, y: x == y, "!=": lambda x, y: x != y}
    f = ops[op]
    outcomes = {f(lo_a, hi_b), f(hi_a, lo_b), f(lo_a, lo_b), f(hi_a, hi_b)}
    if op in ("==", "!=") and not (lo_a == hi_a and lo_b == hi_b):
        overlap = max(lo_a, lo_b) <= min(hi_a, hi_b)
        if overlap:  # equal for some values in the ranges, unequal for others
            return None
        return op == "!="
    return outcomes.pop() if len(outcomes) == 1 else None


def point_value(p: Any) -> Any:
    return p[0] if isinstance(p, tuple) and p[0] == p[1] else (None if isinstance(p, tuple) else p)


def arith(op: str, a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if a is NONE or b is NONE:
        return NONE
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    return a / b if b else None


def num_fn(name: str, *args: Any) -> Any:
    if any(a is None for a in args):
        return None
    if any(a is NONE for a in args):
        return NONE
    if name == "floor":
        return math.floor(args[0])
    return min(args) if name == "min" else max(args)


RUNTIME = {
    "NONE": NONE, "years_between": years_between, "date_add": date_add, "points_compare": points_compare,
    "point_value": point_value, "arith": arith, "num_fn": num_fn, "dt": dt,
}


class ExprCompiler:
    """Turns typed expressions into Python expression strings over `f` (facts), `o` (permit
    outcomes), `c` (conditions), `pt` (points ranges)."""

    def __init__(self, type_of: Any, facts: dict[str, m.FactDecl], derived: dict[str, m.Derived],
                 parameters: dict[str, object]):
        self.type_of = type_of
        self.facts = facts
        self.derived = derived
        self.parameters = parameters
        self.constants: dict[str, Any] = {}
        self._n = 0
        # When set, reads become local variables of the generated program ("f:PATH", "o:PERMIT",
        # "c:CONDITION", "pt:TABLE" → name) instead of dictionary look-ups.
        self.local_names: dict[str, str] = {}

    def read(self, space: str, name: str) -> str:
        local = self.local_names.get(f"{space}:{name}")
        return local if local is not None else f"{space}.get({name!r})"

    def tmp(self) -> str:
        self._n += 1
        return f"_{self._n}"

    def const(self, value: Any) -> str:
        name = f"K{len(self.constants)}"
        self.constants[name] = value
        return name

    def _fact_type(self, e: m.Expr) -> m.FactType | None:
        if isinstance(e, m.Path):
            if e.dotted in self.derived:
                return self.derived[e.dotted].type
            decl = self.facts.get(e.dotted)
            return decl.type if decl else None
        return None

    # ---- conditions (tri-valued)
    def cond(self, e: m.Expr) -> str:
        if isinstance(e, m.And | m.Or):
            parts = [self.cond(x) for x in e.operands]
            names = [self.tmp() for _ in parts]
            stop, final = ("False", "True") if isinstance(e, m.And) else ("True", "False")
            tail = f"(None if None in ({', '.join(names)},) else {final})"
            for name, part in reversed(list(zip(names, parts, strict=True))):
                tail = f"({stop} if ({name} := {part}) is {stop} else {tail})"
            return tail
        if isinstance(e, m.Not):
            t = self.tmp()
            return f"(None if ({t} := {self.cond(e.operand)}) is None else not {t})"
        if isinstance(e, m.Compare):
            return self.compare(e)
        if isinstance(e, m.Member):
            t = self.tmp()
            values = frozenset(v.value for v in e.values)
            return f"(None if ({t} := {self.value(e.operand)}) is None else ({t} is not NONE and {t} in {self.const(values)}))"
        if isinstance(e, m.Call):
            return self.call_cond(e)
        if isinstance(e, m.Path):
            t = self.tmp()
            ft = self._fact_type(e)
            if ft is not None and ft.kind == "object":  # an object used as a condition: present and not null
                return f"(None if ({t} := {self.value(e)}) is None else {t} is not NONE)"
            return f"(None if ({t} := {self.value(e)}) is None else ({t} is not NONE and {t}))"
        if isinstance(e, m.Lit):
            return repr(bool(e.value))
        raise AssertionError(e)

    def call_cond(self, e: m.Call) -> str:
        name = e.args[0].dotted if e.args and isinstance(e.args[0], m.Path) else ""
        if e.name == "eligible":
            return self.read("o", name)
        if e.name == "ineligible":
            t = self.tmp()
            return f"(None if ({t} := {self.read('o', name)}) is None else not {t})"
        if e.name == "met":
            return self.read("c", name)
        if e.name == "not_at_hand":
            return "None"
        if e.name == "holds":
            t = self.tmp()
            return f"(None if ({t} := {self.read('f', 'holds')}) is None else ({t} is not NONE and {name!r} in {t}))"
        raise AssertionError(e.name)

    def compare(self, e: m.Compare) -> str:
        lt, rt = self.type_of(e.left), self.type_of(e.right)
        kinds = {getattr(lt, "kind", None), getattr(rt, "kind", None)}
        if "points" in kinds:
            return f"points_compare({self.value(e.left)}, {e.op!r}, {self.value(e.right)})"
        if "object" in kinds or "none" in kinds:
            side = e.left if getattr(lt, "kind", None) == "object" else e.right
            t = self.tmp()
            is_none = f"({t} is NONE)" if e.op == "==" else f"({t} is not NONE)"
            return f"(None if ({t} := {self.value(side)}) is None else {is_none})"
        left, right = self.value(e.left), self.value(e.right)
        enum = lt if getattr(lt, "kind", None) == "enum" else rt if getattr(rt, "kind", None) == "enum" else None
        if enum is not None and enum.ordered and e.op not in ("==", "!="):
            ranks = self.const({v: i for i, v in enumerate(enum.members)})
            left, right = (f"{ranks}.get({left})" if isinstance(e.left, m.Path) else repr(enum.members.index(e.left.value))
                           if isinstance(e.left, m.Lit) else left,
                           f"{ranks}.get({right})" if isinstance(e.right, m.Path) else repr(enum.members.index(e.right.value))
                           if isinstance(e.right, m.Lit) else right)
        a, b = self.tmp(), self.tmp()
        if isinstance(e.right, m.Lit) and e.right.value is not None and right == repr(e.right.value):
            return f"(None if ({a} := {left}) is None else ({a} is not NONE and {a} {e.op} {right}))"
        return (f"(None if ({a} := {left}) is None or ({b} := {right}) is None "
                f"else (False if {a} is NONE or {b} is NONE else {a} {e.op} {b}))")

    # ---- values
    def value(self, e: m.Expr) -> str:
        if isinstance(e, m.Lit):
            return repr(e.value) if not isinstance(e.value, dt.date) else self.const(e.value)
        if isinstance(e, m.Path):
            if e.parts[0] == "params" and len(e.parts) == 2:
                return repr(self.parameters[e.parts[1]])
            return self.read("f", e.dotted)
        if isinstance(e, m.Arith):
            lt, rt = self.type_of(e.left), self.type_of(e.right)
            if getattr(lt, "kind", None) == "date" and isinstance(e.right, m.Lit):
                return f"date_add({self.value(e.left)}, {e.right.value!r}, {e.right.unit!r}, {1 if e.op == '+' else -1})"
            left, right = self.value(e.left), self.value(e.right)
            if getattr(lt, "kind", None) == "points":
                left = f"point_value({left})"
            if getattr(rt, "kind", None) == "points":
                right = f"point_value({right})"
            return f"arith({e.op!r}, {left}, {right})"
        if isinstance(e, m.Call):
            if e.name == "points":
                return self.read("pt", e.args[0].dotted)  # type: ignore[attr-defined]
            if e.name == "years_between":
                return f"years_between({self.value(e.args[0])}, {self.value(e.args[1])})"
            if e.name in ("min", "max", "floor"):
                return f"num_fn({e.name!r}, {', '.join(self.value(a) for a in e.args)})"
        return self.cond(e)  # a condition used as a value: True / False / None
