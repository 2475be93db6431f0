"""How a norm is built, in words: its provision, its conclusion, its signature, and why two contrary
norms stay unresolved."""

from __future__ import annotations

import json
import re
from typing import Any

from lexgraph.engine import model as m


def _conclusion_text(rule: m.Rule, permit: str, attr: str) -> str:
    for c in rule.conclusions:
        if permit in c.permits and (not attr or c.name == attr):
            return f"{c.kind} {c.name + ' for ' if c.kind == 'requires' else ''}{permit}{'.' + attr if attr else ''}"
    return ""


def _signatures(rule: m.Rule, demands_text: str = "") -> list[tuple[str, ...]]:
    """What a rule concludes, as keys: rules with one key conclude the same thing (a `requires that`
    keys on the source text of its demand, so only identical demands meet)."""
    out: list[tuple[str, ...]] = []
    for c in rule.conclusions:
        if c.kind in ("eligible", "ineligible"):
            out += [(c.kind, p) for p in c.permits]
        elif c.kind == "requires":
            demands = c.name if c.expr is None else f"that {demands_text or _expr_text(c.expr)}"
            out += [("requires", demands, "for", p) for p in c.permits]
        elif c.kind == "condition":
            out.append(("condition", c.name))
        elif c.kind == "value":
            out.append(("value", f"{c.permits[0]}.{c.name}", "=", repr(c.expr)))
        elif c.kind == "obligation":
            out += [("obligation", c.name, "for", p) for p in c.permits]
    return out


def provision(rule: m.Rule) -> str:
    """The provision a rule encodes: its article and paragraph (the items of one paragraph are one
    enumerated list), or — for a rule without citation — its instrument and the source it rests on."""
    c = rule.citation
    if c is not None:
        return f"{c.instrument}/art_{c.article}__para_{c.paragraph}"
    return f"{rule.instrument}|{rule.source}"


def same_provision(a: m.Rule, b: m.Rule) -> bool:
    """Alternative grounds of one enumerated provision (符合下列条件之一), meant to overlap."""
    return provision(a) == provision(b)


def by_construction(a: m.Rule, b: m.Rule) -> bool:
    """An exception written into the provision itself: one rule overrides the other within one
    provision (class A “even when the class B conditions are also met”). Not a contrary norm."""
    return (a.id in b.overrides or b.id in a.overrides) and same_provision(a, b)


def _expr_text(e: m.Expr | None) -> str:
    if e is None:
        return ""
    if isinstance(e, m.Lit):
        return json.dumps(e.value, ensure_ascii=False, default=str)
    return str(e)


def _exprs(rule: m.Rule) -> list[m.Expr]:
    return [e for e in [rule.when, *rule.unless] if e is not None]


def explain_unresolved(law: Any, a: m.Rule, b: m.Rule) -> str:
    """Why no legal principle settles a conflict (engine.graph.decide_priority, read backwards)."""
    ia, ib = law.instruments[a.instrument], law.instruments[b.instrument]
    ra, rb = m.RANK_ORDER.get(ia.rank), m.RANK_ORDER.get(ib.rank)
    tail = " Until the texts settle it the engine lets the restrictive side stand."
    kinds = {c.kind for r in (a, b) for c in r.conclusions}
    for r in (a, b):
        if r.overrides:
            tail = f" {r.id} overrides only {', '.join(r.overrides)}, not the other rule." + tail
    if kinds & {"requires", "refusal_ground"}:
        tail = (
            " The condition refuses, by its own terms, exactly the applications the grant is written for, so "
            "the two cannot both be followed: the drafter must say which prevails (an `overrides` clause, or "
            "an exception written into the condition)." + tail
        )
    elif "ineligible" in kinds:
        tail = (
            " The refusal is written as a rule of its own, not as an `unless` of the grant: legally it "
            "qualifies the grant, which only an `overrides` clause (or an exception) would say." + tail
        )
    if ra is None or rb is None:
        outside = [i for i, r in ((ia, ra), (ib, rb)) if r is None]
        names = ", ".join(f"{i.id} ({i.rank})" for i in outside)
        return (
            f"{names} stands outside the statutory hierarchy (上位法优于下位法 does not reach it): only an explicit "
            f"`overrides` clause settles the conflict, and neither rule has one." + tail
        )
    if ra != rb:
        lower = a if ra < rb else b
        return (
            f"{lower.id} is lower in rank but `strict`: a strict rule is set aside only by an explicit `overrides`, "
            "and none is given." + tail
        )
    if a.strict and b.strict:
        return "both rules are `strict` and neither overrides the other." + tail
    same_body = ia.id == ib.id or (ia.issuer and ia.issuer == ib.issuer and ia.rank == ib.rank)
    if not same_body:
        return (
            f"both instruments have rank {ia.rank} but different enacting bodies ({ia.issuer or ia.id} / "
            f"{ib.issuer or ib.id}): 特别规定优于一般规定 and 新法优于旧法 apply only within one body, and no "
            "`overrides` clause links the rules." + tail
        )
    return (
        "same enacting body, but neither rule's conditions contain the other's (no 特别规定优于一般规定) and "
        "they took effect together (no 新法优于旧法); no `overrides` clause links them." + tail
    )


def _not_at_hand(condition: str) -> bool:
    """A condition that is a standard not at hand (`not_at_hand("…")`): unknown by design, never a contradiction."""
    return condition.startswith("not_at_hand(") and condition.endswith(")")


def _on_the_date_only(condition: str) -> bool:
    """A condition that reads nothing but the decision's date (`decision_date < 2018-01-01`)."""
    return "decision_date" in condition and not re.search(r"[a-z_]+\.[a-z_]+", condition)
