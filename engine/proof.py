"""Stage 6 — proof: an Evaluation → a Decision (proof trees, missing facts, the advisory pathway).

The proof reads every outcome and every rule's applicability from the evaluation; it never decides
anything itself. Where it must look inside a condition (which part is unknown, which facts could
still change the outcome) it evaluates the sub-expression with a function the program's own code
generator compiled (`Program.function`), so the proof and the decision share one semantics.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import weakref
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from lexgraph import __version__

from . import model as m
from .check import calls, fact_paths
from .compile import NONE, point_value
from .evaluate import Evaluation, PermitPlan, Program, Tri, k_and, k_not, k_or
from .graph import conjuncts
from .trace import Cited, ConditionTrace, Decision, Effect, PathwayStep, PermitDecision, Provision, RuleProof

_LABEL = {True: "eligible", False: "ineligible", None: "undetermined"}
_CANCELLATION = {True: "cancelled", False: "not_cancelled", None: "undetermined"}


@lru_cache(maxsize=1)
def engine_identity() -> dict[str, str]:
    """What produced a decision besides the law: the engine's version and its grammar's digest."""
    grammar = resources.files("lexgraph.grammar").joinpath("lexgraph.lark").read_bytes()
    return {"version": __version__, "grammar": hashlib.sha256(grammar).hexdigest()[:16]}


_REFERENCES: weakref.WeakKeyDictionary[Program, tuple[tuple[Cited, ...], Mapping[str, Provision]]] = weakref.WeakKeyDictionary()


def references(program: Program) -> tuple[tuple[Cited, ...], Mapping[str, Provision]]:
    """Per program, once: each rule's provision by reference (in the numbering in force), and the table
    of the law's words for every rule — how it is cited and its verbatim text — that proofs read."""
    found = _REFERENCES.get(program)
    if found is None:
        found = _REFERENCES[program] = _references(program)
    return found


def _references(program: Program) -> tuple[tuple[Cited, ...], Mapping[str, Provision]]:
    law = program.law
    numbering = tuple(dict.fromkeys(op.amendment for op in program.numbering.inserts))
    cites: list[Cited] = []
    for cr in program.rules:
        rule = cr.rule
        c = program.numbering.cite_rule(rule, law.instruments)
        proposal = law.instruments[rule.instrument].kind == "amendment" and law.instruments[rule.instrument].status == "proposed"
        if c is None or (proposal and rule.source):
            cites.append(Cited(rule.instrument, source=rule.source))
        else:
            cites.append(Cited(c.instrument, c.article, c.paragraph, c.item,
                               numbering if any(op.instrument == c.instrument for op in program.numbering.inserts) else ()))
    provisions = {cr.rule.id: Provision(sheet.citation, sheet.text) for cr, sheet in zip(program.rules, program.sheets, strict=True)}
    return tuple(cites), MappingProxyType(provisions)


def build_decision(ev: Evaluation, requested: list[str] | None = None) -> Decision:
    """The one public entry point of this stage."""
    program = ev.program
    law = program.law
    builder = _ProofBuilder(ev)
    # statuses held whose cancellation is asked about; asked alone, nothing else is decided
    cancellations = list(dict.fromkeys(ev.application.get("cancellation_of") or ()))
    wanted = requested or ev.application.get("requested") or ([] if cancellations else sorted(law.permits))
    overrides = {k: v for k, v in law.parameter_values.items() if law.parameters[k].default != v}
    return Decision(
        application_id=str(ev.application.get("id", "")), as_of=ev.as_of.isoformat(), digest=law.digest,
        instruments=program.instruments,
        decisions=(*(builder.permit(p) for p in wanted), *(builder.cancellation(p) for p in cancellations)),
        amendments=law.applied_amendments, parameters=dict(sorted(overrides.items())),
        amendment_status={a: law.instruments[a].status for a in law.applied_amendments},
        engine=engine_identity(), defaults=_defaults(ev), origin=law.origin, provisions=builder.provisions,
    )


def _defaults(ev: Evaluation) -> dict[str, Any]:
    """The facts the application left out that were read at their documented procedural default."""
    out: dict[str, Any] = {}
    for fact in ev.program.defaulted_facts:
        node: Any = ev.application
        for part in fact.path.split("."):
            node = node.get(part, _ABSENT) if isinstance(node, dict) else node
            if node is _ABSENT or node is None:
                break  # absent here (defaulted) or null (there is none: not defaulted)
        if node is _ABSENT:
            out[fact.path] = json_value(ev.f.get(fact.path))
    return out


_ABSENT = object()


def json_value(v: Any) -> Any:
    if type(v) in _PLAIN:
        return v
    if v is NONE:
        return None
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, frozenset):
        return sorted(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


_PLAIN = frozenset({str, bool, int, type(None)})
_NOT_AT_HAND = "\0not_at_hand:"  # marks, among the supports of an unknown, a standard not at hand


def _range(lo: Any, hi: Any) -> Any:
    return lo if lo == hi else {"min": lo, "max": hi}


class _ProofBuilder:
    def __init__(self, ev: Evaluation):
        self.ev = ev
        self.p: Program = ev.program
        self.f, self.o, self.c, self.pt = ev.f, ev.o, ev.c, ev.pt
        self.applies = ev.applies
        self.trace = ev.trace
        self.law = ev.program.law
        self.sheets = ev.program.sheets
        self.cites, self.provisions = references(ev.program)
        self._permits: dict[str, PermitDecision] = {}
        self._proofs: dict[tuple[int, Effect, int], RuleProof] = {}
        self._support: dict[tuple[str, str], list[str]] = {}

    # ------------------------------------------------------------------ reading the evaluation
    def truth(self, expr: m.Expr) -> Tri:
        """A condition's truth value on this application, by the program's own compiled semantics."""
        truth: Tri = self.p.function(expr)(self.f, self.o, self.c, self.pt)
        return truth

    def parts(self, i: int) -> tuple[tuple[Tri, ...], tuple[Tri, ...], Tri]:
        """A rule's condition values, exception values and (a requirement) what it demands."""
        cr = self.p.rules[i]
        if self.trace is not None and i in self.trace:
            conds, unless = self.trace[i]
            demanded = self.trace.get(-1 - i)
            demands = demanded[0] if demanded is not None else (self.truth(cr.demands) if cr.demands is not None else None)
            return conds, unless, demands
        return (tuple(self.truth(x) for x in conjuncts(cr.rule.when)), tuple(self.truth(u) for u in cr.rule.unless),
                self.truth(cr.demands) if cr.demands is not None else None)

    def scope(self, i: int) -> Tri:
        """Whether a rule binds this application: its conditions hold and no exception does."""
        conds, unless, _ = self.parts(i)
        return k_and((*conds, *(k_not(u) for u in unless)))

    def _facts(self, paths: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for path in paths:
            if path.startswith("points("):
                name = path[7:-1]
                lo, hi = self.pt[name]
                table = self.law.points[name]
                out[path] = {"total": _range(lo, hi), "by_factor": {
                    fa.name: _range(a, b) for fa, (a, b) in zip(table.factors, self.pt["#" + name], strict=True)}}
            else:
                out[path] = json_value(self.f.get(path))
        return out

    # ------------------------------------------------------------------ rule proofs
    def rule_proof(self, i: int, effect: Effect, depth: int = 0) -> RuleProof:
        """A rule's proof (immutable, so shared wherever it recurs)."""
        key = (i, effect, depth)
        if key not in self._proofs:
            self._proofs[key] = self._rule_proof(i, effect, depth)
        return self._proofs[key]

    def _rule_proof(self, i: int, effect: Effect, depth: int) -> RuleProof:
        cr = self.p.rules[i]
        sheet = self.sheets[i]
        rule = cr.rule
        cond_values, unless_values, demands = self.parts(i)
        conditions = tuple(ConditionTrace(t, v, self._facts(fp)) for t, v, fp in
                           zip(cr.condition_texts, cond_values, cr.condition_facts, strict=True))
        exceptions = tuple(ConditionTrace(t, v, self._facts(fp)) for t, v, fp in
                           zip(cr.exception_texts, unless_values, cr.exception_facts, strict=True))
        applies = self.applies[i]
        satisfied: Tri = None
        if cr.demands is not None:
            conditions += (ConditionTrace(cr.demands_text, demands, self._facts(cr.demands_facts)),)
            satisfied = demands
            applies = self.scope(i)  # a requirement applies when it binds this application, whatever it demands
        because: list[RuleProof] = []
        if depth < 3:
            for name in cr.reads_conditions:
                for j in self.p.condition_rules.get(name, []):
                    # the rules that may make it hold; when it fails, every rule shows why
                    if self.applies[j] is not False or self.c.get(name) is False:
                        because.append(self.rule_proof(j, Effect("condition", name, self.c.get(name)), depth + 1))
            for permit in cr.reads_permits:
                because.extend(self.permit(permit).grounds[:3])
        return RuleProof(
            rule=rule.id, cites=self.cites[i], status=sheet.status,
            effect=effect, applies=applies, stands=applies,
            conditions=conditions, exceptions=exceptions, because=tuple(because),
            note=rule.note, source=rule.source, gloss=rule.gloss, role=cr.role, satisfied=satisfied,
            provisions=self.provisions)

    def _effect(self, i: int, permit: str) -> Effect:
        cr = self.p.rules[i]
        if cr.role == "requirement":
            return Effect("requirement", permit, self.parts(i)[2], cr.demands_text)
        return Effect(cr.role, permit)

    def _weighed(self, plan: PermitPlan, i: int) -> RuleProof:
        """A contender's proof, with what prevails over it: set aside only by a rule that applies;
        where that rule's applicability is unknown, the proof says it waits for it."""
        proof = self.rule_proof(i, self._effect(i, plan.permit))
        beaten = plan.beaten_by.get(i, [])
        winner = next(((j, pr) for j, pr in beaten if self.applies[j] is True), None)
        if winner is not None:
            j, principle = winner
            return proof._replace(stands=False if proof.applies is not None else None,
                                  overridden_by=self.p.rules[j].rule.id, prevails_by=principle)
        pending = next(((j, pr) for j, pr in beaten if self.applies[j] is None), None)
        if pending is not None and proof.applies is not False:
            j, principle = pending
            return proof._replace(stands=None, waits_for=self.p.rules[j].rule.id, prevails_by=principle)
        return proof

    def _sanction(self, plan: PermitPlan, failing: list[int], stands: dict[int, Tri]) -> list[RuleProof]:
        """The refusal ground the law gives for unsubmitted materials, beside each unmet document requirement."""
        docs = [i for i in failing if self.p.rules[i].document]
        if not docs:
            return []
        held = json_value(self.f.get("holds"))
        out = []
        standing = k_or(stands[i] for i in docs)
        for s in plan.sanctions:
            sheet = self.sheets[s]
            rule = self.p.rules[s].rule
            out.append(RuleProof(
                rule=rule.id, cites=self.cites[s], status=sheet.status,
                effect=Effect("sanction", plan.permit), applies=standing, stands=standing,
                conditions=tuple(ConditionTrace(f"not {self.p.rules[i].demands_text}", k_not(self.parts(i)[2]), {"holds": held})
                                 for i in docs),
                because=tuple(self._weighed(plan, i) for i in docs),
                note=rule.note, source=rule.source, gloss=rule.gloss, role="refusal_ground", provisions=self.provisions))
        return out

    # ------------------------------------------------------------------ permits
    def permit(self, permit: str) -> PermitDecision:
        if permit in self._permits:
            return self._permits[permit]
        plan = self.p.plans.get(permit)
        if plan is None:
            return PermitDecision(permit, "undetermined", detail={"note": "unknown permit"})
        outcome = self.o[permit]  # read from the evaluation, never recomputed
        stands = {i: self.p.stands(plan, i, self.applies) for i in plan.grants + plan.restricts}
        requirement = [i for i in plan.restricts if self.p.rules[i].role == "requirement"]
        grounds: list[RuleProof] = []
        unmet: list[RuleProof] = []
        detail: dict[str, Any] = {}
        if outcome is True:
            grounds = [self._weighed(plan, i) for i in plan.grants if stands[i] is True]
            # every requirement that binds this application, met (or set aside by an explicit clause)
            grounds += [self._weighed(plan, i) for i in requirement if self.scope(i) is True]
            grounds += [self._weighed(plan, i) for i in plan.restricts
                        if i not in requirement and self.applies[i] is not False]
        elif outcome is False:
            failing = [i for i in plan.restricts if stands[i] is True]
            grounds = [self._weighed(plan, i) for i in failing] + self._sanction(plan, failing, stands)
            closure = [self._weighed(plan, i) for i in plan.grants]
            if failing:
                unmet = closure
            else:
                # refused because no ground of grant applies: the grants' unmet conditions are the grounds
                grounds = [g._replace(effect=Effect("closure", permit)) for g in closure]
            if not plan.grants:
                detail["note"] = "no provision in force on this date grants this permit"
        else:
            open_ = [i for i in plan.restricts if stands[i] is not False]
            # a grant that stands waits only for what is open
            grounds = [self._weighed(plan, i) for i in plan.grants if stands[i] is True]
            grounds += [self._weighed(plan, i) for i in open_] + self._sanction(plan, [i for i in open_ if stands[i] is None], stands)
            unmet = [self._weighed(plan, i) for i in plan.grants if stands[i] is not True]
        conflicts = [(i, j) for i in plan.grants for j in plan.restricts
                     if self.p.rules[j].role == "contrary" and stands[i] is True and stands[j] is True]
        if conflicts:
            detail["unresolved_conflicts"] = sorted({f"{self.p.rules[i].rule.id} ⟷ {self.p.rules[j].rule.id}" for i, j in conflicts})
        detail.update(self._values(plan))
        obligations = [self._obligation(i) for i in plan.obligations if self.applies[i] is True]
        if obligations:
            detail["obligations"] = obligations
        support = set(self.permit_support(permit)) if outcome is None else set()
        missing = tuple(sorted(s for s in support if not s.startswith(_NOT_AT_HAND)))
        if any(s.startswith(_NOT_AT_HAND) for s in support):  # what the outcome waits for that no fact can supply
            detail["not_at_hand"] = sorted(s[len(_NOT_AT_HAND):] for s in support if s.startswith(_NOT_AT_HAND))
        decision = PermitDecision(permit, _LABEL[outcome], tuple(grounds), tuple(unmet), missing, detail,
                                  self.pathway(plan) if outcome is not True else ())
        self._permits[permit] = decision
        return decision

    def cancellation(self, permit: str) -> PermitDecision:
        """Whether a status the foreigner holds is cancelled (法 第四十九条): the grounds that stand; when
        none can, every ground examined; otherwise the open grounds and the facts they wait for."""
        indices = self.p.cancellation_grounds.get(permit, [])
        outcome = self.ev.cancelled(permit)  # read from the evaluation, never recomputed
        if outcome is True:
            grounds = [self.rule_proof(i, Effect("cancels", permit)) for i in indices if self.applies[i] is True]
        elif outcome is False:
            grounds = [self.rule_proof(i, Effect("not_made_out", permit)) for i in indices]
        else:
            grounds = [self.rule_proof(i, Effect("cancels", permit)) for i in indices if self.applies[i] is None]
        detail: dict[str, Any] = {} if indices else {"note": "no provision in force on this date cancels this status"}
        support = {s for i in indices if self.applies[i] is None for s in self.rule_support(i)} if outcome is None else set()
        if any(s.startswith(_NOT_AT_HAND) for s in support):
            detail["not_at_hand"] = sorted(s[len(_NOT_AT_HAND):] for s in support if s.startswith(_NOT_AT_HAND))
        return PermitDecision(permit, _CANCELLATION[outcome], tuple(grounds), (),
                              tuple(sorted(s for s in support if not s.startswith(_NOT_AT_HAND))), detail, kind="cancellation")

    def _values(self, plan: PermitPlan) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for attr, indices in sorted(plan.values.items()):
            standing = [i for i in indices if self.p.stands(plan, i, self.applies) is True]
            if not standing:
                continue
            cr = self.p.rules[standing[0]]
            expr = next(c.expr for c in cr.rule.conclusions if c.kind == "value" and c.name == attr)
            if isinstance(expr, m.Call) and expr.name == "points":
                name = expr.args[0].dotted  # type: ignore[attr-defined]
                summary = self._facts((f"points({name})",))[f"points({name})"]
                out[attr] = summary["total"]
                out[attr + "_by_factor"] = summary["by_factor"]
            else:
                value = self._value(expr)
                if value is not None:
                    out[attr] = json_value(value)
            out.setdefault("grounds_of_values", {})[attr] = cr.rule.id
        return out

    def _value(self, expr: m.Expr | None) -> Any:
        if expr is None:
            return None
        return point_value(self.p.function(expr, "value")(self.f, self.o, self.c, self.pt))

    def _obligation(self, i: int) -> dict[str, Any]:
        cr = self.p.rules[i]
        c = next(cn for cn in cr.rule.conclusions if cn.kind == "obligation")
        return {"duty": c.name, "deadline": json_value(self._value(c.expr)), "rule": cr.rule.id}  # cited by the renderers

    # ------------------------------------------------------------------ the advisory pathway
    def pathway(self, plan: PermitPlan) -> tuple[PathwayStep, ...]:
        """Documents the permit's requirements ask for that the applicant does not hold (or may not),
        each after the documents its own issue requires: what to obtain, in what order, from whom."""
        steps: dict[str, PathwayStep] = {}
        held = self.f.get("holds")

        def visit(p: PermitPlan, trail: frozenset[str]) -> None:
            for i in p.restricts:
                cr = self.p.rules[i]
                if not cr.document or cr.document in steps or (isinstance(held, frozenset) and cr.document in held):
                    continue
                if self.scope(i) is not True:
                    continue  # the requirement does not bind this application (or may not: see missing facts)
                issuer = self.law.issuer_of(cr.document)
                if issuer and issuer not in trail:
                    visit(self.p.plans[issuer], trail | {issuer})
                grants = self.p.plans[issuer].grants if issuer else []
                steps[cr.document] = PathwayStep(
                    cr.document, self.law.documents[cr.document].title_zh, issuer or "",
                    self.law.permits[issuer].authority if issuer else self.law.documents[cr.document].authority,
                    _LABEL[self.o.get(issuer)] if issuer else "",
                    tuple(self.p.rules[g].rule.id for g in grants))

        visit(plan, frozenset({plan.permit}))
        return tuple(steps.values())

    # ------------------------------------------------------------------ missing facts
    def permit_support(self, permit: str) -> list[str]:
        """The unknown facts that can still change an undetermined permit's outcome: the dependency
        closure through its contenders, the conditions and permits they read, derived facts and
        points tables — never the facts of a part already decided."""
        return self._memo("permit", permit, lambda: self._permit_support(permit))

    def _memo(self, kind: str, name: str, compute: Any) -> list[str]:
        key = (kind, name)
        if key not in self._support:
            self._support[key] = []  # re-entry (impossible in a checked law) adds nothing
            self._support[key] = compute()
        return self._support[key]

    def _permit_support(self, permit: str) -> list[str]:
        plan = self.p.plans[permit]
        if self.o.get(permit) is not None:
            return []
        stands = {i: self.p.stands(plan, i, self.applies) for i in plan.grants + plan.restricts}
        granted = k_or(stands[i] for i in plan.grants)
        relevant = [i for i in plan.grants if granted is None and stands[i] is None]
        relevant += [i for i in plan.restricts if stands[i] is None]
        out: list[str] = []
        for i in relevant:
            if self.applies[i] is None:
                out += self.rule_support(i)
            for j, _ in plan.beaten_by.get(i, ()):
                if self.applies[j] is None:
                    out += self.rule_support(j)
        return out

    def rule_support(self, i: int) -> list[str]:
        cr = self.p.rules[i]
        parts = [*conjuncts(cr.rule.when), *(m.Not(u) for u in cr.rule.unless)]
        if cr.demands is not None:
            parts.append(m.Not(cr.demands))
        return self._memo("rule", str(i), lambda: [x for e in parts for x in self.support(e)])

    def support(self, e: m.Expr) -> list[str]:
        """The unknown facts behind an unknown condition (nothing for a known one)."""
        if self.truth(e) is not None:
            return []
        if isinstance(e, m.And | m.Or):
            return [x for o in e.operands for x in self.support(o)]
        if isinstance(e, m.Not):
            return self.support(e.operand)
        if isinstance(e, m.Call) and e.name == "not_at_hand":
            return [_NOT_AT_HAND + str(e.args[0].value)]  # type: ignore[attr-defined]
        if isinstance(e, m.Call) and e.args and isinstance(e.args[0], m.Path):
            name = e.args[0].dotted
            if e.name == "met":
                return self._memo("condition", name, lambda: [
                    x for j in self.p.condition_rules.get(name, []) if self.applies[j] is None for x in self.rule_support(j)])
            if e.name in ("eligible", "ineligible"):
                return self.permit_support(name)
        return self._leaf_support(e)

    def _leaf_support(self, e: m.Expr) -> list[str]:
        out: list[str] = []
        for path in fact_paths(e):
            out += self._fact_support(path)
        for call in calls(e):
            name = call.args[0].dotted if call.args and isinstance(call.args[0], m.Path) else ""
            if call.name == "points":
                lo_hi = self.pt["#" + name]
                for factor, (lo, hi) in zip(self.law.points[name].factors, lo_hi, strict=True):
                    if lo != hi:
                        for band in factor.bands:
                            for path in fact_paths(band.when) + fact_paths(band.value):
                                out += self._fact_support(path)
            elif call.name == "met":
                out += self.support(call)
            elif call.name in ("eligible", "ineligible"):
                out += self.permit_support(name)
        return out

    def _fact_support(self, path: str) -> list[str]:
        if path.startswith("params.") or path == "decision_date" or self.f.get(path) is not None:
            return []
        sources = self.p.derived_sources.get(path)
        if sources is None:
            return [path] if path in self.law.facts else []
        # a derived fact: its unknown sources; if all are known (a division by zero), all of them
        return [s for s in sources if self.f.get(s) is None] or list(sources)
