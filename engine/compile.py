"""Conditions compiled once to Python code (three-valued: True, False, None = unknown).

Every expression becomes one Python expression with short-circuiting Kleene logic; the whole
rule set becomes one module executed once per (law, date, parameters). Decisions then call
plain functions and never walk a tree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import model as m
from . import semantics as sem
from .codec import application_reader_code, as_date
from .plan import Plan
from .semantics import (  # noqa: F401 - re-exported: the scalar operators the generated code calls
    NONE,
    RUNTIME,
    CodeKleene,
    arith,
    date_add,
    enum_ranks,
    num_fn,
    point_value,
    points_compare,
    years_between,
)

if TYPE_CHECKING:
    from .typer import Typing

__all__ = ["NONE", "RUNTIME", "ExprCompiler", "Generated", "generate", "point_value"]


class ExprCompiler:
    """Turns typed expressions into Python expression strings over `f` (facts), `o` (permit
    outcomes), `c` (conditions), `pt` (points ranges)."""

    def __init__(
        self,
        typing: Typing,
        facts: dict[str, m.FactDecl],
        derived: dict[str, m.Derived],
        parameters: dict[str, object],
    ):
        self.typing = typing
        self.facts = facts
        self.derived = derived
        self.parameters = parameters
        self.constants: dict[str, Any] = {}
        self._n = 0
        # When set, reads become local variables of the generated program ("f:PATH", "o:PERMIT",
        # "c:CONDITION", "pt:TABLE" → name) instead of dictionary look-ups.
        self.local_names: dict[str, str] = {}

    def read(self, space: str, name: str) -> str:
        local = self.local_names.get(f"{space}:{name}")
        return local if local is not None else f"{space}.get({name!r})"

    def tmp(self) -> str:
        self._n += 1
        return f"_{self._n}"

    def bind(self, code: str) -> tuple[str, str]:
        """(how to read a value again, how to read it first): a local variable twice as itself,
        anything else through a walrus-bound temporary."""
        if code.isidentifier():
            return code, code
        t = self.tmp()
        return t, f"({t} := {code})"

    def const(self, value: Any) -> str:
        name = f"K{len(self.constants)}"
        self.constants[name] = value
        return name

    def operand(self, code: str) -> tuple[str, str]:
        """An operand for a template: (how to read it first, how to read it again)."""
        again, first = self.bind(code)
        return first, again

    # ---- conditions (tri-valued): each construct emitted by its template in engine/semantics.py
    def cond(self, e: m.Expr) -> str:
        if isinstance(e, m.And | m.Or):
            return CodeKleene.lazy([self.cond(x) for x in e.operands], isinstance(e, m.And), self.tmp)
        if isinstance(e, m.Not):
            return CodeKleene.negate(self.cond(e.operand), self.tmp)
        if isinstance(e, m.Compare):
            return self.compare(e)
        if isinstance(e, m.Member):
            operand = self.operand(self.value(e.operand))
            return sem.member_code(operand, self.const(frozenset(v.value for v in e.values)))
        if isinstance(e, m.Call):
            return self.call_cond(e)
        if isinstance(e, m.Path):
            ft = self.typing.type(e)
            return sem.truthy_code(self.operand(self.value(e)), ft is not None and ft.kind == "object")
        if isinstance(e, m.Lit):
            return repr(bool(e.value))
        raise AssertionError(e)

    def call_cond(self, e: m.Call) -> str:
        name = e.args[0].dotted if e.args and isinstance(e.args[0], m.Path) else ""
        if e.name == "eligible":
            return self.read("o", name)
        if e.name == "ineligible":
            return sem.ineligible_code(self.operand(self.read("o", name)))
        if e.name == "met":
            return self.read("c", name)
        if e.name == "not_at_hand":
            return sem.not_at_hand(CodeKleene())
        if e.name == "holds":
            return sem.holds_code(self.operand(self.read("f", "holds")), name)
        raise AssertionError(e.name)

    def compare(self, e: m.Compare) -> str:
        """The template of the comparison's resolved form (`semantics.OPERATORS`)."""
        op = self.typing.operator(e)
        if op == "compare_points_range":
            return sem.points_compare_code(self.value(e.left), e.op, self.value(e.right))
        if op in ("is_none", "is_not_none"):
            lt = self.typing.type(e.left)
            side = e.left if getattr(lt, "kind", None) == "object" else e.right
            return sem.is_none_code(self.operand(self.value(side)), op == "is_none")
        left, right = self.value(e.left), self.value(e.right)
        if op == "compare_enum_rank":
            lt = self.typing.type(e.left)
            enum = lt if getattr(lt, "kind", None) == "enum" else self.typing.type(e.right)
            assert enum is not None
            ranks = self.const(enum_ranks(enum.members))

            def rank(x: m.Expr, code: str) -> str:
                if isinstance(x, m.Path):
                    return sem.enum_rank_code(ranks, code)
                return repr(enum.members.index(x.value)) if isinstance(x, m.Lit) else code

            left, right = rank(e.left, left), rank(e.right, right)
        a = self.operand(left)
        literal = repr(e.right.value) if isinstance(e.right, m.Lit) and e.right.value is not None else None
        if literal is not None and (right == literal or (op == "compare_enum_rank" and right.isdigit())):
            return sem.compare_code(e.op, a, right)
        return sem.compare_code(e.op, a, self.operand(right))

    # ---- values
    def value(self, e: m.Expr) -> str:
        if isinstance(e, m.Lit):
            return repr(e.value) if not isinstance(e.value, dt.date) else self.const(e.value)
        if isinstance(e, m.Path):
            if e.parts[0] == "params" and len(e.parts) == 2:
                return repr(self.parameters[e.parts[1]])
            return self.read("f", e.dotted)
        if isinstance(e, m.Arith):
            if self.typing.operator(e).startswith("date_add_"):
                assert isinstance(e.right, m.Lit) and isinstance(e.right.value, int | float)
                return sem.date_add_code(
                    self.value(e.left), e.right.value, str(e.right.unit), 1 if e.op == "+" else -1
                )
            lt, rt = self.typing.type(e.left), self.typing.type(e.right)
            left, right = self.value(e.left), self.value(e.right)
            if getattr(lt, "kind", None) == "points":
                left = sem.point_value_code(left)
            if getattr(rt, "kind", None) == "points":
                right = sem.point_value_code(right)
            return sem.arith_code(e.op, left, right)
        if isinstance(e, m.Call):
            if e.name == "points":
                return self.read("pt", e.args[0].dotted)  # type: ignore[attr-defined]
            if e.name == "years_between":
                return sem.years_between_code(self.value(e.args[0]), self.value(e.args[1]))
            if e.name in ("min", "max", "floor"):
                return sem.num_fn_code(e.name, [self.value(a) for a in e.args])
        return self.cond(e)  # a condition used as a value: True / False / None


# ------------------------------------------------------------------ the whole program


@dataclass(frozen=True)
class Generated:
    """The generated module of one plan: a fast and a traced run function, and its source."""

    run_fast: Callable[[dict[str, Any]], Any]
    run_traced: Callable[[dict[str, Any]], Any]
    fact_names: tuple[str, ...]
    source: str


def generate(plan: Plan, cc: ExprCompiler) -> Generated:
    """One Python module per plan: facts read from the application, documented defaults, derived
    facts, points ranges, and every rule, named condition and permit inlined in the plan's order.

    Each construct is emitted from its one definition in engine/semantics.py (run over `CodeKleene`)."""
    law = plan.law
    lines: list[str] = []
    # every fact, derived fact, condition, permit outcome and points range is a local variable
    names: dict[str, str] = {}
    for n, key in enumerate(
        [
            *(f"f:{p}" for p in law.facts),
            *(f"f:{d.name}" for d in law.derived),
            *(f"o:{p}" for p in law.permits),
            *(f"c:{x}" for x in law.conditions),
            *(f"pt:{t}" for t in law.points),
        ]
    ):
        names[key] = f"V{n}"
    cc.local_names = names
    for traced in (False, True):
        lines.append(f"def {'RUN_TRACED' if traced else 'RUN_FAST'}(a):")
        body: list[str] = [" = ".join(names.values()) + " = None", "pt = {}"]
        body += application_reader_code(law, names)
        for fact in law.facts.values():  # documented procedural defaults fill what is absent
            if fact.default is not None:
                body.append(
                    f"if {names['f:' + fact.path]} is None: {names['f:' + fact.path]} = {cc.value(fact.default)}"
                )
        for d in law.derived:
            body.append(f"{names['f:' + d.name]} = {cc.value(d.expr)}")
        for table in law.points.values():  # `semantics.points_range`, emitted
            bands = [
                (factor.cap, [(cc.cond(b.when), cc.value(b.value)) for b in factor.bands])
                for factor in table.factors
            ]
            body += sem.points_range_code(bands, "_p")
            body.append(f"pt['#{table.name}'] = _pper")
            body.append(f"{names['pt:' + table.name]} = pt[{table.name!r}] = (_plo, _phi)")
        steps, last = plan.schedule
        for kind, name, indices, new in steps:
            for i in new:
                body += _rule_code(plan, cc, i, traced)
            k = CodeKleene(f"_{len(body)}_")
            if kind == "condition":
                body += k.assign(names["c:" + name], sem.condition_met(k, [f"a{i}" for i in indices]))
            else:
                pp = plan.plans[name]
                standing = {
                    i: sem.stands(k, f"a{i}", [f"a{j}" for j, _ in pp.beaten_by.get(i, ())])
                    for i in pp.contenders
                }
                body += k.assign(
                    names["o:" + name],
                    sem.permit_outcome(
                        k, [standing[i] for i in pp.grants], [standing[i] for i in pp.restricts]
                    ),
                )
        for i in last:
            body += _rule_code(plan, cc, i, traced)
        applies = ", ".join(f"a{cr.index}" for cr in plan.rules)

        # The facts leave as a tuple; Evaluation.f makes the map only when a proof reads it.
        facts = [v for key, v in names.items() if key.startswith("f:")]
        body.append(f"f = ({''.join(v + ', ' for v in facts)})")
        body.append(f"o = {{{', '.join(f'{p!r}: ' + names['o:' + p] for p in law.permits)}}}")
        body.append(f"c = {{{', '.join(f'{x!r}: ' + names['c:' + x] for x in law.conditions)}}}")
        trace = f"({''.join(v + ', ' for v in trace_locals(plan))})" if traced else "None"
        body.append(f"return f, o, c, pt, ({applies}{',' if plan.rules else ''}), {trace}")
        lines += ["    " + line for line in body]
    namespace: dict[str, Any] = dict(RUNTIME)
    namespace.update({"ABSENT": _ABSENT, "as_date": as_date, "UNREAD": UNREAD})
    source = "\n".join(lines) + "\n"
    namespace.update(cc.constants)
    fact_names = tuple(key.split(":", 1)[1] for key in names if key.startswith("f:"))
    exec(compile(source, f"<lexgraph program {'+'.join(plan.active)}>", "exec"), namespace)  # noqa: S102 - our own generated code
    cc.local_names = {}  # from here on the compiler serves `Program.function`, which reads dictionaries
    return Generated(namespace["RUN_FAST"], namespace["RUN_TRACED"], fact_names, source)


def _rule_code(plan: Plan, cc: ExprCompiler, i: int, traced: bool) -> list[str]:
    """A rule's applicability (`a{i}`): `semantics.rule_applies`, then `semantics.requirement`."""
    cr = plan.rules[i]
    rule = cr.rule
    conds = cr.conditions
    out: list[str] = []
    if traced:  # every condition and exception is evaluated and recorded
        c_names = [f"_c{i}_{n}" for n in range(len(conds))]
        u_names = [f"_u{i}_{n}" for n in range(len(rule.unless))]
        out += [f"{name} = {cc.cond(x)}" for name, x in zip(c_names, conds, strict=True)]
        out += [f"{name} = {cc.cond(x)}" for name, x in zip(u_names, rule.unless, strict=True)]
        k = CodeKleene(f"_r{i}_")
        out += k.assign(f"a{i}", sem.rule_applies(k, c_names, u_names))
    else:  # one short-circuiting expression: the lazy form of the same conjunction
        whole = m.And((*conds, *(m.Not(u) for u in rule.unless))) if (conds or rule.unless) else m.Lit(True)
        out.append(f"a{i} = {cc.cond(whole)}")
    if cr.demands is not None:
        if traced:
            out.append(f"_d{i} = UNREAD")
        out.append(f"if a{i} is not False:")  # what it demands is read only where it may bind
        out.append(f"    _av = {cc.cond(cr.demands)}")
        if traced:
            out.append(f"    _d{i} = _av")
        k = CodeKleene(f"_q{i}_")
        out += ["    " + line for line in k.assign(f"a{i}", sem.requirement(k, f"a{i}", "_av"))]
    return out


_ABSENT = object()
UNREAD = object()  # a requirement's demand not read (the requirement cannot bind)


def trace_locals(plan: Plan) -> list[str]:
    """The traced run's locals, in the order of the flat trace `RuleTrace` reads: per rule its
    conditions, its exceptions and (a requirement) what it demands."""
    out: list[str] = []
    for cr in plan.rules:
        out += [f"_c{cr.index}_{n}" for n in range(len(cr.conditions))]
        out += [f"_u{cr.index}_{n}" for n in range(len(cr.rule.unless))]
        if cr.demands is not None:
            out.append(f"_d{cr.index}")
    return out


class RuleTrace(Mapping[int, tuple[Any, ...]]):
    """A traced run's record, read like a map: rule i → (condition values, exception values);
    -1-i → (the value of what requirement i demands,) where it was read. Stored as the one flat
    tuple the generated code returns, sliced when a proof reads a rule."""

    __slots__ = ("flat", "layout", "_read")

    def __init__(self, flat: tuple[Any, ...], layout: RuleTraceLayout):
        self.flat = flat
        self.layout = layout
        self._read: dict[int, tuple[Any, ...]] = {}  # what a proof has read (it reads a rule often)

    def __getitem__(self, key: int) -> tuple[Any, ...]:
        got: tuple[Any, ...] | None = self.get(key)
        if got is None:
            raise KeyError(key)
        return got

    def as_dict(self) -> dict[int, tuple[Any, ...]]:
        """Every rule's record at once (what a proof, which reads each rule many times, wants)."""
        return {key: self[key] for key in self}

    def get(self, key: int, default: Any = None) -> Any:
        got = self._read.get(key)
        if got is not None:
            return got
        if key >= 0:
            if key >= len(self.layout.rules):
                return default
            start, n_cond, n_unless = self.layout.rules[key]
            got = self.flat[start : start + n_cond], self.flat[start + n_cond : start + n_cond + n_unless]
        else:
            at = self.layout.demands.get(-1 - key)
            if at is None or self.flat[at] is UNREAD:
                return default
            got = (self.flat[at],)
        self._read[key] = got
        return got

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int) and self.get(key) is not None

    def __iter__(self) -> Iterator[int]:
        yield from range(len(self.layout.rules))
        yield from (-1 - i for i, at in self.layout.demands.items() if self.flat[at] is not UNREAD)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass(frozen=True)
class RuleTraceLayout:
    rules: tuple[tuple[int, int, int], ...]  # per rule: (start, conditions, exceptions)
    demands: dict[int, int]  # requirement rule → position of what it demands

    @staticmethod
    def of(plan: Plan) -> RuleTraceLayout:
        rules, demands, at = [], {}, 0
        for cr in plan.rules:
            n_cond, n_unless = len(cr.conditions), len(cr.rule.unless)
            rules.append((at, n_cond, n_unless))
            at += n_cond + n_unless
            if cr.demands is not None:
                demands[cr.index] = at
                at += 1
        return RuleTraceLayout(tuple(rules), demands)
