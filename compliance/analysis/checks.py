"""The six checks of the analysis (dead, conflicts, redundant, masked, undecidable, dangling) and the
structural relations, each finding with a witness replayed through the evaluator.

Longer than ~400 lines: `_Analyser` is one object whose checks share the symbolic program, the box
index, the solver and the findings found so far; its methods are split by check, not by file."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import z3
from lexgraph.engine import model as m
from lexgraph.engine.boxes import Box, BoxBuilder, BoxIndex
from lexgraph.engine.evaluate import render_citation
from lexgraph.engine.expressions import calls
from lexgraph.engine.graph import PRINCIPLE_ZH, compete, decide_priority
from lexgraph.engine.symbolic import Symbolic

from ..applications import ApplicationError, validate_application
from ..decisions import LawContext
from .findings import Finding, finding_id
from .prose import (
    _conclusion_text,
    _expr_text,
    _exprs,
    _not_at_hand,
    _on_the_date_only,
    _signatures,
    by_construction,
    explain_unresolved,
    same_provision,
)
from .solver import Solver, _values_differ, t_not_true

# ------------------------------------------------------------------------------ analysis


class _Analyser:
    def __init__(self, context: LawContext, as_of: dt.date, timeout_ms: int, structural: bool = False):
        self.context, self.law, self.as_of = context, context.law, as_of
        self.structural = structural
        start = time.perf_counter()
        self.program = context.evaluator.program(as_of)
        self.program_seconds = time.perf_counter() - start  # the engine's compilation, cached per date
        self.sym = Symbolic(self.law, self.program, as_of)
        self.rules = self.program.rules
        self.n = len(self.rules)
        for i in range(self.n):
            self.sym.applies(i)
        for permit in self.program.plans:
            self.sym.outcome(permit)
        builder = BoxBuilder(self.sym)
        self.boxes: list[Box] = [builder.rule_box(i) for i in range(self.n)]
        self.index = BoxIndex(self.boxes)
        self.solver = Solver(self.sym, timeout_ms)
        self.findings: list[Finding] = []
        self.undecided: list[dict[str, Any]] = []
        self.dead: set[int] = set()
        self.candidates = 0

    # -------------------------------------------------------------- helpers
    def rid(self, i: int) -> str:
        return str(self.rules[i].rule.id)

    def citations(self, ids: Sequence[str]) -> tuple[str, ...]:
        return tuple(render_citation(self.law, self.law.rules[r]) for r in ids)

    def witness(
        self, model: Any, kind: str, rules: Sequence[str], permit: str, requested: list[str] | None
    ) -> dict[str, Any]:
        return self.sym.application(model, f"witness-{finding_id(kind, rules, permit)}", requested)

    def undecided_query(self, kind: str, rules: Sequence[str], reason: Any, permit: str = "") -> None:
        self.undecided.append({"kind": kind, "rules": list(rules), "permit": permit, "reason": str(reason)})

    def intersecting(self, i: int, others: list[int]) -> list[int]:
        return [int(x) for x in self.index.intersecting(i, np.array(others, dtype=np.int64))]

    def evaluate(self, app: dict[str, Any], trace: bool = False) -> Any:
        try:
            validate_application(app)
        except ApplicationError:
            return None
        return self.context.evaluator.evaluate(app, self.as_of, trace=trace)

    def finish(self, finding: Finding, reproduces: Any, trace: bool = False) -> None:
        """Replay the witness through the evaluator; then drop every fact it does not need (a smaller
        witness that still reproduces the finding), and record the finding."""
        app = finding.witness
        if app is not None:
            ev = self.evaluate(app, trace)
            finding.verified = ev is not None and bool(reproduces(ev))
            if finding.verified:
                finding.witness = _minimise(
                    app,
                    lambda cand: (lambda e: e is not None and bool(reproduces(e)))(
                        self.evaluate(cand, trace)
                    ),
                )
        self.findings.append(finding)

    # -------------------------------------------------------------- dead
    def find_dead(self) -> None:
        for i in range(self.n):
            box = self.boxes[i]
            if box.exact and not box.empty():
                continue  # an exact, non-empty box has a point: the rule can fire
            parts = self.sym.rule_conjuncts(i)
            status, out = self.solver.check([], parts)
            if status == "unknown":
                self.undecided_query("dead", [self.rid(i)], out)
                continue
            if status == "sat":
                continue
            self.dead.add(i)
            core: list[str] = out
            if core and all(_on_the_date_only(c) or _not_at_hand(c) for c in core):
                # a rule for other dates (before or after this law's day), or one whose standard the law
                # delegates to a text not at hand (never true by design: it keeps claimants undetermined)
                continue
            rid = self.rid(i)
            witness = None
            dropped = ""
            if core:  # a near miss: every condition but one of the contradictory ones holds
                dropped = core[-1]
                rest = [f[0] for name, f in parts if name != dropped]
                s2, model = self.solver.check([*rest, *(f[1] for name, f in parts if name == dropped)])
                if s2 == "sat":
                    witness = self.witness(model, "dead", [rid], "", self._permits_of(i) or None)
            finding = Finding(
                "dead",
                (rid,),
                self.citations([rid]),
                witness,
                detail={
                    "core": core,
                    "explanation": "these conditions cannot hold together given the "
                    "fact types and ranges: " + "; ".join(core)
                    if core
                    else "the rule can never apply",
                },
            )
            if witness is not None:
                finding.detail["near_miss"] = f"every condition holds except: {dropped}"
            keep = [k for k, (name, _) in enumerate(parts) if name != dropped]
            self.finish(
                finding,
                lambda ev, i=i, keep=keep: ev.applies[i] is False and _near_miss(ev.trace.get(i), keep),
                trace=True,
            )

    def _permits_of(self, i: int) -> list[str]:
        return sorted({p for c in self.rules[i].rule.conclusions for p in c.permits})

    # -------------------------------------------------------------- conflicts
    def find_conflicts(self) -> None:
        for permit, plan in sorted(self.program.plans.items()):
            for i in plan.grants:
                # a requirement or refusal ground is a condition of the outcome, not a contrary norm:
                # it meets a grant only where an explicit clause links the two, or where it refuses by
                # its own terms exactly what the grant is written for (engine.graph.compete)
                contrary, cumulative = [], []
                for r in plan.restricts:
                    if r == i:
                        continue
                    if compete(self.rules[i].rule, "grant", self.rules[r].rule, self.rules[r].role):
                        contrary.append(r)
                    elif self.structural:
                        cumulative.append(r)
                for j in self.intersecting(i, contrary):
                    self.candidates += 1
                    if by_construction(self.rules[i].rule, self.rules[j].rule):
                        if self.structural:
                            self._relation(
                                "alternative",
                                permit,
                                i,
                                j,
                                "an exception written into the same provision "
                                "(`overrides` within one enumerated provision): not a contrary norm",
                            )
                    else:
                        self._conflict(permit, i, j, "")
                for j in self.intersecting(i, cumulative):
                    role = self.rules[j].role
                    kind = "refusal_ground" if role in ("refusal_ground", "contrary") else "requirement"
                    self._relation(
                        kind,
                        permit,
                        i,
                        j,
                        f"{self.rid(j)} is a {role.replace('_', ' ')} of {permit}: "
                        "cumulative with every grant, not a contrary norm",
                    )
            for attr, indices in sorted(plan.values.items()):
                for k, i in enumerate(indices):
                    for j in self.intersecting(i, indices[k + 1 :]):
                        self.candidates += 1
                        if by_construction(self.rules[i].rule, self.rules[j].rule):
                            if self.structural:
                                self._relation(
                                    "alternative",
                                    permit,
                                    i,
                                    j,
                                    f"ranked alternatives of one provision for "
                                    f"{permit}.{attr}: its own `overrides` order them",
                                )
                            continue
                        self._conflict(permit, i, j, attr)

    def _relation(self, kind: str, permit: str, i: int, j: int, explanation: str) -> None:
        """A structural relation (listed with --all): both rules can apply to one applicant."""
        if i in self.dead or j in self.dead:
            return
        rules = (self.rid(i), self.rid(j))
        status, model = self.solver.check([self.sym.applies(i)[0], self.sym.applies(j)[0]])
        if status == "unknown":
            self.undecided_query(kind, rules, model, permit)
            return
        if status == "unsat":
            return
        finding = Finding(
            kind,
            rules,
            self.citations(rules),
            self.witness(model, kind, rules, permit, [permit] if permit else None),
            None,
            permit,
            {"explanation": explanation},
        )
        self.finish(finding, lambda ev: ev.applies[i] is True and ev.applies[j] is True)

    def _conflict(self, permit: str, i: int, j: int, attr: str) -> None:
        if i in self.dead or j in self.dead:
            return
        a, b = self.rules[i].rule, self.rules[j].rule
        both = [self.sym.applies(i)[0], self.sym.applies(j)[0]]
        if attr:
            va, vb = self.sym.conclusion_value(i, attr), self.sym.conclusion_value(j, attr)
            differ = _values_differ(self.sym, va, vb)
            if differ is None:
                return
            both.append(differ)
        priority = decide_priority(self.law, a, b)
        plan = self.program.plans[permit]
        outcome = self.sym.outcome(permit)
        # prefer a witness in which the resolution visibly decides: the winner's side is the outcome
        if attr:
            decides: Any = True
        elif priority is not None:
            winner_grants = self.index_of(priority.winner) in plan.grants
            decides = outcome[0] if winner_grants else outcome[1]
        else:
            restrictive = j if j in plan.restricts else i
            decides = self.sym.stands(permit, restrictive)[0]
        status, model = self.solver.check([*both, decides])
        if status != "sat":
            status, model = self.solver.check(both)
        rules = (a.id, b.id)
        if status == "unknown":
            self.undecided_query("conflict", rules, model, permit)
            return
        if status == "unsat":
            return
        resolution = (
            {"by": priority.principle, "winner": priority.winner}
            if priority is not None
            else {"by": "none", "winner": None}
        )
        detail: dict[str, Any] = {
            "conclusions": [_conclusion_text(a, permit, attr), _conclusion_text(b, permit, attr)]
        }
        if priority is not None:
            detail["explanation"] = (
                f"{priority.winner} prevails over {priority.loser}: {priority.principle} ({PRINCIPLE_ZH[priority.principle]})"
            )
        else:
            detail["explanation"] = explain_unresolved(self.law, a, b)
        finding = Finding(
            "conflict",
            rules,
            self.citations(rules),
            self.witness(model, "conflict", rules, permit, [permit]),
            resolution,
            permit,
            detail,
        )
        if attr:
            self.finish(finding, lambda ev: ev.applies[i] is True and ev.applies[j] is True)
            return
        if priority is not None:
            expected: bool | None = self.index_of(priority.winner) in plan.grants
        else:
            expected = False  # unresolved: the restrictive side stands
        first = self.evaluate(finding.witness or {})
        decides = first is not None and first.o.get(permit) is expected
        finding.detail["winner_decides"] = decides
        self.finish(
            finding,
            lambda ev: (
                ev.applies[i] is True
                and ev.applies[j] is True
                and (not decides or ev.o.get(permit) is expected)
            ),
        )

    def index_of(self, rule_id: str) -> int:
        return self.sym.index_of[rule_id]

    # -------------------------------------------------------------- redundant norms
    def find_redundant(self) -> None:
        groups: dict[tuple[str, ...], list[int]] = {}
        for i in range(self.n):
            if i in self.dead:
                continue
            for sig in _signatures(self.rules[i].rule, self.rules[i].demands_text):
                groups.setdefault(sig, []).append(i)
        pairs: dict[tuple[int, int], list[tuple[str, ...]]] = {}
        for sig, members in sorted(groups.items()):
            for k, i in enumerate(members):
                # alternative grounds of one enumerated provision are meant to overlap: only --all asks
                others = [j for j in members[k + 1 :] if self.structural or not self.same_provision(i, j)]
                for j in self.intersecting(i, others):
                    pairs.setdefault((min(i, j), max(i, j)), []).append(sig)
        self.candidates += len(pairs)
        for (i, j), sigs in sorted(pairs.items()):
            self._redundant(i, j, sigs)

    def _decides_alike(self, x: int, y: int, permits: list[str]) -> bool:
        """Whenever x stands for a permit, y stands too, and y sets aside every rule x sets aside: taking x
        away changes no outcome (an `overrides` clause of x makes it more than a restatement)."""
        for permit in permits:
            plan = self.program.plans[permit]
            beats_x = {k for k, by in plan.beaten_by.items() if any(w == x for w, _ in by)}
            beats_y = {k for k, by in plan.beaten_by.items() if any(w == y for w, _ in by)}
            if not beats_x <= beats_y:
                return False
            status, _ = self.solver.check(
                [self.sym.stands(permit, x)[0], t_not_true(self.sym.stands(permit, y))]
            )
            if status != "unsat":
                return False
        return True

    def _signature_text(self, sig: tuple[str, ...]) -> str:
        return " ".join(sig)

    def same_provision(self, i: int, j: int) -> bool:
        return same_provision(self.rules[i].rule, self.rules[j].rule)

    def _redundant(self, i: int, j: int, sigs: list[tuple[str, ...]]) -> None:
        rules = (self.rid(i), self.rid(j))
        alternatives = self.same_provision(i, j)
        permits = sorted({s[-1] for s in sigs if s[0] in ("eligible", "ineligible", "requires")})
        implied: dict[str, list[str]] = {}
        if not alternatives:
            for x, y in ((i, j), (j, i)):
                # x ⊆ y: whenever x applies, y applies — unsat(x ∧ ¬y); the core names x's conditions that suffice
                status, core = self.solver.check(
                    [t_not_true(self.sym.applies(y))], self.sym.rule_conjuncts(x)
                )
                if status == "unknown":
                    self.undecided_query("redundant", rules, core)
                elif status == "unsat" and self._decides_alike(x, y, permits):
                    implied[self.rid(x)] = core
        if not implied and not self.structural:
            return
        status, model = self.solver.check([self.sym.applies(i)[0], self.sym.applies(j)[0]])
        if status == "unknown":
            self.undecided_query("redundant", rules, model)
            return
        if status == "unsat":
            return
        shown = [self._signature_text(s) for s in sigs]
        conclusions = ", ".join(shown)
        detail: dict[str, Any] = {"conclusions": shown}
        if not implied:
            detail.update(
                relation="intersect",
                explanation=(
                    "alternative grounds of one enumerated provision"
                    if alternatives
                    else "grounds of different provisions for one conclusion that apply together; neither contains the other"
                )
                + f" ({conclusions})",
            )
            kind = "alternative"
        elif len(implied) == 2:
            kind = "redundant"
            detail.update(
                relation="equivalent",
                core=implied,
                explanation=f"{rules[0]} and {rules[1]} apply to exactly the same applicants and both "
                f"conclude {conclusions}: the law states the same norm twice",
            )
        else:
            kind = "redundant"
            sub = next(iter(implied))
            sup = rules[1] if sub == rules[0] else rules[0]
            detail.update(
                relation="subsumes",
                subsumer=sup,
                subsumed=sub,
                core={sub: implied[sub]},
                explanation=f"{sup} applies whenever {sub} applies (because {sub} requires: "
                f"{'; '.join(implied[sub]) or 'nothing'}): {sub} adds nothing to {conclusions}",
            )
        finding = Finding(
            kind,
            rules,
            self.citations(rules),
            self.witness(model, kind, rules, "", permits or None),
            None,
            "",
            detail,
        )
        self.finish(finding, lambda ev: ev.applies[i] is True and ev.applies[j] is True)

    # -------------------------------------------------------------- masked
    def find_masked(self) -> None:
        for permit, plan in sorted(self.program.plans.items()):
            contenders = [*plan.grants, *plan.restricts, *(i for v in plan.values.values() for i in v)]
            for i in dict.fromkeys(contenders):
                beaters = [j for j, _ in plan.beaten_by.get(i, ())]
                if not beaters or i in self.dead:
                    continue
                if not self.intersecting(i, beaters):
                    continue  # no higher-priority rule can apply together with it
                self.candidates += 1
                stands = self.sym.stands(permit, i)
                status, out = self.solver.check([stands[0]])
                if status == "unknown":
                    self.undecided_query("masked", [self.rid(i)], out, permit)
                    continue
                if status == "sat":
                    continue
                status, model = self.solver.check(
                    [self.sym.applies(i)[0], z3.Or([self.sym.applies(j)[0] for j in beaters])]
                )
                if status != "sat":
                    continue
                ev_app = self.sym.application(model, "tmp", [permit])
                firing = [
                    j
                    for j in beaters
                    if z3.is_true(model.eval(self.sym.applies(j)[0], model_completion=True))
                ]
                rules = (self.rid(i), *sorted(self.rid(j) for j in firing))
                masked_id = self.rid(i)
                winner = self.rid(firing[0]) if firing else ""
                principle = next(
                    (p for j, p in plan.beaten_by[i] if j == (firing[0] if firing else -1)), "none"
                )
                ev_app["id"] = f"witness-{finding_id('masked', rules, permit)}"
                finding = Finding(
                    "masked",
                    rules,
                    self.citations(rules),
                    ev_app,
                    {"by": principle, "winner": winner},
                    permit,
                    {
                        "masked": masked_id,
                        "by": [self.rid(j) for j in beaters],
                        "explanation": f"whenever {masked_id} applies, a rule that prevails over it also "
                        f"applies, so it never decides {permit}",
                    },
                )
                self.finish(
                    finding,
                    lambda ev, i=i, firing=firing: (
                        ev.applies[i] is True and any(ev.applies[j] is True for j in firing)
                    ),
                )

    # -------------------------------------------------------------- closure (structural)
    def find_closure(self) -> None:
        for permit, plan in sorted(self.program.plans.items()):
            deciding = [*plan.grants, *plan.restricts]
            if not deciding:
                continue
            none_applies = [self.sym.applies(i)[1] for i in deciding]
            rules = tuple(sorted(self.rid(i) for i in deciding))
            self.candidates += 1
            status, model = self.solver.check(none_applies)
            if status == "unknown":
                self.undecided_query("closure", rules, model, permit)
                continue
            if status == "unsat":
                continue
            finding = Finding(
                "closure",
                rules,
                self.citations(rules),
                self.witness(model, "closure", rules, permit, [permit]),
                None,
                permit,
                {
                    "explanation": f"no ground grants or refuses {permit} for this applicant: the outcome "
                    "ineligible rests on closure of the enumerated grounds, as an enumerated "
                    "list means it to",
                    "granting_rules": len(plan.grants),
                    "restricting_rules": len(plan.restricts),
                },
            )
            self.finish(
                finding,
                lambda ev, deciding=deciding, permit=permit: (
                    all(ev.applies[i] is False for i in deciding) and ev.o.get(permit) is False
                ),
            )

    # -------------------------------------------------------------- undecidable outcomes
    def find_undecidable(self) -> None:
        """A permit attribute the rules assign (a class) whose holders no grant can reach and no provision
        refuses: the law decides them on something the rules do not read — facts the application
        contract does not carry (class C: quotas and the nature of the work). The grants asked about are
        those of the instrument that assigns the value (its own scheme), or every grant when it has none."""
        for permit, plan in sorted(self.program.plans.items()):
            if not plan.grants:
                continue
            every_grant_fails = [self.sym.applies(g)[1] for g in plan.grants]
            no_restrict = [self.sym.applies(r)[1] for r in plan.restricts]
            for attr, indices in sorted(plan.values.items()):
                for i in indices:
                    if i in self.dead:
                        continue
                    instrument = self.rules[i].rule.instrument
                    own = [
                        g for g in plan.grants if self.rules[g].rule.instrument == instrument
                    ] or plan.grants
                    no_grant = z3.And([self.sym.applies(g)[1] for g in own])
                    stands = self.sym.stands(permit, i)[0]
                    self.candidates += 1
                    # whenever this value stands, every grant is definitely inapplicable …
                    status, out = self.solver.check([stands, z3.Not(no_grant)])
                    if status == "unknown":
                        self.undecided_query("undecidable", [self.rid(i)], out, permit)
                        continue
                    if status != "unsat":
                        continue
                    # … and the applicant is refused by no provision: closure alone decides
                    status, model = self.solver.check([stands, *every_grant_fails, *no_restrict])
                    if status != "sat":
                        continue
                    rules = (self.rid(i),)  # the id stays with the classification as grants come and go
                    value = self.rules[i].rule
                    shown = next(
                        (c.expr for c in value.conclusions if c.kind == "value" and c.name == attr), None
                    )
                    notes = [r.note for r in (value, *(self.rules[g].rule for g in own)) if r.note]
                    finding = Finding(
                        "undecidable",
                        rules,
                        self.citations(rules),
                        self.witness(model, "undecidable", rules, permit, [permit]),
                        None,
                        permit,
                        {
                            "attribute": f"{permit}.{attr}",
                            "grants": sorted(self.rid(g) for g in own),
                            "value": _expr_text(shown),
                            "explanation": f"the rules assign {permit}.{attr} = {_expr_text(shown)} to this "
                            f"applicant, yet no grant of {permit} in {instrument} can apply to anyone so "
                            "classed and no provision refuses them: the outcome rests on "
                            "closure, while the law decides them on facts the rules do not "
                            "read (the application contract has no field for them)",
                            "notes": notes,
                        },
                    )
                    self.finish(
                        finding,
                        lambda ev, i=i, permit=permit, plan=plan: (
                            ev.applies[i] is True
                            and all(ev.applies[g] is False for g in plan.grants)
                            and all(ev.applies[r] is False for r in plan.restricts)
                            and ev.o.get(permit) is False
                        ),
                    )

    # -------------------------------------------------------------- dangling
    def find_dangling(self) -> None:
        granted = {p for p, plan in self.program.plans.items() if plan.grants}
        for i in range(self.n):
            cr = self.rules[i]
            needs: list[str] = []
            docs = [cr.document] if cr.document else []
            for doc in docs:
                issuer = self.law.issuer_of(doc)
                if issuer is None and self.law.documents[doc].authority:
                    continue  # issued outside this law by a named authority (a host, a school): not a gap
                if issuer is None:
                    needs.append(f"document {doc}: no permit in the vocabulary issues it")
                elif issuer not in granted:
                    needs.append(f"document {doc}: issued with {issuer}, which no rule in force grants")
            for e in _exprs(cr.rule):
                for x in calls(e):
                    name = x.args[0].dotted if x.args and isinstance(x.args[0], m.Path) else ""
                    if x.name == "met" and not self.program.condition_rules.get(name):
                        needs.append(f"condition {name}: no rule in force concludes it")
                    elif x.name in ("eligible", "ineligible") and name not in granted:
                        needs.append(f"status {name}: no rule in force grants it")
            if not needs:
                continue
            rid = self.rid(i)
            self.candidates += 1
            status, model = self.solver.check([self.sym.applies(i)[0]])
            witness = (
                self.witness(model, "dangling", [rid], "", self._permits_of(i) or None)
                if status == "sat"
                else None
            )
            finding = Finding(
                "dangling",
                (rid,),
                self.citations([rid]),
                witness,
                None,
                "",
                {
                    "needs": list(dict.fromkeys(needs)),
                    "explanation": "the rule needs something no rule in force provides; only an applicant "
                    "who already holds it (or facts outside the law) can satisfy it",
                },
            )
            self.finish(finding, lambda ev, i=i: ev.applies[i] is True)


def _near_miss(trace: Any, keep: list[int]) -> bool:
    """In a traced evaluation, every kept conjunct (conditions, then exceptions negated) is met."""
    if trace is None:
        return False
    conds, unless = trace
    values = [*conds, *((None if u is None else not u) for u in unless)]
    return all(values[k] is True for k in keep if k < len(values))


def _minimise(app: dict[str, Any], still: Any) -> dict[str, Any]:
    """Greedily remove facts (whole objects first, then single fields) while `still(app)` holds."""
    import copy

    current = copy.deepcopy(app)

    def paths(node: Any, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
        out: list[tuple[str, ...]] = []
        if isinstance(node, dict):
            for k, v in node.items():
                if not prefix and k in ("id", "decision_date", "requested", "applicant"):
                    if k == "applicant":
                        out += paths(v, (k,))
                    continue
                out.append((*prefix, k))
                if isinstance(v, dict):
                    out += paths(v, (*prefix, k))
        return out

    for path in paths(current, ()):
        parent: Any = current
        for part in path[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if not isinstance(parent, dict) or path[-1] not in parent:
            continue
        value = parent.pop(path[-1])
        if not still(current):
            parent[path[-1]] = value
    return current
