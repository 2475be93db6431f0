"""z3 for the analysis: one solver with a timeout per query, and the tri-valued helpers the checks share."""

from __future__ import annotations

import time
from typing import Any

import z3
from lexgraph.engine.symbolic import Symbolic, Tri

# ------------------------------------------------------------------------------ the solver


class Solver:
    """One z3 solver holding the fact domains; each query is pushed, checked with a timeout, popped."""

    def __init__(self, sym: Symbolic, timeout_ms: int):
        self.sym = sym
        self.s = z3.Solver()
        self.s.set("timeout", timeout_ms)
        self.s.set("core.minimize", True)
        self.added = 0
        self.calls = 0
        self.unknown = 0
        self.seconds = 0.0

    def check(self, formulas: list[Any], tracked: list[tuple[str, Any]] | None = None) -> tuple[str, Any]:
        """'sat' with a model, 'unsat' with the names of the tracked formulas in the core, or 'unknown'."""
        domain = self.sym.domain
        if len(domain) > self.added:
            self.s.add(domain[self.added :])
            self.added = len(domain)
        self.calls += 1
        start = time.perf_counter()
        self.s.push()
        try:
            self.s.add(*formulas)
            literals = []
            names: dict[str, str] = {}
            for n, (name, formula) in enumerate(tracked or []):
                lit = z3.Bool(f"track|{n}")
                self.s.add(z3.Implies(lit, formula[0] if isinstance(formula, tuple) else formula))
                literals.append(lit)
                names[str(lit)] = name
            result = self.s.check(*literals)
            if result == z3.sat:
                return "sat", self.s.model()
            if result == z3.unsat:
                return "unsat", [names[str(x)] for x in self.s.unsat_core() if str(x) in names]
            self.unknown += 1
            return "unknown", self.s.reason_unknown()
        finally:
            self.s.pop()
            self.seconds += time.perf_counter() - start


def t_not_true(t: Tri) -> Any:
    """'does not definitely apply' (false or unknown)."""
    return z3.Not(t[0])


def _values_differ(sym: Symbolic, a: Any, b: Any) -> Any:
    """A z3 condition under which two concluded values are both known and different (None: never)."""
    if a is None or b is None:
        return True
    if a.kind == "str" and b.kind == "str":
        return None if a.extra == b.extra else True
    if a.kind == "str" or b.kind == "str" or a.v is None or b.v is None:
        return True
    try:
        if a.kind == "points" or b.kind == "points":
            return True
        return z3.And(z3.Not(a.u), z3.Not(b.u), a.v != b.v)
    except z3.Z3Exception:
        return True
