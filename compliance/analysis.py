"""Static analysis of the law (`lexgraph analyze`): conflicts, overlaps, masked and dead rules, gaps and
dangling references — each with a witness application found by z3 and replayed through the evaluator.

A box index (engine.symbolic.BoxIndex) proposes candidate pairs; z3 decides only those, with a timeout
per query, and an undecided query is reported as such rather than guessed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import z3
from lexgraph.engine import model as m
from lexgraph.engine.check import calls
from lexgraph.engine.evaluate import cited_text, render_citation
from lexgraph.engine.graph import PRINCIPLE_ZH, RuleGraph, compete, decide_priority
from lexgraph.engine.symbolic import Box, BoxBuilder, BoxIndex, Symbolic, Tri, t_and

from .applications import ApplicationError, validate_application
from .decisions import LawContext
from .render import dumps

KINDS = ("conflict", "redundant", "masked", "dead", "dangling", "undecidable")
# structural relations: how an enumerated law is built, not defects — listed only with `--all`
STRUCTURAL = ("alternative", "requirement", "refusal_ground", "closure")
ALL_KINDS = KINDS + STRUCTURAL
KIND_TEXT = {
    "conflict": "contrary norms that can apply to one applicant",
    "redundant": "a norm already decided the same way by a norm of another provision",
    "masked": "a norm that can never decide its permit",
    "dead": "a norm whose conditions can never all hold",
    "dangling": "a norm that needs what no norm in force provides",
    "undecidable": "an outcome resting on facts the application contract does not carry",
    "alternative": "alternative grounds (or cumulative requirements) of one conclusion that apply together",
    "requirement": "a grant and a requirement of the same outcome that apply together (cumulative)",
    "refusal_ground": "a grant and a refusal ground of the same outcome that apply together (cumulative)",
    "closure": "no ground applies: the outcome is ineligible by closure of the enumerated grounds",
}
DEFAULT_TIMEOUT_MS = 2000


@dataclass
class Finding:
    kind: str
    rules: tuple[str, ...]
    citations: tuple[str, ...]
    witness: dict[str, Any] | None
    resolution: dict[str, Any] | None = None
    permit: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    verified: bool | None = None  # the witness, decided by the evaluator, reproduces the finding
    acknowledged: str = ""  # the reason given in the acknowledged-findings file

    @property
    def id(self) -> str:
        return finding_id(self.kind, self.rules, self.permit)

    @property
    def structural(self) -> bool:
        return self.kind in STRUCTURAL

    @property
    def gating(self) -> bool:
        """Unresolved conflicts and undecidable outcomes gate the corpus until acknowledged."""
        unresolved = self.kind == "conflict" and self.resolution is not None and self.resolution["by"] == "none"
        return (unresolved or self.kind == "undecidable") and not self.acknowledged

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "rules": list(self.rules),
                               "citations": list(self.citations), "witness": self.witness,
                               "verified": self.verified}
        if self.resolution is not None:
            out["resolution"] = self.resolution
        if self.permit:
            out["permit"] = self.permit
        if self.detail:
            out["detail"] = self.detail
        if self.acknowledged:
            out["acknowledged"] = self.acknowledged
        return out


def finding_id(kind: str, rules: Sequence[str], permit: str = "") -> str:
    """Stable: the same kind, rules (and permit) give the same id whatever the order found."""
    key = "|".join([kind, *sorted(rules), permit])
    return f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


@dataclass
class Report:
    as_of: dt.date
    digest: str
    amendments: tuple[str, ...]
    findings: list[Finding]
    undecided: list[dict[str, Any]]
    stats: dict[str, Any]
    stale_acknowledgements: list[str] = field(default_factory=list)

    @property
    def gating(self) -> list[Finding]:
        return [f for f in self.findings if f.gating]

    def by_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    @property
    def defects(self) -> list[Finding]:
        """The default report: findings a drafter acts on (structural relations excluded)."""
        return [f for f in self.findings if not f.structural]

    def to_json(self) -> dict[str, Any]:
        counts = {k: len(self.by_kind(k)) for k in KINDS}
        counts.update({k: len(self.by_kind(k)) for k in STRUCTURAL if self.by_kind(k)})
        return {"as_of": self.as_of.isoformat(), "digest": self.digest, "amendments": list(self.amendments),
                "counts": counts, "gating": [f.id for f in self.gating], "stats": self.stats,
                "findings": [f.to_json() for f in self.findings], "undecided": self.undecided,
                "stale_acknowledgements": self.stale_acknowledgements}


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
            self.s.add(domain[self.added:])
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

    def witness(self, model: Any, kind: str, rules: Sequence[str], permit: str, requested: list[str] | None) -> dict[str, Any]:
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
                finding.witness = _minimise(app, lambda cand: (lambda e: e is not None and bool(reproduces(e)))(self.evaluate(cand, trace)))
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
            finding = Finding("dead", (rid,), self.citations([rid]), witness,
                              detail={"core": core, "explanation": "these conditions cannot hold together given the "
                                      "fact types and ranges: " + "; ".join(core) if core else "the rule can never apply"})
            if witness is not None:
                finding.detail["near_miss"] = f"every condition holds except: {dropped}"
            keep = [k for k, (name, _) in enumerate(parts) if name != dropped]
            self.finish(finding, lambda ev, i=i, keep=keep: ev.applies[i] is False and _near_miss(ev.trace.get(i), keep),
                        trace=True)

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
                            self._relation("alternative", permit, i, j, "an exception written into the same provision "
                                           "(`overrides` within one enumerated provision): not a contrary norm")
                    else:
                        self._conflict(permit, i, j, "")
                for j in self.intersecting(i, cumulative):
                    role = self.rules[j].role
                    kind = "refusal_ground" if role in ("refusal_ground", "contrary") else "requirement"
                    self._relation(kind, permit, i, j, f"{self.rid(j)} is a {role.replace('_', ' ')} of {permit}: "
                                   "cumulative with every grant, not a contrary norm")
            for attr, indices in sorted(plan.values.items()):
                for k, i in enumerate(indices):
                    for j in self.intersecting(i, indices[k + 1:]):
                        self.candidates += 1
                        if by_construction(self.rules[i].rule, self.rules[j].rule):
                            if self.structural:
                                self._relation("alternative", permit, i, j, f"ranked alternatives of one provision for "
                                               f"{permit}.{attr}: its own `overrides` order them")
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
        finding = Finding(kind, rules, self.citations(rules), self.witness(model, kind, rules, permit, [permit] if permit else None),
                          None, permit, {"explanation": explanation})
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
        resolution = ({"by": priority.principle, "winner": priority.winner} if priority is not None
                      else {"by": "none", "winner": None})
        detail: dict[str, Any] = {"conclusions": [_conclusion_text(a, permit, attr), _conclusion_text(b, permit, attr)]}
        if priority is not None:
            detail["explanation"] = f"{priority.winner} prevails over {priority.loser}: {priority.principle} ({PRINCIPLE_ZH[priority.principle]})"
        else:
            detail["explanation"] = explain_unresolved(self.law, a, b)
        finding = Finding("conflict", rules, self.citations(rules), self.witness(model, "conflict", rules, permit, [permit]),
                          resolution, permit, detail)
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
        self.finish(finding, lambda ev: ev.applies[i] is True and ev.applies[j] is True
                    and (not decides or ev.o.get(permit) is expected))

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
                others = [j for j in members[k + 1:] if self.structural or not self.same_provision(i, j)]
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
            status, _ = self.solver.check([self.sym.stands(permit, x)[0], t_not_true(self.sym.stands(permit, y))])
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
                status, core = self.solver.check([t_not_true(self.sym.applies(y))], self.sym.rule_conjuncts(x))
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
            detail.update(relation="intersect", explanation=(
                "alternative grounds of one enumerated provision" if alternatives else
                "grounds of different provisions for one conclusion that apply together; neither contains the other")
                + f" ({conclusions})")
            kind = "alternative"
        elif len(implied) == 2:
            kind = "redundant"
            detail.update(relation="equivalent", core=implied,
                          explanation=f"{rules[0]} and {rules[1]} apply to exactly the same applicants and both "
                                      f"conclude {conclusions}: the law states the same norm twice")
        else:
            kind = "redundant"
            sub = next(iter(implied))
            sup = rules[1] if sub == rules[0] else rules[0]
            detail.update(relation="subsumes", subsumer=sup, subsumed=sub, core={sub: implied[sub]},
                          explanation=f"{sup} applies whenever {sub} applies (because {sub} requires: "
                                      f"{'; '.join(implied[sub]) or 'nothing'}): {sub} adds nothing to {conclusions}")
        finding = Finding(kind, rules, self.citations(rules), self.witness(model, kind, rules, "", permits or None),
                          None, "", detail)
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
                status, model = self.solver.check([self.sym.applies(i)[0], z3.Or([self.sym.applies(j)[0] for j in beaters])])
                if status != "sat":
                    continue
                ev_app = self.sym.application(model, "tmp", [permit])
                firing = [j for j in beaters if z3.is_true(model.eval(self.sym.applies(j)[0], model_completion=True))]
                rules = (self.rid(i), *sorted(self.rid(j) for j in firing))
                masked_id = self.rid(i)
                winner = self.rid(firing[0]) if firing else ""
                principle = next((p for j, p in plan.beaten_by[i] if j == (firing[0] if firing else -1)), "none")
                ev_app["id"] = f"witness-{finding_id('masked', rules, permit)}"
                finding = Finding("masked", rules, self.citations(rules), ev_app,
                                  {"by": principle, "winner": winner}, permit,
                                  {"masked": masked_id, "by": [self.rid(j) for j in beaters],
                                   "explanation": f"whenever {masked_id} applies, a rule that prevails over it also "
                                                  f"applies, so it never decides {permit}"})
                self.finish(finding, lambda ev, i=i, firing=firing: ev.applies[i] is True
                            and any(ev.applies[j] is True for j in firing))

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
            finding = Finding("closure", rules, self.citations(rules), self.witness(model, "closure", rules, permit, [permit]),
                              None, permit,
                              {"explanation": f"no ground grants or refuses {permit} for this applicant: the outcome "
                                              "ineligible rests on closure of the enumerated grounds, as an enumerated "
                                              "list means it to",
                               "granting_rules": len(plan.grants), "restricting_rules": len(plan.restricts)})
            self.finish(finding, lambda ev, deciding=deciding, permit=permit:
                        all(ev.applies[i] is False for i in deciding) and ev.o.get(permit) is False)

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
                    own = [g for g in plan.grants if self.rules[g].rule.instrument == instrument] or plan.grants
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
                    shown = next((c.expr for c in value.conclusions if c.kind == "value" and c.name == attr), None)
                    notes = [r.note for r in (value, *(self.rules[g].rule for g in own)) if r.note]
                    finding = Finding("undecidable", rules, self.citations(rules),
                                      self.witness(model, "undecidable", rules, permit, [permit]), None, permit,
                                      {"attribute": f"{permit}.{attr}",
                                       "grants": sorted(self.rid(g) for g in own),
                                       "value": _expr_text(shown),
                                       "explanation": f"the rules assign {permit}.{attr} = {_expr_text(shown)} to this "
                                                      f"applicant, yet no grant of {permit} in {instrument} can apply to anyone so "
                                                      "classed and no provision refuses them: the outcome rests on "
                                                      "closure, while the law decides them on facts the rules do not "
                                                      "read (the application contract has no field for them)",
                                       "notes": notes})
                    self.finish(finding, lambda ev, i=i, permit=permit, plan=plan:
                                ev.applies[i] is True and all(ev.applies[g] is False for g in plan.grants)
                                and all(ev.applies[r] is False for r in plan.restricts) and ev.o.get(permit) is False)

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
            witness = self.witness(model, "dangling", [rid], "", self._permits_of(i) or None) if status == "sat" else None
            finding = Finding("dangling", (rid,), self.citations([rid]), witness, None, "",
                              {"needs": list(dict.fromkeys(needs)),
                               "explanation": "the rule needs something no rule in force provides; only an applicant "
                                              "who already holds it (or facts outside the law) can satisfy it"})
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
            tail = (f" {r.id} overrides only {', '.join(r.overrides)}, not the other rule." + tail)
    if kinds & {"requires", "refusal_ground"}:
        tail = (" The condition refuses, by its own terms, exactly the applications the grant is written for, so "
                "the two cannot both be followed: the drafter must say which prevails (an `overrides` clause, or "
                "an exception written into the condition)." + tail)
    elif "ineligible" in kinds:
        tail = (" The refusal is written as a rule of its own, not as an `unless` of the grant: legally it "
                "qualifies the grant, which only an `overrides` clause (or an exception) would say." + tail)
    if ra is None or rb is None:
        outside = [i for i, r in ((ia, ra), (ib, rb)) if r is None]
        names = ", ".join(f"{i.id} ({i.rank})" for i in outside)
        return (f"{names} stands outside the statutory hierarchy (上位法优于下位法 does not reach it): only an explicit "
                f"`overrides` clause settles the conflict, and neither rule has one." + tail)
    if ra != rb:
        lower = a if ra < rb else b
        return (f"{lower.id} is lower in rank but `strict`: a strict rule is set aside only by an explicit `overrides`, "
                "and none is given." + tail)
    if a.strict and b.strict:
        return "both rules are `strict` and neither overrides the other." + tail
    same_body = ia.id == ib.id or (ia.issuer and ia.issuer == ib.issuer and ia.rank == ib.rank)
    if not same_body:
        return (f"both instruments have rank {ia.rank} but different enacting bodies ({ia.issuer or ia.id} / "
                f"{ib.issuer or ib.id}): 特别规定优于一般规定 and 新法优于旧法 apply only within one body, and no "
                "`overrides` clause links the rules." + tail)
    return ("same enacting body, but neither rule's conditions contain the other's (no 特别规定优于一般规定) and "
            "they took effect together (no 新法优于旧法); no `overrides` clause links them." + tail)


def analyze(context: LawContext, as_of: dt.date, timeout_ms: int = DEFAULT_TIMEOUT_MS,
            acknowledged: dict[str, str] | None = None, structural: bool = False) -> Report:
    """The one public entry point: every finding of the law in force on `as_of`, with witnesses;
    with `structural`, also the structural relations (alternatives, requirements, refusal grounds,
    closure) under their own kind names."""
    start = time.perf_counter()
    a = _Analyser(context, as_of, timeout_ms, structural)
    a.find_dead()
    a.find_conflicts()
    a.find_redundant()
    a.find_masked()
    a.find_dangling()
    a.find_undecidable()
    if structural:
        a.find_closure()
    acknowledged = acknowledged or {}
    for f in a.findings:
        f.acknowledged = acknowledged.get(f.id, "")
    order = {k: n for n, k in enumerate(ALL_KINDS)}
    findings = sorted(a.findings, key=lambda f: (order[f.kind], f.permit, f.rules))
    ids = {f.id for f in findings}
    stats = {"rules": a.n, "pairs": a.n * (a.n - 1) // 2, "candidates": a.candidates, "solver_calls": a.solver.calls,
             "solver_unknown": a.solver.unknown, "solver_seconds": round(a.solver.seconds, 3),
             "approximate_rules": sorted(a.sym.approximate), "program_seconds": round(a.program_seconds, 3),
             "seconds": round(time.perf_counter() - start, 3)}
    return Report(as_of, context.law.digest, context.law.applied_amendments, findings, a.undecided, stats,
                  sorted(set(acknowledged) - ids))


def add_findings(graph: RuleGraph, report: Report) -> RuleGraph:
    """Findings as edges of the rule graph: conflicts_with, subsumes, masks."""
    for f in report.findings:
        if f.kind == "conflict":
            a, b = f.rules
            graph.g.add_edge(f"rule:{a}", f"rule:{b}", key="conflicts_with", kind="conflicts_with", finding=f.id,
                             permit=f.permit, resolution=(f.resolution or {}).get("by", "none"))
        elif f.kind == "redundant" and f.detail.get("relation") in ("subsumes", "equivalent"):
            pairs = ([(f.detail["subsumer"], f.detail["subsumed"])] if f.detail["relation"] == "subsumes"
                     else [(f.rules[0], f.rules[1]), (f.rules[1], f.rules[0])])
            for sup, sub in pairs:
                graph.g.add_edge(f"rule:{sup}", f"rule:{sub}", key="subsumes", kind="subsumes", finding=f.id,
                                 relation=f.detail["relation"])
        elif f.kind == "masked":
            for winner in f.rules[1:]:
                graph.g.add_edge(f"rule:{winner}", f"rule:{f.rules[0]}", key="masks", kind="masks", finding=f.id,
                                 permit=f.permit)
    return graph


# ------------------------------------------------------------------------------ acknowledgements


class AcknowledgementError(ValueError):
    pass


REVIEWED_FILE = "findings.json"  # beside the corpus: the reviewed list of findings


def read_acknowledged(path: Path) -> dict[str, str]:
    """Either a JSON list of {"id": FINDING_ID, "reason": WHY} (a reason is required), or a reviewed-findings
    file ({"reports": [{"findings": [{"id", …, "acknowledged": WHY}]}]}) whose acknowledged entries count."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AcknowledgementError(f"{path}: no such file") from None
    except json.JSONDecodeError as error:
        raise AcknowledgementError(f"{path}:{error.lineno}:{error.colno}: not JSON: {error.msg}") from None
    if isinstance(data, dict):
        out: dict[str, str] = {}
        for _n, entry, where in _reviewed_entries(path, data):
            reason = entry.get("acknowledged")
            if reason is None:
                continue
            if not isinstance(reason, str) or not reason.strip():
                raise AcknowledgementError(f"{path}: {where}.acknowledged: a non-empty string is required")
            out[entry["id"]] = reason
        return out
    if not isinstance(data, list):
        raise AcknowledgementError(f"{path}: $: expected a list of {{\"id\", \"reason\"}} objects")
    out = {}
    for n, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise AcknowledgementError(f"{path}: $[{n}]: expected an object with `id` and `reason`")
        for key in ("id", "reason"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise AcknowledgementError(f"{path}: $[{n}].{key}: a non-empty string is required")
        out[entry["id"]] = entry["reason"]
    return out


REVIEWED_KEYS = ("id", "kind", "permit", "rules", "law", "drafter")


def _reviewed_entries(path: Path, data: dict[str, Any]) -> list[tuple[int, dict[str, Any], str]]:
    reports = data.get("reports")
    if not isinstance(reports, list):
        raise AcknowledgementError(f"{path}: $.reports: expected a list of reports")
    out = []
    for r, report in enumerate(reports):
        findings = report.get("findings") if isinstance(report, dict) else None
        if not isinstance(findings, list):
            raise AcknowledgementError(f"{path}: $.reports[{r}].findings: expected a list")
        for n, entry in enumerate(findings):
            where = f"$.reports[{r}].findings[{n}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise AcknowledgementError(f"{path}: {where}.id: a finding id is required")
            out.append((n, entry, where))
    return out


def reviewed_list(report: Report, previous: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The default report in the reviewed-list format: id, kind, permit, rules, then what the finding means
    in law and what a drafter does — kept from `previous` by id, "TODO" for a finding not yet reviewed."""
    known = {e["id"]: e for e in previous or [] if isinstance(e, dict) and "id" in e}
    out = []
    for f in report.defects:
        old = known.get(f.id, {})
        entry: dict[str, Any] = {"id": f.id, "kind": f.kind, "permit": f.permit, "rules": list(f.rules),
                                 "law": old.get("law", "TODO"), "drafter": old.get("drafter", "TODO")}
        if f.resolution is not None:
            entry["resolution"] = f.resolution["by"]
        if "acknowledged" in old:
            entry["acknowledged"] = old["acknowledged"]
        out.append(entry)
    return out


# ------------------------------------------------------------------------------ scenarios


def scenario(finding: Finding, context: LawContext, as_of: dt.date, amendments: list[Path], parameters: dict[str, str],
             out_dir: Path) -> dict[str, Any] | None:
    """A finding's witness as a ready scenario test (the format of tests/scenarios)."""
    if finding.witness is None:
        return None
    decision = context.decide(finding.witness, as_of)
    expect = []
    for d in decision.decisions:
        cited = {p.rule for g in (*d.grounds, *d.unmet) for p in _walk(g)}
        hit = next((r for r in finding.rules if r in cited), None)
        if hit is None and finding.kind != "gap" and len(decision.decisions) > 1:
            continue
        item: dict[str, Any] = {"permit": d.permit, "outcome": d.outcome}
        winner = (finding.resolution or {}).get("winner")
        if winner and winner in cited:
            item["cited"] = winner
        elif hit:
            item["cited"] = hit
        expect.append(item)
    data: dict[str, Any] = {"description": f"{finding.kind} {finding.id}: {' ⟷ '.join(finding.rules)} — "
                                           f"{finding.detail.get('explanation', finding.detail.get('relation', ''))}",
                            "application": finding.witness, "expect": expect, "as_of": as_of.isoformat()}
    if amendments:
        data["with"] = [os.path.relpath(Path(a).resolve(), out_dir.resolve()) for a in amendments]
    if parameters:
        data["set"] = dict(parameters)
    return data


def _walk(p: Any) -> Any:
    yield p
    for b in p.because:
        yield from _walk(b)


# ------------------------------------------------------------------------------ rendering


def render_text(report: Report) -> str:
    lines = [f"lexgraph analyze — law as of {report.as_of.isoformat()} (digest {report.digest[:16]}…)"]
    if report.amendments:
        lines.append(f"amendments: {', '.join(report.amendments)}")
    s = report.stats
    lines.append(f"{s['rules']} rules, {s['pairs']} pairs, {s['candidates']} candidates, {s['solver_calls']} solver calls "
                 f"({s['solver_unknown']} unknown), {s['seconds']} s")
    for kind in (k for k in ALL_KINDS if k in KINDS or report.by_kind(k)):
        found = report.by_kind(kind)
        lines.append("")
        lines.append(f"== {kind} ({len(found)})")
        for f in found:
            flag = " [UNRESOLVED]" if f.gating else (" [acknowledged: " + f.acknowledged + "]" if f.acknowledged else "")
            lines.append(f"- {f.id}{flag}{'  permit ' + f.permit if f.permit else ''}")
            for r, c in zip(f.rules, f.citations, strict=True):
                lines.append(f"    {r}  — {c}")
            lines.append(f"    what to do: {resolution_words(f)}")
            if f.resolution is not None:
                by = f.resolution["by"]
                lines.append(f"    resolution: {by}{' (' + PRINCIPLE_ZH[by] + ')' if by in PRINCIPLE_ZH else ''}"
                             f"{', winner ' + f.resolution['winner'] if f.resolution.get('winner') else ''}")
            for key in ("relation", "explanation", "needs", "core"):
                if key in f.detail:
                    value = f.detail[key]
                    lines.append(f"    {key}: {value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)}")
            if f.witness is not None:
                lines.append(f"    witness{' (replayed: reproduces)' if f.verified else ' (replayed: does NOT reproduce)' if f.verified is False else ''}: "
                             f"{json.dumps(f.witness, ensure_ascii=False, sort_keys=True)}")
    if report.undecided:
        lines.append("")
        lines.append(f"== undecided by the solver ({len(report.undecided)})")
        for u in report.undecided:
            lines.append(f"- {u['kind']} {' ⟷ '.join(u['rules'])}: {u['reason']}")
    for stale in report.stale_acknowledgements:
        lines.append(f"note: acknowledged finding {stale} no longer occurs")
    gating = report.gating
    lines.append("")
    lines.append(f"{len(report.defects)} findings; {len(gating)} gating (unresolved conflicts and undecidable outcomes "
                 "not acknowledged)")
    return "\n".join(lines) + "\n"


def resolution_words(f: Finding) -> str:
    """The resolution of a finding in words, for a drafter."""
    res = f.resolution
    if f.kind == "conflict" and res is not None:
        if res["by"] == "none":
            return ("Unresolved: no principle settles it; until the texts do, the engine lets the restrictive side "
                    "stand. The drafter must decide which norm prevails (an explicit priority clause, or an "
                    "exception written into the grant).")
        return (f"Resolved by {PRINCIPLE_ZH[res['by']]} ({res['by']}): {res['winner']} prevails, and decides the "
                "permit for this applicant.")
    if f.kind == "masked" and res is not None:
        return f"{res.get('winner')} prevails ({PRINCIPLE_ZH.get(res['by'], res['by'])}) whenever the masked norm applies."
    return {
        "redundant": "Keep one statement of the norm: the other adds nothing to any outcome.",
        "dead": "The conditions contradict each other: correct the encoding or the threshold.",
        "dangling": "Say where the thing needed comes from (a permit issuing it, a rule concluding it).",
        "undecidable": "The law decides these applicants on facts the application does not carry: add them to the "
                       "contract, or acknowledge that the decision is left to the authority.",
    }.get(f.kind, str(f.detail.get("explanation", "")))


def _witness_decision(f: Finding, context: LawContext | None, as_of: dt.date) -> str:
    if context is None or f.witness is None:
        return ""
    from .render import render_text as render_decision

    try:
        decision = context.decide(f.witness, as_of)
    except (ApplicationError, ValueError) as error:
        return f"(the witness cannot be decided: {error})"
    return render_decision(decision, explain=True)


def render_html(report: Report, context: LawContext | None = None) -> str:
    """For a drafter: grouped by kind and permit; each finding with its citations, the article texts side
    by side, the witness decided (why each rule applies) and the resolution in words."""
    e = html.escape
    law = context.law if context is not None else None
    parts = []
    for kind in ALL_KINDS:
        found = report.by_kind(kind)
        if not found:
            continue
        parts.append(f"<section><h2>{e(kind)} ({len(found)}) — {e(KIND_TEXT[kind])}</h2>")
        for permit in sorted({f.permit for f in found}):
            parts.append(f"<h3>{e(permit) if permit else '(no single permit)'}</h3>")
            for f in (x for x in found if x.permit == permit):
                flag = (" <strong>UNRESOLVED</strong>" if f.gating else
                        f" <em>acknowledged: {e(f.acknowledged)}</em>" if f.acknowledged else "")
                parts.append(f"<article id=\"{e(f.id)}\"><h4><code>{e(f.id)}</code>{flag}</h4>")
                parts.append(f"<p class=resolution>{e(resolution_words(f))}</p>")
                if "explanation" in f.detail:
                    parts.append(f"<p>{e(str(f.detail['explanation']))}</p>")
                parts.append("<div class=side>")
                for rule_id, citation in zip(f.rules, f.citations, strict=True):
                    rule = law.rules.get(rule_id) if law is not None else None
                    text = cited_text(law, rule.citation) if law is not None and rule is not None else ""
                    body = (f"<blockquote lang=zh>{e(text)}</blockquote>" if text else
                            "<p><small>no article text: the rule names its source and quotes nothing"
                            + (f" — note: {e(rule.note)}" if rule is not None and rule.note else "") + "</small></p>")
                    parts.append(f"<div><h5>{e(citation)}</h5><code>{e(rule_id)}</code>{body}</div>")
                parts.append("</div>")
                decided = _witness_decision(f, context, report.as_of)
                if decided:
                    parts.append("<details open><summary>witness, decided (why each rule applies)</summary>"
                                 f"<pre>{e(decided)}</pre></details>")
                if f.witness is not None:
                    parts.append("<details><summary>witness application (JSON)</summary><pre>"
                                 f"{e(json.dumps(f.witness, ensure_ascii=False, indent=1, sort_keys=True))}</pre></details>")
                parts.append("</article>")
        parts.append("</section>")
    gating = report.gating
    return ("<!doctype html><html lang=\"zh\"><meta charset=\"utf-8\"><title>lexgraph analyze</title>"
            "<style>body{font-family:sans-serif;max-width:80em;margin:auto}.side{display:flex;gap:1em}"
            ".side>div{flex:1;border:1px solid #ccc;padding:.5em}blockquote{margin:.3em 0}"
            "article{border-top:1px solid #999;margin-top:1em}.resolution{font-weight:bold}</style><body>"
            f"<h1>lexgraph analyze — the law as of {report.as_of.isoformat()}</h1>"
            f"<p>{len(report.defects)} findings; {len(gating)} gating. "
            f"{e(', '.join(report.amendments) and 'amendments: ' + ', '.join(report.amendments))}</p>"
            f"<p><small>{e(json.dumps(report.stats, ensure_ascii=False))}</small></p>"
            + "".join(parts) + "</body></html>\n")


# ------------------------------------------------------------------------------ command


def _configuration(args: argparse.Namespace) -> list[str]:
    """The amendments applied, relative to the corpus directory (how the reviewed file names them)."""
    base = Path(args.dir).resolve()
    return sorted(os.path.relpath(Path(a).resolve(), base) for a in args.amendments)


def update_reviewed(path: Path, configuration: list[str], report: Report) -> dict[str, Any]:
    """Rewrite the report of one configuration (amendments applied) in the reviewed file, keeping every
    sentence already written for a finding that still occurs."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data.setdefault("about", "Reviewed findings of `lexgraph analyze` (docs/analysis.md). Each finding: what it means in "
                             "law, what a drafter does; `acknowledged` when the law itself carries it and no drafter "
                             "can fix it here (it then no longer gates). Regenerate with `lexgraph analyze DIR "
                             "[--with FILE] --update-reviewed` and review every TODO.")
    reports = data.setdefault("reports", [])
    previous = [e for r in reports for e in r.get("findings", [])]
    entry = next((r for r in reports if sorted(r.get("with", [])) == configuration), None)
    if entry is None:
        entry = {"name": "with " + ", ".join(configuration) if configuration else "in force", "with": configuration}
        reports.append(entry)
    entry["findings"] = reviewed_list(report, previous)
    path.write_text(dumps(data), encoding="utf-8")
    return data


def cmd_analyze(args: argparse.Namespace) -> int:
    from .cli import law_context, write_output

    reviewed = Path(args.dir) / REVIEWED_FILE
    source = args.acknowledged or (reviewed if reviewed.exists() and not args.no_reviewed else None)
    try:
        acknowledged = read_acknowledged(source) if source else {}
    except AcknowledgementError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    context = law_context(args, [args.dir])
    as_of = args.as_of or dt.date.today()
    report = analyze(context, as_of, args.timeout, acknowledged, structural=args.all)
    if args.update_reviewed:
        update_reviewed(reviewed, _configuration(args), report)
        print(f"updated {reviewed}", file=sys.stderr)
    if args.format == "json":
        out = dumps(report.to_json())
    elif args.format == "html":
        out = render_html(report, context)
    elif args.format == "reviewed":
        previous: list[dict[str, Any]] = []
        if reviewed.exists():
            try:
                stored = json.loads(reviewed.read_text(encoding="utf-8"))
                previous = [e for _n, e, _w in _reviewed_entries(reviewed, stored)]
            except (json.JSONDecodeError, AcknowledgementError) as error:
                print(f"error: {reviewed}: {error}", file=sys.stderr)
                return 1
        out = dumps({"with": _configuration(args), "findings": reviewed_list(report, previous)})
    else:
        out = render_text(report)
    write_output(out, args.output)
    if args.emit_tests:
        args.emit_tests.mkdir(parents=True, exist_ok=True)
        written = 0
        for f in report.findings:
            data = scenario(f, context, as_of, args.amendments, dict(args.parameters), args.emit_tests)
            if data is not None:
                (args.emit_tests / f"{f.id}.json").write_text(dumps(data), encoding="utf-8")
                written += 1
        print(f"wrote {written} scenario file(s) to {args.emit_tests}", file=sys.stderr)
    gating = report.gating
    if gating:
        print(f"{len(gating)} gating finding(s) (unresolved conflicts, undecidable outcomes): "
              + ", ".join(f.id for f in gating), file=sys.stderr)
        return 1
    return 0


def register(sub: Any) -> None:
    from .cli import _date, add_law_options

    p = sub.add_parser("analyze", help="static analysis of the law: conflicts, overlaps, masked and dead rules, gaps, dangling references")
    p.add_argument("dir", type=Path)
    add_law_options(p, law_flag=False)
    p.add_argument("--as-of", type=_date, help="the law in force that day (default: today)")
    p.add_argument("--format", choices=["text", "json", "html", "reviewed"], default="text",
                   help="reviewed: the findings in the reviewed-list format of DIR/findings.json")
    p.add_argument("--all", action="store_true",
                   help="also list structural relations: alternative, requirement, refusal_ground, closure")
    p.add_argument("--update-reviewed", action="store_true",
                   help="rewrite this configuration's findings in DIR/findings.json, keeping reviewed sentences")
    p.add_argument("--no-reviewed", action="store_true", help="ignore the acknowledgements in DIR/findings.json")
    p.add_argument("-o", "--output", type=Path)
    p.add_argument("--acknowledged", type=Path, metavar="FILE",
                   help="JSON list of {\"id\", \"reason\"}, or a reviewed file (default: DIR/findings.json)")
    p.add_argument("--emit-tests", type=Path, metavar="DIR", help="write each witness as a scenario file")
    p.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT_MS, metavar="MS", help="per solver query (default 2000)")
    p.set_defaults(func=cmd_analyze)


__all__ = ["Finding", "Report", "add_findings", "analyze", "read_acknowledged", "register", "t_and"]


def _not_at_hand(condition: str) -> bool:
    """A condition that is a standard not at hand (`not_at_hand("…")`): unknown by design, never a contradiction."""
    return condition.startswith("not_at_hand(") and condition.endswith(")")


def _on_the_date_only(condition: str) -> bool:
    """A condition that reads nothing but the decision's date (`decision_date < 2018-01-01`)."""
    return "decision_date" in condition and not re.search(r"[a-z_]+\.[a-z_]+", condition)
