"""Stage 4 — graph: a checked Law → RuleGraph (networkx), with the priority between competing rules.

Nodes: `instrument:ID`, `provision:ID/art_N…`, `rule:ID`, `permit:P`, `condition:C`, `document:D`,
`fact:PATH`, `points:T`. Edge `kind`s: cites, concludes, reads, depends_on, requires, issues,
overrides, prevails_over (with the `principle` that decided), implements, enacted_under, amends;
analysis adds conflicts_with, subsumes, masks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import networkx as nx

from . import model as m
from .check import Law
from .expressions import fact_paths, reads_outcomes

PRINCIPLES = ("override", "rank", "specificity", "date")
PRINCIPLE_ZH = {
    "override": "明确优先条款",
    "rank": "上位法优于下位法",
    "specificity": "特别规定优于一般规定",
    "date": "新法优于旧法",
}


@dataclass(frozen=True)
class Priority:
    winner: str
    loser: str
    principle: str  # one of PRINCIPLES


def conjuncts(expr: m.Expr | None) -> tuple[m.Expr, ...]:
    if expr is None:
        return ()
    return expr.operands if isinstance(expr, m.And) else (expr,)


def effective_conjuncts(rule: m.Rule) -> set[m.Expr]:
    """A rule's conditions as a set; a requirement applies only while what it demands is lacking."""
    out = set(conjuncts(rule.when)) | {m.Not(u) for u in rule.unless}
    requirement = rule.requirement
    if requirement is not None and requirement.demands is not None:
        out.add(m.Not(requirement.demands))
    return out


def competing_targets(rule: m.Rule) -> set[tuple[str, str, str]]:
    """(permit, attribute-or-'', role) for each conclusion that can compete with another rule's."""
    out = set()
    for c in rule.conclusions:
        if c.kind == "cancelled":
            continue  # grounds of cancelling a held status: alternatives, never weighed against the grant
        if c.kind in m.ROLE and not rule.sanctions_documents:
            out |= {(p, "", m.ROLE[c.kind]) for p in c.permits}
        elif c.kind == "value":
            out.add((c.permits[0], c.name, "value"))
    return out


def compete(a: m.Rule, role_a: str, b: m.Rule, role_b: str) -> bool:
    """Contrary norms compete with grants; requirements and refusal grounds are conditions of the
    outcome, cumulative with every grant — they meet a grant only through an explicit clause."""
    if role_a == role_b == "value":
        return True
    if (role_a == "grant") == (role_b == "grant"):
        return False
    if {role_a, role_b} == {"grant", "contrary"}:
        return True
    if b.id in a.overrides or a.id in b.overrides:
        return True
    grant, other = (a, b) if role_a == "grant" else (b, a)
    return _excludes(other, grant)


_COMPLEMENT = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}


def _negates(x: m.Expr, y: m.Expr) -> bool:
    """`x` is the plain negation of `y` by their very terms (not by reasoning over values)."""
    if x == m.Not(y) or y == m.Not(x):
        return True
    return (
        isinstance(x, m.Compare)
        and isinstance(y, m.Compare)
        and x.left == y.left
        and x.right == y.right
        and _COMPLEMENT[x.op] == y.op
    )


def _excludes(condition: m.Rule, grant: m.Rule) -> bool:
    """A requirement or refusal ground that, by its own terms, refuses exactly the applications a grant
    is written for (the employer requirement against an independent-route grant) is no longer a
    condition of that grant but a contrary norm: the two meet as competitors."""
    conds = set(conjuncts(grant.when))
    requirement = condition.requirement
    if requirement is not None and requirement.demands is not None:
        return any(_negates(requirement.demands, c) for c in conds)
    refusal = set(conjuncts(condition.when))
    return bool(refusal) and not condition.unless and refusal <= conds


def decide_priority(law: Law, a: m.Rule, b: m.Rule) -> Priority | None:
    """Which of two competing rules prevails, and by which legal principle; None if nothing decides."""
    if b.id in a.overrides:
        return Priority(a.id, b.id, "override")
    if a.id in b.overrides:
        return Priority(b.id, a.id, "override")
    ia, ib = law.instruments[a.instrument], law.instruments[b.instrument]
    ra, rb = m.RANK_ORDER.get(ia.rank), m.RANK_ORDER.get(ib.rank)
    if ra is not None and rb is not None and ra != rb:
        winner, loser = (a, b) if ra > rb else (b, a)
        if not loser.strict:
            return Priority(winner.id, loser.id, "rank")
        return None
    # 特别规定优于一般规定 and 新法优于旧法 apply within one enacting body (one instrument, or one issuer and rank).
    same_body = ia.id == ib.id or (
        ia.issuer and ia.issuer == ib.issuer and ia.rank == ib.rank and ia.kind == ib.kind == "instrument"
    )
    if not same_body:
        return None
    ca, cb = effective_conjuncts(a), effective_conjuncts(b)
    if ca != cb and (ca > cb or cb > ca):
        winner, loser = (a, b) if ca > cb else (b, a)
        if not loser.strict:
            return Priority(winner.id, loser.id, "specificity")
    da, db = ia.in_force, ib.in_force
    if da and db and da != db and ia.id != ib.id:
        winner, loser = (a, b) if da > db else (b, a)
        if not loser.strict:
            return Priority(winner.id, loser.id, "date")
    return None


def competitors(law: Law) -> list[tuple[m.Rule, m.Rule, str, str]]:
    """Pairs of rules whose conclusions compete: (a, b, permit, attribute)."""
    by_target: dict[tuple[str, str], list[tuple[m.Rule, str]]] = {}
    for rule in law.rules.values():
        for permit, attr, role in competing_targets(rule):
            by_target.setdefault((permit, attr), []).append((rule, role))
    out = []
    for (permit, attr), entries in sorted(by_target.items()):
        for i, (a, ra) in enumerate(entries):
            for b, rb in entries[i + 1 :]:
                if a.id != b.id and compete(a, ra, b, rb):
                    out.append((a, b, permit, attr))
    return out


class RuleGraph:
    """The law as a graph; wraps a networkx DiGraph and keeps the Law it was built from."""

    def __init__(self, law: Law):
        self.law = law
        self.g = nx.MultiDiGraph()
        self.priorities: dict[tuple[str, str], Priority] = {}
        self._build()

    def _edge(self, a: str, b: str, kind: str, **attrs: Any) -> None:
        self.g.add_edge(a, b, key=kind, kind=kind, **attrs)

    def _build(self) -> None:
        law, g = self.law, self.g
        for inst in law.instruments.values():
            g.add_node(
                f"instrument:{inst.id}",
                type="instrument",
                title=inst.title_zh,
                rank=inst.rank,
                in_force=inst.in_force.isoformat() if inst.in_force else None,
                status=inst.status,
            )
            for target in inst.implements:
                self._edge(f"instrument:{inst.id}", _provision_or_instrument(target), "implements")
            for target in inst.enacted_under:
                self._edge(f"instrument:{inst.id}", f"instrument:{target}", "enacted_under")
            for target in inst.amends:
                self._edge(f"instrument:{inst.id}", f"instrument:{target}", "amends")
        for inst_id, number in law.articles:
            node = f"provision:{inst_id}/art_{number}"
            g.add_node(node, type="provision")
            self._edge(node, f"instrument:{inst_id}", "part_of")
        for permit in law.permits.values():
            g.add_node(f"permit:{permit.id}", type="permit", title=permit.title_zh)
            for doc in permit.issues:
                self._edge(f"permit:{permit.id}", f"document:{doc}", "issues")
        for rule in law.rules.values():
            node = f"rule:{rule.id}"
            g.add_node(node, type="rule", instrument=rule.instrument, strict=rule.strict)
            self._edge(node, f"instrument:{rule.instrument}", "part_of")
            if rule.citation:
                self._edge(
                    node,
                    f"provision:{rule.citation.instrument}/art_{rule.citation.article}",
                    "cites",
                    citation=rule.citation.path,
                )
            for c in rule.conclusions:
                if c.kind == "condition":
                    self._edge(node, f"condition:{c.name}", "concludes", conclusion="condition")
                for p in c.permits:
                    self._edge(node, f"permit:{p}", "concludes", conclusion=c.kind, attribute=c.name)
                if c.kind == "requires":
                    self._edge(node, f"document:{c.name}", "requires")
            exprs = [e for e in [rule.when, *rule.unless] if e] + [c.expr for c in rule.conclusions if c.expr]
            for e in exprs:
                for path in fact_paths(e):
                    self._edge(node, f"fact:{path}", "reads")
                for dep in reads_outcomes(e, law):
                    self._edge(node, dep, "depends_on")
                for points in _points_read(e):
                    self._edge(node, f"points:{points}", "depends_on")
            for target in rule.overrides:
                self._edge(node, f"rule:{target}", "overrides")
        for table in law.points.values():
            g.add_node(f"points:{table.name}", type="points")
            for factor in table.factors:
                for band in factor.bands:
                    for path in fact_paths(band.when) + fact_paths(band.value):
                        self._edge(f"points:{table.name}", f"fact:{path}", "reads")
        for a, b, _permit, _attr in competitors(law):
            priority = decide_priority(law, a, b)
            if priority is not None:
                self.priorities[(priority.winner, priority.loser)] = priority
                self._edge(
                    f"rule:{priority.winner}",
                    f"rule:{priority.loser}",
                    "prevails_over",
                    principle=priority.principle,
                )

    def prevails(self, winner: str, loser: str) -> Priority | None:
        return self.priorities.get((winner, loser))

    def permits_affected_by(self, rule_ids: set[str]) -> set[str]:
        """Permits whose decision can change when these rules change (following depends_on upstream)."""
        affected: set[str] = set()
        frontier = [f"rule:{r}" for r in rule_ids]
        seen: set[str] = set()
        while frontier:
            node = frontier.pop()
            if node in seen:
                continue
            seen.add(node)
            for _, target, data in self.g.out_edges(node, data=True):
                if data["kind"] == "concludes":
                    if target.startswith("permit:"):
                        affected.add(target[7:])
                    frontier.append(target)
            if node.startswith(("permit:", "condition:", "points:")):
                for source, _, data in self.g.in_edges(node, data=True):
                    if data["kind"] == "depends_on":
                        frontier.append(source)
        return affected

    def to_node_link(self) -> dict[str, Any]:
        data = nx.node_link_data(self.g, edges="edges")
        data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
        data["edges"] = sorted(data["edges"], key=lambda e: (e["source"], e["target"], e["kind"]))
        return dict(data)

    def to_dot(self) -> str:
        """Graphviz DOT, written by pydot: a shape per kind of node, each edge labelled with its kind
        (and the priority principle that orders it). Names are quoted: `rule:x` is not a port."""
        import pydot

        def quoted(name: str) -> str:
            return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'

        shapes = {
            "rule": "box",
            "permit": "doubleoctagon",
            "instrument": "folder",
            "provision": "note",
            "condition": "ellipse",
            "document": "component",
            "fact": "plaintext",
            "points": "tab",
        }
        dot = pydot.Dot("lexgraph", graph_type="digraph", rankdir="LR")
        dot.set_node_defaults(fontname="Noto Sans CJK SC")
        for node, data in sorted(self.g.nodes(data=True)):
            dot.add_node(
                pydot.Node(
                    quoted(node), shape=shapes.get(data.get("type") or node.split(":", 1)[0], "ellipse")
                )
            )
        for a, b, data in sorted(self.g.edges(data=True), key=lambda e: (e[0], e[1], e[2]["kind"])):
            label = data["kind"] + (f" ({PRINCIPLE_ZH[data['principle']]})" if "principle" in data else "")
            dot.add_edge(pydot.Edge(quoted(a), quoted(b), label=label))
        return str(dot.to_string())


def _provision_or_instrument(target: str) -> str:
    return f"provision:{target.split('__')[0]}" if "/" in target else f"instrument:{target}"


def _points_read(e: m.Expr) -> list[str]:
    from .expressions import children

    out: list[str] = []
    if isinstance(e, m.Call):
        if e.name == "points" and e.args and isinstance(e.args[0], m.Path):
            out.append(e.args[0].dotted)
        for a in e.args:
            out += _points_read(a)
    for c in children(e):
        out += _points_read(c)
    return out


def build_graph(law: Law) -> RuleGraph:
    """The one public entry point of this stage."""
    return RuleGraph(law)


def in_force_rules(law: Law, day: dt.date) -> list[m.Rule]:
    active = set(law.active_on(day))
    return [r for r in law.rules.values() if r.instrument in active]
