"""Stage 5 — evaluate: RuleGraph + application facts + Tracer → Decision.

A `Program` is the law compiled for one set of instruments in force: the rules, their conditions
as Python functions, and the order in which permits and named conditions are settled. Programs
are cached per set of instruments in force; nothing in a Program depends on the decision's date,
which travels with each Evaluation (so one warm process decides exactly as a fresh one).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import networkx as nx

from . import model as m
from .check import Law, calls, expression_typer, fact_paths
from .compile import NONE, RUNTIME, ExprCompiler
from .graph import RuleGraph, conjuncts
from .numbering import Numbering, numbering, zh_number  # noqa: F401 - zh_number is part of this module's API
from .trace import Decision, ProofTracer, Tracer

Tri = bool | None

def law_numbering(law: Law, active: Iterable[str] | None = None) -> Numbering:
    """The numbering in force for the `active` instruments and amendments (every amendment when None)."""
    return numbering(law.instruments, law.amend_ops, law.articles, active)


def render_citation(law: Law, rule: m.Rule, numbers: Numbering | None = None) -> str:
    """The rule's provision, cited by the numbering in force (`numbers`; the latest when None)."""
    inst = law.instruments[rule.instrument]
    if rule.citation is None:
        return f"{inst.title_zh}（条文未收录；依据：{rule.source}）"
    if inst.kind == "amendment" and inst.status == "proposed" and rule.source:
        # a proposal's passages carry no article numbers of their own: cite the paper's passage
        return f"{inst.title_zh}（{rule.source}）"
    numbers = numbers or law_numbering(law)
    c = numbers.cite_rule(rule, law.instruments)
    assert c is not None
    return f"{law.instruments[c.instrument].title_zh} {provision_zh(law, c, numbers)}"


def provision_zh(law: Law, c: m.Citation, numbers: Numbering | None = None) -> str:
    """第六条第十二项: the paragraph is named only when the article has more than one, as Chinese
    legal citation does (rule ids keep `para_1`, so they do not change). `c` is in the numbering `numbers`."""
    article = numbers.article(c.instrument, c.article) if numbers else law.articles.get((c.instrument, c.article))
    single = article is not None and len(article.paragraphs) <= 1
    out = f"第{zh_number(c.article)}条"
    if c.paragraph and not single:
        out += f"第{zh_number(c.paragraph)}款"
    if c.item:
        out += f"第{zh_number(c.item)}项"
    return out


def cited_text(law: Law, citation: m.Citation | None, numbers: Numbering | None = None) -> str:
    """The verbatim text of the cited provision (an item, a paragraph's lead, or a whole article);
    `citation` is in the numbering `numbers` (the instruments' own when None)."""
    if citation is None:
        return ""
    article = numbers.article(citation.instrument, citation.article) if numbers else law.articles.get((citation.instrument, citation.article))
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


@lru_cache(maxsize=4096)
def _source_lines(text: str) -> list[str]:
    return text.splitlines()


def source_slice(law: Law, span: Any) -> str:
    text = next((s.text for s in law.sources if s.path == span.path), "")
    lines = list(_source_lines(text))
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


class Program:
    """The law of one set of instruments in force (and the amendments applied), compiled."""

    def __init__(self, law: Law, graph: RuleGraph, active: tuple[str, ...]):
        self.law = law
        self.graph = graph
        self.active = active
        self.instruments = tuple(i for i in active if law.instruments[i].dated)  # never a proposal
        self.numbering = law_numbering(law, active)  # citations by the numbering in force for `active`
        self.rules_in_force = [r for r in sorted(law.rules.values(), key=lambda r: r.id) if r.instrument in set(active)]
        type_of = expression_typer(law)
        derived = {d.name: d for d in law.derived}
        self.compiler = ExprCompiler(type_of, law.facts, derived, law.parameter_values)
        self.derived_sources = self._derived_sources(derived)
        self._compile(law, derived)
        self._plan()
        self._generate()
        self._functions: dict[tuple[m.Expr, str], Callable[..., Any]] = {}
        self._functions_lock = threading.Lock()

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
        """Compile rule metadata; the run functions are generated after planning (see `_generate`)."""
        compiled: list[CompiledRule] = []
        for index, rule in enumerate(self.rules_in_force):
            conds = conjuncts(rule.when)
            requirement = rule.requirement
            demands = requirement.demands if requirement else None
            exprs = [e for e in [rule.when, *rule.unless, demands] if e]
            reads_c = tuple(dict.fromkeys(x.args[0].dotted for e in exprs for x in calls(e) if x.name == "met"))  # type: ignore[attr-defined]
            reads_p = tuple(dict.fromkeys(x.args[0].dotted for e in exprs for x in calls(e) if x.name in ("eligible", "ineligible")))  # type: ignore[attr-defined]
            role = next((m.ROLE[c.kind] for c in rule.conclusions if c.kind in m.ROLE), rule.conclusions[0].kind if rule.conclusions else "")
            document = requirement.name if requirement and requirement.expr is None else ""
            compiled.append(CompiledRule(
                index, rule, role, document, demands,
                (f"holds({document})" if document else source_slice(law, demands.span)) if demands else "",
                self._shown_facts(demands) if demands else (),
                tuple(source_slice(law, x.span) for x in conds), tuple(self._shown_facts(x) for x in conds),
                tuple(source_slice(law, x.span) for x in rule.unless), tuple(self._shown_facts(x) for x in rule.unless),
                reads_c, reads_p))
        self.rules = compiled

    def _shown_facts(self, expr: m.Expr) -> tuple[str, ...]:
        """The facts a proof shows beside a condition: application facts and derived facts it reads,
        and `points(T)` for a points table (its total and the points of each factor)."""
        paths = [p for p in fact_paths(expr) if p in ("holds", "decision_date") or p in self.law.facts
                 or p in self.derived_sources]
        paths += [f"points({x.args[0].dotted})" for x in calls(expr) if x.name == "points"]  # type: ignore[attr-defined]
        return tuple(dict.fromkeys(paths))

    @cached_property
    def defaulted_facts(self) -> tuple[m.FactDecl, ...]:
        """The facts with a documented procedural default (a proof lists those an application left out)."""
        return tuple(f for f in self.law.facts.values() if f.default is not None)

    @cached_property
    def sheets(self) -> tuple[RuleSheet, ...]:
        """Each rule's proof parts that no application changes, built once per program."""
        law = self.law
        out = []
        for cr in self.rules:
            rule = cr.rule
            status = law.instruments[rule.instrument].status
            out.append(RuleSheet(
                citation=render_citation(law, rule, self.numbering),
                text=cited_text(law, self.numbering.cite_rule(rule, law.instruments), self.numbering),
                status="proposed" if status == "proposed" else ("repealed" if status == "repealed" else "in_force"),
                kinds={p: c.kind for c in reversed(rule.conclusions) for p in c.permits}))
        return tuple(out)

    def function(self, expr: m.Expr, kind: str = "cond") -> Callable[..., Any]:
        """`expr` as a function of (facts, outcomes, conditions, points) — compiled by the same code
        generator as the program, once per program, so a proof reads sub-expressions with the very
        semantics the decision used."""
        key = (expr, kind)
        fn = self._functions.get(key)
        if fn is None:
            with self._functions_lock:  # the compiler numbers temporaries and constants
                fn = self._functions.get(key)
                if fn is None:
                    code = self.compiler.cond(expr) if kind == "cond" else self.compiler.value(expr)
                    namespace: dict[str, Any] = {**RUNTIME, **self.compiler.constants}
                    fn = eval(f"lambda f, o, c, pt: {code}", namespace)  # noqa: S307 - generated from our own checked model
                    self._functions[key] = fn
        return fn

    def _generate(self) -> None:
        """One Python module per program: facts flattening, derived facts, points, and every rule,
        condition and permit inlined in dependency order — a fast and a traced variant."""
        law, cc = self.law, self.compiler
        lines: list[str] = []
        for table in law.points.values():
            factors = []
            for factor in table.factors:
                bands = ", ".join(f"({cc.cond(b.when)}, {cc.value(b.value)})" for b in factor.bands)
                factors.append(f"({factor.cap}, ({bands},))")
            params = ", ".join(_points_args(table, None))
            lines.append(f"def P_{table.name}({params}):\n    f = {{{', '.join(f'{p!r}: {p.replace(chr(46), chr(95))}' for p in _points_reads(table))}}}\n"
                         f"    return ({', '.join(factors)}{',' if factors else ''})")
        # every fact, derived fact, condition, permit outcome and points range is a local variable
        names: dict[str, str] = {}
        for n, key in enumerate([*(f"f:{p}" for p in law.facts), *(f"f:{d.name}" for d in law.derived),
                                 *(f"o:{p}" for p in law.permits), *(f"c:{x}" for x in law.conditions),
                                 *(f"pt:{t}" for t in law.points)]):
            names[key] = f"V{n}"
        cc.local_names = names
        for traced in (False, True):
            lines.append(f"def {'RUN_TRACED' if traced else 'RUN_FAST'}(a):")
            body: list[str] = [" = ".join(names.values()) + " = None", "pt = {}"]
            body += _flatten_code(law, names)
            for fact in law.facts.values():  # documented procedural defaults fill what is absent
                if fact.default is not None:
                    body.append(f"if {names['f:' + fact.path]} is None: {names['f:' + fact.path]} = {cc.value(fact.default)}")
            for d in law.derived:
                body.append(f"{names['f:' + d.name]} = {cc.value(d.expr)}")
            for table in law.points.values():
                v = names["pt:" + table.name]
                body.append(f"_lo, _hi, pt['#{table.name}'] = points_range(P_{table.name}({', '.join(_points_args(table, names))}))")
                body.append(f"{v} = pt[{table.name!r}] = (_lo, _hi)")
            if traced:
                body.append("TR = {}")
            done: set[int] = set()
            for kind, name in self.order:
                indices = self.condition_rules[name] if kind == "condition" else self.plans[name].grants + self.plans[name].restricts
                for i in indices:
                    if i not in done:
                        done.add(i)
                        body += self._rule_code(i, traced)
                if kind == "condition":
                    body.append(f"{names['c:' + name]} = {_kor([f'a{i}' for i in indices])}")
                else:
                    body += self._permit_code(self.plans[name], names["o:" + name])
            for cr in self.rules:
                if cr.index not in done:
                    body += self._rule_code(cr.index, traced)
            applies = ", ".join(f"a{cr.index}" for cr in self.rules)

            # The facts leave as a tuple; Evaluation.f makes the map only when a proof reads it.
            facts = [v for key, v in names.items() if key.startswith("f:")]
            body.append(f"f = ({''.join(v + ', ' for v in facts)})")
            body.append(f"o = {{{', '.join(f'{p!r}: ' + names['o:' + p] for p in law.permits)}}}")
            body.append(f"c = {{{', '.join(f'{x!r}: ' + names['c:' + x] for x in law.conditions)}}}")
            body.append(f"return f, o, c, pt, ({applies}{',' if self.rules else ''}), {'TR' if traced else 'None'}")
            lines += ["    " + line for line in body]
        namespace: dict[str, Any] = dict(RUNTIME)
        namespace.update({"points_range": _points_range, "ABSENT": _ABSENT, "as_date": _as_date})
        source = "\n".join(lines) + "\n"
        namespace.update(cc.constants)
        self.fact_names = tuple(key.split(":", 1)[1] for key in names if key.startswith("f:"))
        exec(compile(source, f"<lexgraph program {'+'.join(self.active)}>", "exec"), namespace)  # noqa: S102 - our own generated code
        self.run_fast = namespace["RUN_FAST"]
        self.run_traced = namespace["RUN_TRACED"]
        self.source = source
        cc.local_names = {}  # from here on the compiler serves `function`, which reads dictionaries

    def _rule_code(self, i: int, traced: bool) -> list[str]:
        cc = self.compiler
        cr = self.rules[i]
        rule = cr.rule
        conds = conjuncts(rule.when)
        out: list[str] = []
        if traced:
            out.append(f"_c = ({''.join(cc.cond(x) + ', ' for x in conds)})")
            out.append(f"_u = ({''.join(cc.cond(x) + ', ' for x in rule.unless)})")
            out.append(f"TR[{i}] = (_c, _u)")
            out.append(f"a{i} = (False if False in _c or True in _u else (None if None in _c or None in _u else True))")
        else:
            whole = m.And((*conds, *(m.Not(u) for u in rule.unless))) if (conds or rule.unless) else m.Lit(True)
            out.append(f"a{i} = {cc.cond(whole)}")
        if cr.demands is not None:
            out.append(f"if a{i} is not False:")
            out.append(f"    _av = {cc.cond(cr.demands)}")
            if traced:
                out.append(f"    TR[{-1 - i}] = (_av,)")
            out.append(f"    a{i} = (False if _av is True else (None if _av is None or a{i} is None else True))")
        return out

    def _permit_code(self, plan: PermitPlan, target: str) -> list[str]:
        out = []
        for i in plan.grants + plan.restricts:
            beaten = [f"a{j}" for j, _ in plan.beaten_by.get(i, ())]
            if beaten:
                out.append(f"_n = {_kor(beaten)}")
                out.append(f"s{i} = (False if a{i} is False or _n is True else (None if a{i} is None or _n is None else True))")
            else:
                out.append(f"s{i} = a{i}")
        out.append(f"_g = {_kor([f's{i}' for i in plan.grants])}")
        out.append(f"_r = {_kor([f's{i}' for i in plan.restricts])}")
        out.append(f"{target} = False if _r is True or _g is False else (True if _g is True and _r is False else None)")
        return out

    def _plan(self) -> None:
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
                    elif cr.rule.sanctions_documents:
                        plan.sanctions.append(cr.index)
                    elif c.kind in ("ineligible", "requires", "refusal_ground"):
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
                        priority = self.graph.prevails(self.rules[j].rule.id, self.rules[i].rule.id)
                        if priority:
                            plan.beaten_by[i].append((j, priority.principle))
            for indices in plan.values.values():
                for i in indices:
                    plan.beaten_by.setdefault(i, [])
                    for j in indices:
                        priority = self.graph.prevails(self.rules[j].rule.id, self.rules[i].rule.id) if i != j else None
                        if priority:
                            plan.beaten_by[i].append((j, priority.principle))
        # settle named conditions and permits in dependency order
        deps = nx.DiGraph()
        for name in self.condition_rules:
            deps.add_node(("condition", name))
        for p in self.plans:
            deps.add_node(("permit", p))
        for cr in self.rules:
            targets = [("condition", c.name) if c.kind == "condition" else ("permit", p)
                       for c in cr.rule.conclusions for p in (c.permits or ("",)) if c.kind == "condition" or p]
            sources = [("condition", n) for n in cr.reads_conditions] + [("permit", n) for n in cr.reads_permits]
            for t in targets:
                for s in sources:
                    if s != t:
                        deps.add_edge(s, t)
        self.order = list(nx.lexicographical_topological_sort(deps))

    # ------------------------------------------------------------- evaluation
    def run(self, application: dict[str, Any], as_of: dt.date, tracer: Tracer | None = None) -> Evaluation:
        """Evaluate every rule in force; a ProofTracer receives each condition's truth value."""
        if tracer is not None and tracer.enabled:
            f, o, c, pt, applies, trace = self.run_traced(application)
            tracer.record(trace)
        else:
            f, o, c, pt, applies, trace = self.run_fast(application)
        return Evaluation(self, application, as_of, f, o, c, pt, applies, trace)

    @cached_property
    def cancellation_grounds(self) -> dict[str, list[int]]:
        """Held status → the rules that cancel it (法 第四十九条): a decision of its own kind, on a holder."""
        out: dict[str, list[int]] = {}
        for cr in self.rules:
            for c in cr.rule.conclusions:
                if c.kind == "cancelled":
                    for p in c.permits:
                        out.setdefault(p, []).append(cr.index)
        return out

    @staticmethod
    def stands(plan: PermitPlan, i: int, applies: Sequence[Tri]) -> Tri:
        """A rule stands when it applies and no rule that prevails over it applies."""
        return k_and((applies[i], *(k_not(applies[j]) for j, _ in plan.beaten_by.get(i, ()))))


_ABSENT = object()


def _points_range(factors: tuple[Any, ...]) -> tuple[Any, ...]:
    lo_total: float = 0
    hi_total: float = 0
    per_factor = []
    for cap, bands in factors:
        lo: float = 0
        hi: float = 0
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


def _kor(names: list[str]) -> str:
    if not names:
        return "False"
    if len(names) == 1:
        return names[0]
    return (f"(True if ({' or '.join(n + ' is True' for n in names)}) else "
            f"(None if ({' or '.join(n + ' is None' for n in names)}) else False))")


def _as_date(v: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(v) if isinstance(v, str) else None
    except ValueError:
        return None


def _points_reads(table: m.PointsTable) -> list[str]:
    paths: list[str] = []
    for factor in table.factors:
        for band in factor.bands:
            paths += fact_paths(band.when) + fact_paths(band.value)
    # parameters are compiled in as constants, not read from the application
    return sorted(p for p in set(paths) if not p.startswith("params."))


def _points_args(table: m.PointsTable, names: dict[str, str] | None) -> list[str]:
    """A points table reads facts: as parameters of its function, or the caller's locals."""
    return [names[f"f:{p}"] if names else p.replace(".", "_") for p in _points_reads(table)]


def _flatten_code(law: Law, names: dict[str, str]) -> list[str]:
    """Generated code that reads the contract's JSON into the flat fact map `f`.

    Absent → no entry (unknown); an explicit null object → NONE for it and every fact under it."""
    tree: dict[str, Any] = {}
    for fact in law.facts.values():
        node = tree
        for part in fact.path.split("."):
            node = node.setdefault(part, {})
        node["."] = fact
    lines: list[str] = []
    counter = [0]

    def all_paths(node: dict[str, Any]) -> list[str]:
        out = [node["."].path] if "." in node else []
        for k, child in node.items():
            if k != ".":
                out += all_paths(child)
        return out

    def emit(node: dict[str, Any], source: str, indent: str) -> None:
        for key, child in sorted((k, v) for k, v in node.items() if k != "."):
            counter[0] += 1
            var = f"_j{counter[0]}"
            lines.append(f"{indent}{var} = {source}.get({key!r}, ABSENT)")
            fact = child.get(".")
            if fact is None or len(child) > 1 or fact.type.kind == "object":
                lines.append(f"{indent}if {var} is None:")
                lines.append(f"{indent}    {' = '.join(names['f:' + p] for p in all_paths(child))} = NONE")
                lines.append(f"{indent}elif type({var}) is dict:")
                if fact is not None:
                    lines.append(f"{indent}    {names['f:' + fact.path]} = True")
                emit(child, var, indent + "    ")
            elif fact is not None:
                kind = fact.type.kind
                conv = {"date": f"as_date({var})", "set": f"(frozenset({var}) if type({var}) is list else None)"}.get(kind, var)
                lines.append(f"{indent}if {var} is not ABSENT and {var} is not None:")
                lines.append(f"{indent}    {names['f:' + fact.path]} = {conv}")

    emit(tree, "a", "")
    return lines


@dataclass
class Evaluation:
    """One application evaluated under one Program on one date: every rule's applicability, each
    permit's outcome, and (when traced) every condition's truth value."""

    program: Program
    application: dict[str, Any]
    as_of: dt.date
    fact_values: tuple[Any, ...]  # in the order of program.fact_names; None = unknown
    o: dict[str, Tri]
    c: dict[str, Tri]
    pt: dict[str, Any]
    applies: tuple[Tri, ...]
    trace: dict[int, tuple[Any, ...]] | None

    @cached_property
    def f(self) -> dict[str, Any]:
        """The known facts (application and derived) by path."""
        return {k: v for k, v in zip(self.program.fact_names, self.fact_values, strict=True) if v is not None}

    def cancelled(self, permit: str) -> Tri:
        """Whether a held `permit` is cancelled: any one ground that applies cancels (True); every ground
        failing leaves it held (False); otherwise undetermined (None)."""
        return k_or(self.applies[i] for i in self.program.cancellation_grounds.get(permit, ()))

    def decision(self, requested: list[str] | None = None) -> Decision:
        """Materialise the proof trees from the recorded trace."""
        from .proof import build_decision  # the next stage; imported late, it imports this module

        return build_decision(self, requested)


class Evaluator:
    """Decides applications against one Law; compiles a Program per set of instruments in force."""

    def __init__(self, law: Law, graph: RuleGraph):
        self.law = law
        self.graph = graph
        self._programs: dict[tuple[str, ...], Program] = {}
        self._active: dict[dt.date, tuple[str, ...]] = {}

    def program(self, as_of: dt.date) -> Program:
        key = self._active.get(as_of)
        if key is None:
            key = self._active[as_of] = self.law.active_on(as_of)
        program = self._programs.get(key)
        if program is None:
            program = self._programs[key] = Program(self.law, self.graph, key)
        return program

    def evaluate(self, application: dict[str, Any], as_of: dt.date | None = None, trace: bool = True) -> Evaluation:
        """Evaluate, recording every condition's truth value when `trace` is on."""
        day = as_of or dt.date.fromisoformat(application["decision_date"])
        return self.program(day).run(application, day, ProofTracer() if trace else None)

    def outcomes(self, application: dict[str, Any], as_of: dt.date | None = None) -> dict[str, Tri]:
        """The untraced path: permit → True (eligible) / False (ineligible) / None (undetermined)."""
        return self.evaluate(application, as_of, trace=False).o

    def decide(self, application: dict[str, Any], as_of: dt.date | None = None, trace: bool = True) -> Decision:
        return self.evaluate(application, as_of, trace).decision()
