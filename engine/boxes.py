"""Boxes: the cheap side of the analysis — a rule's conditions as boxes of typed atoms.

A rule's top-level conjuncts that read one fact become an interval (numbers, money, integers,
dates as ordinals) or a set of values (enums, booleans, text); everything else is unconstrained.
Two rules whose boxes are disjoint can never fire together, so only intersecting pairs reach z3
(engine/symbolic.py, which declares the facts a box reads).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from . import model as m
from . import semantics as sem
from .codec import contract_field
from .graph import conjuncts
from .symbolic import Symbolic, prefixes

__all__ = ["ALL_STATES", "Box", "BoxBuilder", "BoxIndex", "Dim", "N_BIT", "U_BIT", "V_BIT"]


# Per fact a box allows a set of states (bit U=4 unknown, N=1 none, V=2 value) and, for values, an
# interval [lo, hi] (strict ends flagged) or a bitmask of enumerated values.
U_BIT, N_BIT, V_BIT = 4, 1, 2
ALL_STATES = U_BIT | N_BIT | V_BIT


@dataclass
class Dim:
    states: int = ALL_STATES
    lo: float = -math.inf
    hi: float = math.inf
    lo_strict: bool = False
    hi_strict: bool = False
    mask: int = -1  # enumerated values (bit i = value i); -1 = any

    def meet(self, o: Dim) -> Dim:
        lo, ls = (
            (self.lo, self.lo_strict)
            if self.lo > o.lo
            else (o.lo, o.lo_strict)
            if o.lo > self.lo
            else (self.lo, self.lo_strict or o.lo_strict)
        )
        hi, hs = (
            (self.hi, self.hi_strict)
            if self.hi < o.hi
            else (o.hi, o.hi_strict)
            if o.hi < self.hi
            else (self.hi, self.hi_strict or o.hi_strict)
        )
        d = Dim(self.states & o.states, lo, hi, ls, hs, self.mask & o.mask)
        if not d.value_possible():
            d.states &= ~V_BIT
        return d

    def value_possible(self) -> bool:
        if self.mask == 0:
            return False
        return self.lo < self.hi or (self.lo == self.hi and not self.lo_strict and not self.hi_strict)

    def empty(self) -> bool:
        return self.states == 0


@dataclass
class Box:
    dims: dict[str, Dim]
    exact: bool  # every top-level conjunct was captured exactly

    def empty(self) -> bool:
        return any(d.empty() for d in self.dims.values())


class BoxBuilder:
    """Lowers rule conditions to boxes (typed atoms); a conjunct it cannot capture is left out."""

    def __init__(self, sym: Symbolic):
        self.sym = sym
        self.facts = sym.facts

    def base(self, path: str) -> Dim:
        """The fact's own domain: its type's range and its schema bounds."""
        fv = self.facts[path]
        node, required, nullable = contract_field(path)
        node = node or {}
        states = ALL_STATES
        if required and not [a for a in nullable if a != path]:
            states = V_BIT
        if not nullable:
            states &= ~N_BIT
        d = Dim(states)
        if fv.type.kind in ("integer", "number", "money"):
            if "minimum" in node:
                d.lo = node["minimum"]
            if "exclusiveMinimum" in node:
                d.lo, d.lo_strict = node["exclusiveMinimum"], True
            if "maximum" in node:
                d.hi = node["maximum"]
        return d

    def rule_box(self, i: int) -> Box:
        cr = self.sym.program.rules[i]
        rule = cr.rule
        dims: dict[str, Dim] = {}
        exact = cr.rule.id not in self.sym.approximate
        parts: list[tuple[m.Expr, bool]] = [(x, True) for x in conjuncts(rule.when)] + [
            (u, False) for u in rule.unless
        ]
        for expr, positive in parts:
            got = self.atom(expr, positive)
            if got is None:
                exact = False
                continue
            if any(path not in self.facts and not path.startswith("holds:") for path, _ in got):
                exact = False  # derived values and points ranges are boxed apart from the facts they rest on
            for path, dim in got:
                dims[path] = dims.get(path, self.base(path) if path in self.facts else Dim()).meet(dim)
                if path in self.facts and dim.states & (U_BIT | N_BIT) == 0:
                    # a fact with a value has every object above it present
                    for p in prefixes(path)[:-1]:
                        if p in self.facts and self.facts[p].type.kind == "object":
                            dims[p] = dims.get(p, self.base(p)).meet(Dim(V_BIT))
        if cr.demands is not None:
            exact = False
        return Box(dims, exact)

    def atom(self, e: m.Expr, positive: bool) -> list[tuple[str, Dim]] | None:
        """The dims an atom (or its negation) constrains when it is definitely true; None if not an atom."""
        if isinstance(e, m.Not):
            return self.atom(e.operand, not positive)
        if isinstance(e, m.And) and positive:
            out: list[tuple[str, Dim]] = []
            for x in e.operands:
                got = self.atom(x, True)
                if got is None:
                    return None
                out += got
            return out
        if isinstance(e, m.Or) and not positive:
            out = []
            for x in e.operands:
                got = self.atom(x, False)
                if got is None:
                    return None
                out += got
            return out
        if isinstance(e, m.Path) and e.dotted in self.facts:
            kind = self.facts[e.dotted].type.kind
            if kind == "bool":
                return [
                    (e.dotted, Dim(V_BIT, mask=0b10))
                    if positive
                    else (e.dotted, Dim(V_BIT | N_BIT, mask=0b01))
                ]
            if kind == "object":
                return [(e.dotted, Dim(V_BIT if positive else N_BIT))]
            return None
        if isinstance(e, m.Call) and e.name == "holds" and e.args and isinstance(e.args[0], m.Path):
            return [(f"holds:{e.args[0].dotted}", Dim(V_BIT, mask=0b10 if positive else 0b01))]
        if isinstance(e, m.Member) and isinstance(e.operand, m.Path) and e.operand.dotted in self.facts:
            fv = self.facts[e.operand.dotted]
            universe = (
                fv.type.members if fv.type.kind == "enum" else fv.universe if fv.type.kind == "text" else None
            )
            if universe is None or len(universe) > 62:
                return None
            mask = sum(1 << universe.index(str(v.value)) for v in e.values if str(v.value) in universe)
            full = (1 << len(universe)) - 1
            return [(fv.path, Dim(V_BIT, mask=mask) if positive else Dim(V_BIT | N_BIT, mask=full & ~mask))]
        if isinstance(e, m.Compare):
            return self.compare(e, positive)
        return None

    def compare(self, e: m.Compare, positive: bool) -> list[tuple[str, Dim]] | None:
        left, right, op = e.left, e.right, e.op
        if isinstance(left, m.Lit) and not isinstance(right, m.Lit):
            left, right, op = right, left, sem.FLIP[op]
        if not isinstance(right, m.Lit):
            return None
        if isinstance(left, m.Path) and left.parts[0] == "params":
            return None
        # objects against none
        if (
            isinstance(left, m.Path)
            and left.dotted in self.facts
            and self.facts[left.dotted].type.kind == "object"
        ):
            if right.value is not None:
                return None
            is_none = (op == "==") == positive
            return [(left.dotted, Dim(N_BIT if is_none else V_BIT))]
        key, kind = self._dimension(left)
        if key is None:
            return None
        if not positive:
            op = _NEGATE[op]
        states = V_BIT if positive else V_BIT | N_BIT
        value = right.value
        if kind in ("enum", "text"):
            fv = self.facts[key]
            universe = fv.type.members if kind == "enum" else fv.universe
            if not isinstance(value, str) or len(universe) > 62:
                return None
            full = (1 << len(universe)) - 1
            if value not in universe:
                return [(key, Dim(states, mask=full if op == "!=" else 0))]
            idx = universe.index(value)
            if op == "==":
                mask = 1 << idx
            elif op == "!=":
                mask = full & ~(1 << idx)
            else:
                mask = sum(1 << j for j in range(len(universe)) if sem.COMPARE[op](j, idx))
            return [(key, Dim(states, mask=mask))]
        if kind == "bool":
            if not isinstance(value, bool) or op not in ("==", "!="):
                return None
            want = value if op == "==" else not value
            return [(key, Dim(states, mask=0b10 if want else 0b01))]
        if isinstance(value, dt.date):
            value = value.toordinal()
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        integral = kind in ("integer", "date", "years", "points")
        v = float(value)
        if op == "!=":
            return None  # a hole in an interval is no box: the conjunct is left to z3
        if op == "==":
            return [(key, Dim(states, v, v))]
        if integral:  # strict bounds on integers become closed ones
            if op == ">":
                op, v = ">=", math.floor(v) + 1
            elif op == "<":
                op, v = "<=", math.ceil(v) - 1
            elif op == ">=":
                v = math.ceil(v)
            elif op == "<=":
                v = math.floor(v)
        if op in (">", ">="):
            return [(key, Dim(states, lo=v, lo_strict=op == ">"))]
        return [(key, Dim(states, hi=v, hi_strict=op == "<"))]

    def _dimension(self, e: m.Expr) -> tuple[str | None, str]:
        if isinstance(e, m.Path):
            if e.dotted in self.facts:
                return e.dotted, self.facts[e.dotted].type.kind
            if e.dotted in self.sym.derived:
                t = self.sym.derived[e.dotted].type.kind
                return (
                    (f"derived:{e.dotted}", "years" if t == "integer" else t)
                    if t in ("integer", "number")
                    else (None, "")
                )
        if isinstance(e, m.Call) and e.name == "points" and e.args and isinstance(e.args[0], m.Path):
            return f"points:{e.args[0].dotted}", "points"
        return None, ""


_NEGATE = {"<": ">=", ">": "<=", "<=": ">", ">=": "<", "==": "!=", "!=": "=="}


class BoxIndex:
    """Boxes of many rules as arrays: which pairs can intersect, computed a row at a time with numpy."""

    def __init__(self, boxes: list[Box]):
        self.n = len(boxes)
        keys = sorted({k for b in boxes for k in b.dims})
        self.keys = keys
        d = len(keys)
        self.states = np.full((self.n, d), ALL_STATES, dtype=np.int64)
        self.lo = np.full((self.n, d), -np.inf)
        self.hi = np.full((self.n, d), np.inf)
        self.ls = np.zeros((self.n, d), dtype=bool)
        self.hs = np.zeros((self.n, d), dtype=bool)
        self.mask = np.full((self.n, d), -1, dtype=np.int64)
        col = {k: j for j, k in enumerate(keys)}
        for i, b in enumerate(boxes):
            for k, dim in b.dims.items():
                j = col[k]
                self.states[i, j], self.lo[i, j], self.hi[i, j] = dim.states, dim.lo, dim.hi
                self.ls[i, j], self.hs[i, j], self.mask[i, j] = dim.lo_strict, dim.hi_strict, dim.mask
        self.empty = np.array([b.empty() for b in boxes], dtype=bool)

    def intersecting(self, i: int, others: np.ndarray) -> np.ndarray:
        """Which of `others` (row indices) have a box meeting row i's."""
        if len(others) == 0 or self.empty[i]:
            return others[:0]
        st = self.states[others] & self.states[i]
        lo = np.maximum(self.lo[others], self.lo[i])
        hi = np.minimum(self.hi[others], self.hi[i])
        ls = (self.ls[others] & (self.lo[others] == lo)) | (self.ls[i] & (self.lo[i] == lo))
        hs = (self.hs[others] & (self.hi[others] == hi)) | (self.hs[i] & (self.hi[i] == hi))
        interval = (lo < hi) | ((lo == hi) & ~ls & ~hs)
        value_ok = ((st & V_BIT) != 0) & interval & ((self.mask[others] & self.mask[i]) != 0)
        ok = ((st & (U_BIT | N_BIT)) != 0) | value_ok
        out: np.ndarray = others[ok.all(axis=1) & ~self.empty[others]]
        return out
