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
from functools import cached_property, lru_cache
from typing import Any

import networkx as nx

from . import model as m
from .check import Law, calls, expression_typer, fact_paths
from .compile import NONE, RUNTIME, ExprCompiler, point_value
from .graph import PRINCIPLE_ZH, RuleGraph, conjuncts
from .trace import ConditionTrace, Decision, PermitDecision, ProofTracer, RuleProof, Tracer

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
    requires: str  # the document a `requires` rule asks for ('' otherwise)
    condition_texts: tuple[str, ...]
    condition_facts: tuple[tuple[str, ...], ...]
    exception_texts: tuple[str, ...]
    exception_facts: tuple[tuple[str, ...], ...]
    reads_conditions: tuple[str, ...]
    reads_permits: tuple[str, ...]


@dataclass(frozen=True)
class Unknowns:
    """What an unknown condition may be waiting for: application facts (read directly, through
    derived facts or through points tables) and other permits' outcomes."""

    facts: tuple[str, ...]
    permits: tuple[str, ...]


@dataclass(frozen=True)
class RuleSheet:
    """The parts of a rule's proof that do not depend on the application."""

    citation: str
    text: str
    status: str
    unknowns: tuple[Unknowns, ...]  # per condition, then per exception
    requires_unknowns: Unknowns | None  # a `requires` rule: what its document's availability reads
    kinds: dict[str, str]  # permit → the kind of conclusion the rule draws about it


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
        self._generate()

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
            exprs = [e for e in [rule.when, *rule.unless] if e]
            reads_c = tuple(dict.fromkeys(x.args[0].dotted for e in exprs for x in calls(e) if x.name == "met"))  # type: ignore[attr-defined]
            reads_p = tuple(dict.fromkeys(x.args[0].dotted for e in exprs for x in calls(e) if x.name in ("eligible", "ineligible")))  # type: ignore[attr-defined]
            compiled.append(CompiledRule(
                index, rule, next((c.name for c in rule.conclusions if c.kind == "requires"), ""),
                tuple(source_slice(law, x.span) for x in conds), tuple(self._shown_facts(x) for x in conds),
                tuple(source_slice(law, x.span) for x in rule.unless), tuple(self._shown_facts(x) for x in rule.unless),
                reads_c, reads_p))
        self.rules = compiled

    def _shown_facts(self, expr: m.Expr) -> tuple[str, ...]:
        """The facts a proof shows beside a condition: application facts and derived facts it reads."""
        return tuple(p for p in fact_paths(expr) if p in ("holds", "decision_date") or p in self.law.facts
                     or p in self.derived_sources)

    @cached_property
    def sheets(self) -> tuple[RuleSheet, ...]:
        """Each rule's proof parts that no application changes, built once per program."""
        law = self.law
        issuers = {d: p.id for p in law.permits.values() for d in p.issues}

        def unknowns(expr: m.Expr) -> Unknowns:
            paths = list(fact_paths(expr))
            permits: list[str] = []
            for call in calls(expr):
                name = call.args[0].dotted if call.args and isinstance(call.args[0], m.Path) else ""
                if call.name == "points" and name in law.points:
                    paths += _points_reads(law.points[name])
                elif call.name in ("eligible", "ineligible", "available"):
                    permit = issuers.get(name) if call.name == "available" else name
                    if permit:
                        permits.append(permit)
            facts = (s for p in paths for s in self.derived_sources.get(p, (p,)) if s in law.facts)
            return Unknowns(tuple(dict.fromkeys(facts)), tuple(dict.fromkeys(permits)))

        out = []
        for cr in self.rules:
            rule = cr.rule
            status = law.instruments[rule.instrument].status
            out.append(RuleSheet(
                citation=render_citation(law, rule), text=cited_text(law, rule.citation),
                status="proposed" if status == "proposed" else ("repealed" if status == "repealed" else "in_force"),
                unknowns=tuple(unknowns(e) for e in [*conjuncts(rule.when), *rule.unless]),
                requires_unknowns=unknowns(m.Call("available", (m.Path((cr.requires,)),))) if cr.requires else None,
                kinds={p: c.kind for c in reversed(rule.conclusions) for p in c.permits}))
        return tuple(out)

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
        exec(compile(source, f"<lexgraph program {self.as_of}>", "exec"), namespace)  # noqa: S102 - our own generated code
        self.run_fast = namespace["RUN_FAST"]
        self.run_traced = namespace["RUN_TRACED"]
        self.source = source

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
        if cr.requires:
            out.append(f"if a{i} is not False:")
            out.append(f"    _av = {cc.call_cond(m.Call('available', (m.Path((cr.requires,)),)))}")
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
                    sources += [("permit", issuers[x.args[0].dotted]) for x in calls(e)  # type: ignore[attr-defined]
                                if x.name == "available" and x.args[0].dotted in issuers]  # type: ignore[attr-defined]
            for t in targets:
                for s in sources:
                    if s != t:
                        deps.add_edge(s, t)
        self.order = list(nx.lexicographical_topological_sort(deps))

    # ------------------------------------------------------------- evaluation
    def run(self, application: dict[str, Any], tracer: Tracer | None = None) -> Evaluation:
        """Evaluate every rule in force; a ProofTracer receives each condition's truth value."""
        if tracer is not None and tracer.enabled:
            f, o, c, pt, applies, trace = self.run_traced(application)
            tracer.record(trace)
        else:
            f, o, c, pt, applies, trace = self.run_fast(application)
        return Evaluation(self, application, f, o, c, pt, applies, trace)

    @staticmethod
    def stands(plan: PermitPlan, i: int, applies: dict[int, Tri]) -> Tri:
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
    """One application evaluated under one Program: every rule's applicability, each permit's
    outcome, and (when traced) every condition's truth value."""

    program: Program
    application: dict[str, Any]
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

    def decision(self, requested: list[str] | None = None) -> Decision:
        """Materialise the proof trees from the recorded trace."""
        program = self.program
        law = program.law
        builder = _ProofBuilder(self)
        wanted = requested or self.application.get("requested") or sorted(law.permits)
        overrides = {k: v for k, v in law.parameter_values.items() if law.parameters[k].default != v}
        return Decision(
            application_id=str(self.application.get("id", "")), as_of=program.as_of.isoformat(), digest=law.digest,
            instruments=program.instruments, decisions=tuple(builder.permit(p) for p in wanted),
            amendments=law.applied_amendments, parameters=dict(sorted(overrides.items())),
        )


# ----------------------------------------------------------------------------- decisions


class Evaluator:
    """Decides applications against one Law; compiles a Program per set of instruments in force."""

    def __init__(self, law: Law, graph: RuleGraph):
        self.law = law
        self.graph = graph
        self._programs: dict[tuple[str, ...], Program] = {}
        self._in_force: dict[dt.date, tuple[str, ...]] = {}

    def program(self, as_of: dt.date) -> Program:
        key = self._in_force.get(as_of)
        if key is None:
            key = self._in_force[as_of] = tuple(self.law.instruments_in_force(as_of))
        if key not in self._programs:
            self._programs[key] = Program(self.law, self.graph, as_of)
        return self._programs[key]

    def evaluate(self, application: dict[str, Any], as_of: dt.date | None = None, trace: bool = True) -> Evaluation:
        """Evaluate, recording every condition's truth value when `trace` is on."""
        day = as_of or dt.date.fromisoformat(application["decision_date"])
        return self.program(day).run(application, ProofTracer() if trace else None)

    def outcomes(self, application: dict[str, Any], as_of: dt.date | None = None) -> dict[str, Tri]:
        """The untraced path: permit → True (eligible) / False (ineligible) / None (undetermined)."""
        return self.evaluate(application, as_of, trace=False).o

    def decide(self, application: dict[str, Any], as_of: dt.date | None = None, trace: bool = True) -> Decision:
        return self.evaluate(application, as_of, trace).decision()


_PLAIN = frozenset({str, bool, int, type(None)})


def _json_value(v: Any) -> Any:
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


class _ProofBuilder:
    def __init__(self, ev: Evaluation):
        self.p, self.f, self.o, self.c, self.pt = ev.program, ev.f, ev.o, ev.c, ev.pt
        self.applies = dict(enumerate(ev.applies))
        self.trace = ev.trace
        self.law = ev.program.law
        self.sheets = ev.program.sheets
        self._permit_cache: dict[str, PermitDecision] = {}
        self._proofs: dict[tuple[int, str, int], tuple[RuleProof, list[str]]] = {}

    def _facts(self, paths: tuple[str, ...]) -> dict[str, Any]:
        f = self.f
        return {path: _json_value(f.get(path)) for path in paths}

    def _missing(self, unknowns: Unknowns) -> list[str]:
        """The unknown facts behind an unknown condition, through points tables and other permits."""
        out = [source for source in unknowns.facts if self.f.get(source) is None]
        for permit in unknowns.permits:
            if self.o.get(permit) is None:
                out += self.permit(permit).missing_facts
        return out

    def rule_proof(self, i: int, effect: str, depth: int = 0) -> tuple[RuleProof, list[str]]:
        """A rule's proof (immutable, so shared wherever it recurs) and the facts it is missing."""
        key = (i, effect, depth)
        if key not in self._proofs:
            self._proofs[key] = self._rule_proof(i, effect, depth)
        proof, missing = self._proofs[key]
        return proof, list(missing)

    def _rule_proof(self, i: int, effect: str, depth: int) -> tuple[RuleProof, list[str]]:
        cr = self.p.rules[i]
        sheet = self.sheets[i]
        rule = cr.rule
        missing: list[str] = []
        conditions: tuple[ConditionTrace, ...] = ()
        exceptions: tuple[ConditionTrace, ...] = ()
        because: list[RuleProof] = []
        if self.trace is not None and i in self.trace:
            cond_values, unless_values = self.trace[i]
            conditions = tuple(ConditionTrace(t, v, self._facts(fp)) for t, v, fp in
                               zip(cr.condition_texts, cond_values, cr.condition_facts, strict=True))
            exceptions = tuple(ConditionTrace(t, v, self._facts(fp)) for t, v, fp in
                               zip(cr.exception_texts, unless_values, cr.exception_facts, strict=True))
            for holds, unknowns in zip((*cond_values, *unless_values), sheet.unknowns, strict=True):
                if holds is None:
                    missing += self._missing(unknowns)
            avail = self.trace.get(-1 - i)
            if avail is not None:
                conditions += (ConditionTrace(f"not available({cr.requires})", k_not(avail[0]),
                                              {"holds": _json_value(self.f.get("holds"))}),)
                if avail[0] is None and sheet.requires_unknowns is not None:
                    missing += self._missing(sheet.requires_unknowns)
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
        proof = RuleProof(
            rule=rule.id, citation=sheet.citation, text=sheet.text, status=sheet.status,
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
        stands = {i: self.p.stands(plan, i, self.applies) for i in plan.grants + plan.restricts}
        granted = k_or(stands[i] for i in plan.grants)
        restricted = k_or(stands[i] for i in plan.restricts)
        outcome = False if restricted is True or granted is False else (True if granted is True and restricted is False else None)
        label = {True: "eligible", False: "ineligible", None: "undetermined"}[outcome]
        grounds: list[RuleProof] = []
        unmet: list[RuleProof] = []
        missing: list[str] = []
        detail: dict[str, Any] = {}
        effect_of = {"eligible": "准予 grants", "ineligible": "不予 refuses", "requires": "须提交 requires"}

        def proof(i: int) -> RuleProof:
            kind = self.sheets[i].kinds[permit]
            p, miss = self.rule_proof(i, f"{effect_of.get(kind, kind)} {permit}")
            missing.extend(miss)
            return p

        def set_aside(i: int) -> RuleProof:
            p = proof(i)
            winners = [(j, pr) for j, pr in plan.beaten_by.get(i, []) if self.applies.get(j) is not False]
            if winners:
                j, principle = winners[0]
                p = p._replace(stands=k_and((self.applies.get(i), k_not(self.applies.get(j)))),
                            overridden_by=self.p.rules[j].rule.id, principle=f"{principle}: {PRINCIPLE_ZH[principle]}")
            return p

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
            standing = [i for i in indices if self.p.stands(plan, i, self.applies) is True]
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
            compiler = self.p.compiler
            saved, compiler.local_names = compiler.local_names, {}  # dictionary reads outside the program
            code = compiler.value(expr)
            compiler.local_names = saved
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
