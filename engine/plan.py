"""Stage 5a — plan: the checked law in force for one set of instruments, organised for deciding.

A `Plan` is built once per set of instruments in force (never per date, never per application):
the rules in force in a fixed order, each rule's role (grant, contrary norm, requirement, refusal
ground, named condition, value, obligation), per permit its grants and restrictions and what
prevails over what, the order in which named conditions and permits are settled, the derived
facts and what they rest on, the points tables and the facts they read, and each rule's proof
sheet. Every backend — the generated Python (engine/compile.py), the reference interpreter
(engine/reference.py), the column evaluator (engine/batch.py) and the z3 lowering
(engine/symbolic.py) — runs this plan; none of them plans again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx

from . import model as m
from .check import Law
from .citation import cited_text, law_numbering, render_citation, source_slice
from .expressions import calls, fact_paths
from .graph import RuleGraph, conjuncts

__all__ = ["PermitPlan", "Plan", "PlannedRule", "RuleSheet", "points_reads"]


@dataclass(frozen=True)
class PlannedRule:
    index: int
    rule: m.Rule
    role: str  # grant | contrary | requirement | refusal_ground | condition | value | obligation
    document: str  # the document a `requires D` rule asks for ('' otherwise)
    demands: m.Expr | None  # what a requirement demands (holds(D) or its `requires that` condition)
    demands_text: str
    demands_facts: tuple[str, ...]
    condition_texts: tuple[str, ...]
    condition_facts: tuple[tuple[str, ...], ...]
    exception_texts: tuple[str, ...]
    exception_facts: tuple[tuple[str, ...], ...]
    reads_conditions: tuple[str, ...]
    reads_permits: tuple[str, ...]

    @property
    def conditions(self) -> tuple[m.Expr, ...]:
        """The rule's `when`, as its top-level conjuncts."""
        return tuple(conjuncts(self.rule.when))


@dataclass(frozen=True)
class RuleSheet:
    """The parts of a rule's proof that do not depend on the application."""

    citation: str
    text: str
    status: str
    kinds: dict[str, str]  # permit → the kind of conclusion the rule draws about it


@dataclass
class PermitPlan:
    permit: str
    grants: list[int]
    restricts: list[int]  # contrary norms, requirements and refusal grounds: any one standing refuses
    beaten_by: dict[int, list[tuple[int, str]]]  # rule → (rule that prevails over it, principle)
    values: dict[str, list[int]]
    obligations: list[int]
    sanctions: list[int] = field(default_factory=list)  # refusal grounds `on missing documents`

    @property
    def contenders(self) -> list[int]:
        return self.grants + self.restricts


def points_reads(table: m.PointsTable) -> list[str]:
    """The facts a points table reads (parameters are constants of the plan, not read)."""
    paths: list[str] = []
    for factor in table.factors:
        for band in factor.bands:
            paths += fact_paths(band.when) + fact_paths(band.value)
    return sorted(p for p in set(paths) if not p.startswith("params."))


class Plan:
    """The law of one set of instruments in force (and the amendments applied), planned."""

    def __init__(self, law: Law, graph: RuleGraph, active: tuple[str, ...]):
        self.law = law
        self.graph = graph
        self.active = active
        self.instruments = tuple(i for i in active if law.instruments[i].dated)  # never a proposal
        self.numbering = law_numbering(law, active)  # citations by the numbering in force for `active`
        self.rules_in_force = [
            r for r in sorted(law.rules.values(), key=lambda r: r.id) if r.instrument in set(active)
        ]
        self.derived = {d.name: d for d in law.derived}
        self.derived_sources = self._derived_sources()
        self.rules = [self._rule(index, rule) for index, rule in enumerate(self.rules_in_force)]
        self.plans, self.condition_rules = self._permits()
        self.order = self._order()

    def _derived_sources(self) -> dict[str, tuple[str, ...]]:
        """Each derived fact's application facts (through other derived facts)."""
        out: dict[str, tuple[str, ...]] = {}
        for d in self.law.derived:
            paths: list[str] = []
            for p in fact_paths(d.expr):
                paths.extend(out.get(p, (p,)))
            out[d.name] = tuple(p for p in dict.fromkeys(paths) if p != "decision_date")
        return out

    def _rule(self, index: int, rule: m.Rule) -> PlannedRule:
        law = self.law
        conds = conjuncts(rule.when)
        requirement = rule.requirement
        demands = requirement.demands if requirement else None
        exprs = [e for e in [rule.when, *rule.unless, demands] if e]
        reads_c = tuple(dict.fromkeys(_named(x) for e in exprs for x in calls(e) if x.name == "met"))
        reads_p = tuple(
            dict.fromkeys(_named(x) for e in exprs for x in calls(e) if x.name in ("eligible", "ineligible"))
        )
        role = next(
            (m.ROLE[c.kind] for c in rule.conclusions if c.kind in m.ROLE),
            rule.conclusions[0].kind if rule.conclusions else "",
        )
        document = requirement.name if requirement and requirement.expr is None else ""
        return PlannedRule(
            index,
            rule,
            role,
            document,
            demands,
            (f"holds({document})" if document else source_slice(law, demands.span)) if demands else "",
            self.shown_facts(demands) if demands else (),
            tuple(source_slice(law, x.span) for x in conds),
            tuple(self.shown_facts(x) for x in conds),
            tuple(source_slice(law, x.span) for x in rule.unless),
            tuple(self.shown_facts(x) for x in rule.unless),
            reads_c,
            reads_p,
        )

    def shown_facts(self, expr: m.Expr) -> tuple[str, ...]:
        """The facts a proof shows beside a condition: application facts and derived facts it reads,
        and `points(T)` for a points table (its total and the points of each factor)."""
        paths = [
            p
            for p in fact_paths(expr)
            if p in ("holds", "decision_date") or p in self.law.facts or p in self.derived_sources
        ]
        paths += [f"points({_named(x)})" for x in calls(expr) if x.name == "points"]
        return tuple(dict.fromkeys(paths))

    def _permits(self) -> tuple[dict[str, PermitPlan], dict[str, list[int]]]:
        """Per permit: its grants, restrictions, values, obligations, and what prevails over what."""
        plans: dict[str, PermitPlan] = {p: PermitPlan(p, [], [], {}, {}, []) for p in self.law.permits}
        condition_rules: dict[str, list[int]] = {name: [] for name in self.law.conditions}
        for cr in self.rules:
            for c in cr.rule.conclusions:
                if c.kind == "condition":
                    condition_rules[c.name].append(cr.index)
                for p in c.permits:
                    plan = plans[p]
                    if c.kind == "eligible":
                        plan.grants.append(cr.index)
                    elif cr.rule.sanctions_documents:
                        plan.sanctions.append(cr.index)
                    elif c.kind in ("ineligible", "requires", "refusal_ground"):
                        plan.restricts.append(cr.index)
                    elif c.kind == "value":
                        plan.values.setdefault(c.name, []).append(cr.index)
                    elif c.kind == "obligation":
                        plan.obligations.append(cr.index)
        for plan in plans.values():
            for i in plan.contenders:
                side = i in plan.grants
                plan.beaten_by[i] = []
                for j in plan.contenders:
                    if (j in plan.grants) != side:
                        priority = self.graph.prevails(self.rules[j].rule.id, self.rules[i].rule.id)
                        if priority:
                            plan.beaten_by[i].append((j, priority.principle))
            for indices in plan.values.values():
                for i in indices:
                    plan.beaten_by.setdefault(i, [])
                    for j in indices:
                        priority = (
                            self.graph.prevails(self.rules[j].rule.id, self.rules[i].rule.id)
                            if i != j
                            else None
                        )
                        if priority:
                            plan.beaten_by[i].append((j, priority.principle))
        return plans, condition_rules

    def _order(self) -> list[tuple[str, str]]:
        """Named conditions and permits in dependency order (each after what its rules read)."""
        deps = nx.DiGraph()
        for name in self.condition_rules:
            deps.add_node(("condition", name))
        for p in self.plans:
            deps.add_node(("permit", p))
        for cr in self.rules:
            targets = [
                ("condition", c.name) if c.kind == "condition" else ("permit", p)
                for c in cr.rule.conclusions
                for p in (c.permits or ("",))
                if c.kind == "condition" or p
            ]
            sources = [("condition", n) for n in cr.reads_conditions] + [
                ("permit", n) for n in cr.reads_permits
            ]
            for t in targets:
                for s in sources:
                    if s != t:
                        deps.add_edge(s, t)
        return list(nx.lexicographical_topological_sort(deps))

    def settled(self, kind: str, name: str) -> list[int]:
        """The rules settled with a named condition or a permit (in `order`)."""
        return self.condition_rules[name] if kind == "condition" else self.plans[name].contenders

    @cached_property
    def schedule(self) -> tuple[list[tuple[str, str, list[int], list[int]]], list[int]]:
        """How every backend runs the plan: per step of `order` (kind, name, the rules settled with
        it, those of them first evaluated at this step); then the rules no step settles (values,
        obligations), evaluated last."""
        done: set[int] = set()
        steps = []
        for kind, name in self.order:
            indices = self.settled(kind, name)
            new = [i for i in dict.fromkeys(indices) if i not in done]
            done.update(new)
            steps.append((kind, name, indices, new))
        return steps, [cr.index for cr in self.rules if cr.index not in done]

    @cached_property
    def defaulted_facts(self) -> tuple[m.FactDecl, ...]:
        """The facts with a documented procedural default (a proof lists those an application left out)."""
        return tuple(f for f in self.law.facts.values() if f.default is not None)

    @cached_property
    def sheets(self) -> tuple[RuleSheet, ...]:
        """Each rule's proof parts that no application changes, built once per plan."""
        law = self.law
        out = []
        for cr in self.rules:
            rule = cr.rule
            status = law.instruments[rule.instrument].status
            out.append(
                RuleSheet(
                    citation=render_citation(law, rule, self.numbering),
                    text=cited_text(law, self.numbering.cite_rule(rule, law.instruments), self.numbering),
                    status="proposed"
                    if status == "proposed"
                    else ("repealed" if status == "repealed" else "in_force"),
                    kinds={p: c.kind for c in reversed(rule.conclusions) for p in c.permits},
                )
            )
        return tuple(out)


def _named(call: m.Call) -> str:
    """The name a builtin call takes (`met(X)`, `eligible(P)`, `points(T)`)."""
    arg = call.args[0]
    assert isinstance(arg, m.Path)
    return arg.dotted
