"""Walking the model's expressions: their sub-expressions, the calls and fact paths they read, the
permits and named conditions they depend on."""

from __future__ import annotations

from typing import Any

from . import model as m

__all__ = ["calls", "children", "fact_paths", "reads_outcomes"]


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
