"""Stage 5 — evaluate: RuleGraph + application facts + Tracer → Decision.

A `Program` is the law compiled for one date: the rules in force, their conditions as Python
functions, and the order in which permits and named conditions are settled. Programs are
cached per (law digest, date's set of instruments in force).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from . import model as m
from .check import Law, expression_typer, fact_paths
from .compile import NONE, RUNTIME, ExprCompiler, point_value
from .graph import PRINCIPLE_ZH, RuleGraph, conjuncts
from .trace import ConditionTrace, Decision, NullTracer, PermitDecision, ProofTracer, RuleProof, Tracer

Tri = bool | None

_ZH_DIGITS = "零一二三四五六七八九"


def zh_number(n: int) -> str:
    """Chinese numerals as statutes write them (第九十三条, 第一百零一条)."""
    if n < 10:
        return _ZH_DIGITS[n]
    if n < 20:
        return "十" + (_ZH_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _ZH_DIGITS[n // 10] + "十" + (_ZH_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _ZH_DIGITS[rest] if rest < 10 else ("一" + zh_number(rest) if rest < 20 else zh_number(rest)))
    return _ZH_DIGITS[n // 100] + "百" + tail


def render_citation(law: Law, rule: m.Rule) -> str:
    inst = law.instruments[rule.instrument]
    c = rule.citation
    if c is None:
        return f"{inst.title_zh}（条文未收录；依据：{rule.source}）"
    out = f"{inst.title_zh} 第{zh_number(c.article)}条"
    if c.paragraph:
        out += f"第{zh_number(c.paragraph)}款"
    if c.item:
        out += f"第{zh_number(c.item)}项"
    return out


def cited_text(law: Law, citation: m.Citation | None) -> str:
    """The verbatim text of the cited provision (an item, a paragraph's lead, or a whole article)."""
    if citation is None:
        return ""
    article = law.articles.get((citation.instrument, citation.article))
    if article is None:
        return ""
    if not citation.paragraph:
        return article.full_text()
    para = next((p for p in article.paragraphs if p.number == citation.paragraph), None)
    if para is None:
        return ""
    if citation.item:
        item = next((i for i in para.items if i.number == citation.item), None)
        return item.text if item else ""
    return para.text or "".join(i.text for i in para.items)


def source_slice(law: Law, span: Any) -> str:
    text = next((s.text for s in law.sources if s.path == span.path), "")
    lines = text.splitlines()
    if not lines or span.line <= 0:
        return ""
    chunk = lines[span.line - 1:span.end_line]
    if len(chunk) == 1:
        chunk[0] = chunk[0][span.column - 1:span.end_column - 1]
    else:
        chunk[0] = chunk[0][span.column - 1:]
        chunk[-1] = chunk[-1][:span.end_column - 1]
    return re.sub(r"\s+", " ", " ".join(chunk)).strip().rstrip(",")


def k_and(values: Iterable[Tri]) -> Tri:
    out: Tri = True
    for v in values:
        if v is False:
            return False
        if v is None:
            out = None
    return out


def k_or(values: Iterable[Tri]) -> Tri:
    out: Tri = False
    for v in values:
        if v is True:
            return True
        if v is None:
            out = None
    return out


def k_not(v: Tri) -> Tri:
    return None if v is None else not v


# ------------------------------------------------------------------------- facts


def _convert(kind: str) -> Callable[[Any], Any]:
    if kind == "date":
        return lambda v: dt.date.fromisoformat(v) if isinstance(v, str) else None
    if kind == "set":
        return lambda v: frozenset(v) if isinstance(v, list) else None
    if kind == "object":
        return lambda v: True if isinstance(v, dict) else None
    return lambda v: v


@dataclass(frozen=True)
class CompiledRule:
    index: int
    rule: m.Rule
    fast: Callable[..., Tri]  # applicability: when ∧ ¬unless…
    traced: Callable[..., tuple[tuple[Tri, ...], tuple[Tri, ...]]]
    available: Callable[..., Tri] | None  # for `requires`: is the document available?
    condition_texts: tuple[str, ...]
    condition_facts: tuple[tuple[str, ...], ...]
    exception_texts: tuple[str, ...]
    exception_facts: tuple[tuple[str, ...], ...]
    reads_conditions: tuple[str, ...]
    reads_permits: tuple[str, ...]


@dataclass
class PermitPlan:
    permit: str
    grants: list[int]
    restricts: list[int]
    beaten_by: dict[int, list[tuple[int, str]]]  # rule → (rule that prevails over it, principle)
    values: dict[str, list[int]]
    obligations: list[int]


class Program:
    """The law in force on one date, compiled."""

    def __init__(self, law: Law, graph: RuleGraph, as_of: dt.date):
        self.law = law
        self.graph = graph
        self.as_of = as_of
        self.instruments = tuple(law.instruments_in_force(as_of))
        active = set(self.instruments)
        self.rules_in_force = [r for r in sorted(law.rules.values(), key=lambda r: r.id) if r.instrument in active]
        type_of = expression_typer(law)
        issuers = {d: p.id for p in law.permits.values() for d in p.issues}
        derived = {d.name: d for d in law.derived}
        self.compiler = ExprCompiler(type_of, law.facts, derived, law.parameter_values, issuers)
        self.derived_sources = self._derived_sources(derived)
        self._compile(law, derived)
        self._plan()

    # ------------------------------------------------------------- compilation
    def _derived_sources(self, derived: dict[str, m.Derived]) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for d in derived.values():
            paths: list[str] = []
            for p in fact_paths(d.expr):
                paths.extend(out.get(p, (p,)))
            out[d.name] = tuple(p for p in dict.fromkeys(paths) if p != "decision_date")
        return out

    def _compile(self, law: Law, derived: dict[str, m.Derived]) -> None:
        cc = self.compiler
        lines: list[str] = []
        # facts: one flattening function over the contract's JSON
        self.fact_specs = [(f.path, tuple(f.path.split(".")), _convert(f.type.kind)) for f in law.facts.values()]
        for i, d in enumerate(law.derived):
            lines.append(f"def D{i}(f):\n    return {cc.value(d.expr)}")
        for table in law.points.values():
            body = []
            for factor in table.factors:
                bands = ", ".join(f"({cc.cond(b.when)}, {cc.value(b.value)})" for b in factor.bands)
                body.append(f"({factor.cap}, ({bands},))")
            lines.append(f"def P_{table.name}(f, o, c, pt):\n    return ({', '.join(body)}{',' if body else ''})")
        compiled: list[CompiledRule] = []
        for index, rule in enumerate(self.rules_in_force):
            conds = conjuncts(rule.when)
            whole = m.And((*conds, *(m.Not(u) for u in rule.unless))) if (conds or rule.unless) else m.Lit(True)
            lines.append(f"def F{index}(f, o, c, pt):\n    return {cc.cond(whole)}")
            cond_code = ", ".join(cc.cond(x) for x in conds)
            unless_code = ", ".join(cc.cond(x) for x in rule.unless)
            lines.append(f"def T{index}(f, o, c, pt):\n    return (({cond_code}{',' if conds else ''}), ({unless_code}{',' if rule.unless else ''}))")
            doc = next((cn.name for cn in rule.conclusions if cn.kind == "requires"), "")
            if doc:
                lines.append(f"def A{index}(f, o, c, pt):\n    return {cc.call_cond(m.Call('available', (m.Path((doc,)),)))}")
        namespace: dict[str, Any] = dict(RUNTIME)
        source = "\n".join(lines) + "\n"
        namespace.update(cc.constants)
        exec(compile(source, f"<lexgraph program {self.as_of}>", "exec"), namespace)  # noqa: S102 - our own generated code
        self.derived_fns = [(d.name, namespace[f"D{i}"]) for i, d in enumerate(law.derived)]
        self.points_fns = {t.name: namespace[f"P_{t.name}"] for t in law.points.values()}
        for index, rule in enumerate(self.rules_in_force):
            conds = conjuncts(rule.when)
            exprs = [e for e in [rule.when, *rule.unless] if e]
            reads_c = tuple(dict.fromkeys(x.args[0].dotted for e in exprs for x in _calls(e) if x.name == "met"))  # type: ignore[attr-defined]
            reads_p = tuple(dict.fromkeys(x.args[0].dotted for e in exprs for x in _calls(e) if x.name in ("eligible", "ineligible")))  # type: ignore[attr-defined]
            compiled.append(CompiledRule(
                index, rule, namespace[f"F{index}"], namespace[f"T{index}"], namespace.get(f"A{index}"),
                tuple(source_slice(law, x.span) for x in conds), tuple(tuple(fact_paths(x)) for x in conds),
                tuple(source_slice(law, x.span) for x in rule.unless), tuple(tuple(fact_paths(x)) for x in rule.unless),
                reads_c, reads_p))
        self.rules = compiled
        self.source = source

    def _plan(self) -> None:
        by_id = {cr.rule.id: cr.index for cr in self.rules}
        self.plans: dict[str, PermitPlan] = {p: PermitPlan(p, [], [], {}, {}, []) for p in self.law.permits}
        self.condition_rules: dict[str, list[int]] = {name: [] for name in self.law.conditions}
        for cr in self.rules:
            for c in cr.rule.conclusions:
                if c.kind == "condition":
                    self.condition_rules[c.name].append(cr.index)
                for p in c.permits:
                    plan = self.plans[p]
                    if c.kind == "eligible":
                        plan.grants.append(cr.index)
                    elif c.kind in ("ineligible", "requires"):
                        plan.restricts.append(cr.index)
                    elif c.kind == "value":
                        plan.values.setdefault(c.name, []).append(cr.index)
                    elif c.kind == "obligation":
                        plan.obligations.append(cr.index)
        for plan in self.plans.values():
            contenders = plan.grants + plan.restricts
            for i in contenders:
                side = i in plan.grants
                plan.beaten_by[i] = []
                for j in contenders:
                    if (j in plan.grants) != side:
                        p = self.graph.prevails(self.rules[j].rule.id, self.rules[i].rule.id)
                        if p:
                            plan.beaten_by[i].append((j, p.principle))
            for indices in plan.values.values():
                for i in indices:
                    plan.beaten_by.setdefault(i, [])
                    for j in indices:
                        p = self.graph.prevails(self.rules[j].rule.id, self.rules[i].rule.id) if i != j else None
                        if p:
                            plan.beaten_by[i].append((j, p.principle))
        # settle named conditions and permits in dependency order
        deps = nx.DiGraph()
        for name in self.condition_rules:
            deps.add_node(("condition", name))
        for p in self.plans:
            deps.add_node(("permit", p))
        issuers = {d: p.id for p in self.law.permits.values() for d in p.issues}
        for cr in self.rules:
            targets = [("condition", c.name) if c.kind == "condition" else ("permit", p)
                       for c in cr.rule.conclusions for p in (c.permits or ("",)) if c.kind == "condition" or p]
            sources = [("condition", n) for n in cr.reads_conditions] + [("permit", n) for n in cr.reads_permits]
            for c in cr.rule.conclusions:
                if c.kind == "requires" and c.name in issuers:
                    sources.append(("permit", issuers[c.name]))
            for e in [cr.rule.when, *cr.rule.unless, *(c.expr for c in cr.rule.conclusions)]:
                if e is not None:
                    sources += [("permit", issuers[x.args[0].dotted]) for x in _calls(e)  # type: ignore[attr-defined]
                                if x.name == "available" and x.args[0].dotted in issuers]  # type: ignore[attr-defined]
            for t in targets:
                for s in sources:
                    if s != t:
                        deps.add_edge(s, t)
        self.order = list(nx.lexicographical_topological_sort(deps))
        _ = by_id

    # ------------------------------------------------------------- facts
    def facts(self, application: dict[str, Any]) -> dict[str, Any]:
        f: dict[str, Any] = {}
        for path, parts, convert in self.fact_specs:
            node: Any = application
            for part in parts:
                if node is None:
                    node = NONE
                    break
                if not isinstance(node, dict) or part not in node:
                    node = _ABSENT
                    break
                node = node[part]
            if node is NONE:
                f[path] = NONE
            elif node is not _ABSENT and node is not None:
                value = convert(node)
                if value is not None:
                    f[path] = value
            elif node is None and len(parts) == 1:
                f[path] = NONE  # the object itself is explicitly null
        for name, fn in self.derived_fns:
            value = fn(f)
            if value is not None:
                f[name] = value
        return f

    # ------------------------------------------------------------- evaluation
    def run(self, application: dict[str, Any], tracer: Tracer | None = None) -> tuple[dict[str, Any], dict[str, Tri], dict[str, Tri], dict[str, Any], dict[int, Tri]]:
        tracer = tracer or NullTracer()
        f = self.facts(application)
        o: dict[str, Tri] = {}
        c: dict[str, Tri] = {}
        pt: dict[str, Any] = {}
        applies: dict[int, Tri] = {}
        for name, fn in self.points_fns.items():
            lo, hi, per_factor = _points_range(fn(f, o, c, pt))
            pt[name] = (lo, hi)
            pt["#" + name] = per_factor
        rules = self.rules
        traced = tracer.enabled
        for kind, name in self.order:
            indices = self.condition_rules[name] if kind == "condition" else None
            if indices is None:
                plan = self.plans[name]
                indices = plan.grants + plan.restricts
            for i in indices:
                cr = rules[i]
                if traced:
                    values = cr.traced(f, o, c, pt)
                    tracer.rule(i, values)
                    a = k_and((*values[0], *(k_not(u) for u in values[1])))
                else:
                    a = cr.fast(f, o, c, pt)
                if cr.available is not None and a is not False:
                    avail = cr.available(f, o, c, pt)
                    if traced:
                        tracer.rule(-1 - i, (avail,))
                    a = k_and((a, k_not(avail)))
                applies[i] = a
            if kind == "condition":
                c[name] = k_or(applies[i] for i in indices)
            else:
                o[name] = self._outcome(self.plans[name], applies)[0]
        return f, o, c, pt, applies

    def _stands(self, plan: PermitPlan, i: int, applies: dict[int, Tri]) -> Tri:
        return k_and((applies[i], *(k_not(applies[j]) for j, _ in plan.beaten_by.get(i, ()))))

    def _outcome(self, plan: PermitPlan, applies: dict[int, Tri]) -> tuple[Tri, Tri, Tri]:
        granted = k_or(self._stands(plan, i, applies) for i in plan.grants)
        restricted = k_or(self._stands(plan, i, applies) for i in plan.restricts)
        if restricted is True or granted is False:
            return False, granted, restricted
        if granted is True and restricted is False:
            return True, granted, restricted
        return None, granted, restricted


_ABSENT = object()


def _calls(e: m.Expr) -> list[m.Call]:
    from .check import children

    out: list[m.Call] = []
    if isinstance(e, m.Call):
        out.append(e)
        for a in e.args:
            out += _calls(a)
    for ch in children(e):
        out += _calls(ch)
    return out


def _points_range(factors: tuple[Any, ...]) -> tuple[Any, ...]:
    lo_total = hi_total = 0
    per_factor = []
    for cap, bands in factors:
        lo = hi = 0
        for holds, value in bands:
            if holds is False:
                continue
            v = value if isinstance(value, int | float) and value is not NONE else None
            if holds is True and v is not None:
                lo = max(lo, v)
            hi = max(hi, cap if v is None else v)
        lo, hi = min(lo, cap), min(hi, cap)
        per_factor.append((lo, hi))
        lo_total += lo
        hi_total += hi
    return (lo_total, hi_total, tuple(per_factor))


# ----------------------------------------------------------------------------- decisions


class Evaluator:
    """Decides applications against one Law; compiles a Program per set of instruments in force."""

    def __init__(self, law: Law, graph: RuleGraph):
        self.law = law
        self.graph = graph
        self._programs: dict[tuple[str, ...], Program] = {}

    def program(self, as_of: dt.date) -> Program:
        key = tuple(self.law.instruments_in_force(as_of))
        if key not in self._programs:
            self._programs[key] = Program(self.law, self.graph, as_of)
        return self._programs[key]

    def outcomes(self, application: dict[str, Any], as_of: dt.date | None = None) -> dict[str, Tri]:
        """The untraced path: permit → True (eligible) / False (ineligible) / None (undetermined)."""
        day = as_of or dt.date.fromisoformat(application["decision_date"])
        return self.program(day).run(application)[1]

    def decide(self, application: dict[str, Any], as_of: dt.date | None = None, trace: bool = True) -> Decision:
        day = as_of or dt.date.fromisoformat(application["decision_date"])
        program = self.program(day)
        tracer = ProofTracer() if trace else NullTracer()
        f, o, c, pt, applies = program.run(application, tracer)
        builder = _ProofBuilder(program, f, o, c, pt, applies, tracer if isinstance(tracer, ProofTracer) else None)
        requested = application.get("requested") or sorted(self.law.permits)
        decisions = tuple(builder.permit(p) for p in requested)
        overrides = {k: v for k, v in self.law.parameter_values.items() if self.law.parameters[k].default != v}
        return Decision(
            application_id=str(application.get("id", "")), as_of=day.isoformat(), digest=self.law.digest,
            instruments=program.instruments, decisions=decisions, amendments=self.law.applied_amendments,
            parameters=dict(sorted(overrides.items())),
        )


def _json_value(v: Any) -> Any:
    if v is NONE:
        return None
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, frozenset):
        return sorted(v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


class _ProofBuilder:
    def __init__(self, program: Program, f: dict[str, Any], o: dict[str, Tri], c: dict[str, Tri],
                 pt: dict[str, Any], applies: dict[int, Tri], tracer: ProofTracer | None):
        self.p, self.f, self.o, self.c, self.pt, self.applies = program, f, o, c, pt, applies
        self.tracer = tracer
        self.law = program.law
        self._permit_cache: dict[str, PermitDecision] = {}

    def _facts(self, paths: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for path in paths:
            if path == "holds" or path in self.law.facts or path in self.p.derived_sources or path == "decision_date":
                v = self.f.get(path)
                out[path] = _json_value(v)
        return out

    def _missing(self, paths: Iterable[str]) -> list[str]:
        out = []
        for path in paths:
            for source in self.p.derived_sources.get(path, (path,)):
                if source in self.law.facts and self.f.get(source) is None:
                    out.append(source)
        return out

    def rule_proof(self, i: int, effect: str, depth: int = 0) -> tuple[RuleProof, list[str]]:
        cr = self.p.rules[i]
        rule = cr.rule
        missing: list[str] = []
        conditions: tuple[ConditionTrace, ...] = ()
        exceptions: tuple[ConditionTrace, ...] = ()
        because: list[RuleProof] = []
        if self.tracer is not None and i in self.tracer.values:
            cond_values, unless_values = self.tracer.values[i]
            conditions = tuple(ConditionTrace(t, v, self._facts(fp)) for t, v, fp in
                               zip(cr.condition_texts, cond_values, cr.condition_facts, strict=True))
            exceptions = tuple(ConditionTrace(t, v, self._facts(fp)) for t, v, fp in
                               zip(cr.exception_texts, unless_values, cr.exception_facts, strict=True))
            avail = self.tracer.values.get(-1 - i)
            if avail is not None:
                doc = next(cn.name for cn in rule.conclusions if cn.kind == "requires")
                conditions += (ConditionTrace(f"not available({doc})", k_not(avail[0]), {"holds": _json_value(self.f.get("holds"))}),)
            for trace, fp in [*zip(conditions, cr.condition_facts, strict=False), *zip(exceptions, cr.exception_facts, strict=True)]:
                if trace.holds is None:
                    missing += self._missing(fp)
            if depth < 3:
                for name in cr.reads_conditions:
                    for j in self.p.condition_rules.get(name, []):
                        if self.applies.get(j) is not False or len(self.p.condition_rules[name]) == 1:
                            sub, sub_missing = self.rule_proof(j, f"condition {name}: {_tri(self.c.get(name))}", depth + 1)
                            because.append(sub)
                            if self.c.get(name) is None:
                                missing += sub_missing
                for permit in cr.reads_permits:
                    decided = self.permit(permit)
                    because.extend(decided.grounds[:3])
                    if decided.outcome == "undetermined":
                        missing += list(decided.missing_facts)
        status = self.law.instruments[rule.instrument].status
        proof = RuleProof(
            rule=rule.id, citation=render_citation(self.law, rule), text=cited_text(self.law, rule.citation),
            status="proposed" if status == "proposed" else ("repealed" if status == "repealed" else "in_force"),
            effect=effect, applies=self.applies.get(i), stands=self.applies.get(i),
            conditions=conditions, exceptions=exceptions, because=tuple(because),
            note=rule.note, source=rule.source, gloss=rule.gloss)
        return proof, missing

    def permit(self, permit: str) -> PermitDecision:
        if permit in self._permit_cache:
            return self._permit_cache[permit]
        plan = self.p.plans.get(permit)
        if plan is None:
            return PermitDecision(permit, "undetermined", detail={"note": "unknown permit"})
        outcome, granted, restricted = self.p._outcome(plan, self.applies)
        label = {True: "eligible", False: "ineligible", None: "undetermined"}[outcome]
        grounds: list[RuleProof] = []
        unmet: list[RuleProof] = []
        missing: list[str] = []
        detail: dict[str, Any] = {}
        effect_of = {"eligible": "准予 grants", "ineligible": "不予 refuses", "requires": "须提交 requires"}

        def proof(i: int) -> RuleProof:
            kind = next(c.kind for c in self.p.rules[i].rule.conclusions if permit in c.permits or c.kind == "condition")
            p, miss = self.rule_proof(i, f"{effect_of.get(kind, kind)} {permit}")
            missing.extend(miss)
            return p

        def set_aside(i: int) -> RuleProof:
            p = proof(i)
            winners = [(j, pr) for j, pr in plan.beaten_by.get(i, []) if self.applies.get(j) is not False]
            if winners:
                j, principle = winners[0]
                from dataclasses import replace
                p = replace(p, stands=k_and((self.applies.get(i), k_not(self.applies.get(j)))),
                            overridden_by=self.p.rules[j].rule.id, principle=f"{principle}: {PRINCIPLE_ZH[principle]}")
            return p

        stands = {i: self.p._stands(plan, i, self.applies) for i in plan.grants + plan.restricts}
        if outcome is False:
            grounds = [set_aside(i) for i in plan.restricts if stands[i] is True]
            unmet = [set_aside(i) for i in plan.grants]
            if not plan.grants:
                detail["note"] = "no provision in force on this date grants this permit"
        elif outcome is True:
            grounds = [set_aside(i) for i in plan.grants if stands[i] is True]
            grounds += [set_aside(i) for i in plan.restricts if self.applies.get(i) is not False]
        else:
            grounds = [set_aside(i) for i in plan.restricts if stands[i] is not False]
            unmet = [set_aside(i) for i in plan.grants if stands[i] is not True]
            missing_all = list(missing)
            missing = missing_all
        if outcome is True and restricted is not False:
            detail["conflict"] = "a restrictive rule also applies"
        conflicts = [(i, j) for i in plan.grants for j in plan.restricts
                     if stands[i] is True and self.applies.get(j) is True and stands[j] is True]
        if conflicts:
            detail["unresolved_conflicts"] = sorted({f"{self.p.rules[i].rule.id} ⟷ {self.p.rules[j].rule.id}" for i, j in conflicts})
        detail.update(self._values(plan))
        obligations = [self._obligation(i) for i in plan.obligations if self.applies.get(i) is True]
        if obligations:
            detail["obligations"] = obligations
        decision = PermitDecision(permit, label, tuple(grounds), tuple(unmet),
                                  tuple(sorted(set(missing))) if outcome is None else (), detail)
        self._permit_cache[permit] = decision
        return decision

    def _values(self, plan: PermitPlan) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for attr, indices in sorted(plan.values.items()):
            standing = [i for i in indices if k_and((self.applies.get(i), *(k_not(self.applies.get(j)) for j, _ in plan.beaten_by.get(i, ())))) is True]
            if not standing:
                continue
            cr = self.p.rules[standing[0]]
            expr = next(c.expr for c in cr.rule.conclusions if c.kind == "value" and c.name == attr)
            if isinstance(expr, m.Call) and expr.name == "points":
                lo, hi = self.pt[expr.args[0].dotted]  # type: ignore[attr-defined]
                factors = self.pt["#" + expr.args[0].dotted]  # type: ignore[attr-defined]
                out[attr] = lo if lo == hi else {"min": lo, "max": hi}
                table = self.law.points[expr.args[0].dotted]  # type: ignore[attr-defined]
                out[attr + "_by_factor"] = {
                    fa.name: (lo_f if lo_f == hi_f else {"min": lo_f, "max": hi_f})
                    for fa, (lo_f, hi_f) in zip(table.factors, factors, strict=True)}
            else:
                value = self._value(expr)
                if value is not None:
                    out[attr] = _json_value(value)
            out.setdefault("grounds_of_values", {})[attr] = cr.rule.id
        return out

    def _value(self, expr: m.Expr | None) -> Any:
        if expr is None:
            return None
        fn = _VALUE_CACHE.get((id(self.p), expr))
        if fn is None:
            ns: dict[str, Any] = dict(RUNTIME)
            code = self.p.compiler.value(expr)
            ns.update(self.p.compiler.constants)
            fn = eval(f"lambda f, o, c, pt: {code}", ns)  # noqa: S307 - generated from our own checked model
            _VALUE_CACHE[(id(self.p), expr)] = fn
        return point_value(fn(self.f, self.o, self.c, self.pt))

    def _obligation(self, i: int) -> dict[str, Any]:
        cr = self.p.rules[i]
        c = next(cn for cn in cr.rule.conclusions if cn.kind == "obligation")
        return {"duty": c.name, "deadline": _json_value(self._value(c.expr)), "rule": cr.rule.id,
                "citation": render_citation(self.law, cr.rule)}


_VALUE_CACHE: dict[tuple[int, m.Expr], Callable[..., Any]] = {}


def _tri(v: Tri) -> str:
    return {True: "met", False: "not met", None: "unknown"}[v]
