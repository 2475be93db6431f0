"""Conditions compiled once to Python code (three-valued: True, False, None = unknown).

Every expression becomes one Python expression with short-circuiting Kleene logic; the whole
rule set becomes one module executed once per (law, date, parameters). Decisions then call
plain functions and never walk a tree.
(Over 400 lines: one generator; the fact reader and the run functions share its names and locals.)
"""

from __future__ import annotations

import datetime as dt
import keyword
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import model as m
from . import semantics as sem
from .codec import READER_RUNTIME, application_reader_code
from .plan import Plan
from .semantics import (  # noqa: F401 - re-exported: the scalar operators the generated code calls
    NONE,
    PY,
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
    from .check import Law
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
        self._const_names: dict[tuple[str, str], str] = {}
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
        """A constant of the generated code, one name per value (equal code reads equal names)."""
        key = (type(value).__name__, repr(value))
        name = self._const_names.get(key)
        if name is None:
            name = self._const_names[key] = f"K{len(self.constants)}"
            self.constants[name] = value
        return name

    def operand(self, code: str) -> tuple[str, str]:
        """An operand for a template: (how to read it first, how to read it again)."""
        again, first = self.bind(code)
        return first, again

    # ---- conditions (tri-valued): each construct emitted by its template in engine/semantics.py
    def cond(self, e: m.Expr) -> str:
        if isinstance(e, m.And | m.Or):  # literal parts (a parameter's) folded as `CodeKleene` folds them
            conjunction = isinstance(e, m.And)
            stop, neutral = ("False", "True") if conjunction else ("True", "False")
            parts = [p for p in (self.cond(x) for x in e.operands) if p != neutral]
            if stop in parts or not parts:
                return stop if parts else neutral
            return parts[0] if len(parts) == 1 else CodeKleene.lazy(parts, conjunction, self.tmp)
        if isinstance(e, m.Not):
            inner = self.cond(e.operand)
            if inner in ("True", "False", "None"):
                return repr(PY.not_({"True": True, "False": False, "None": None}[inner]))
            return CodeKleene.negate(inner, self.tmp)
        if isinstance(e, m.Compare):
            return self.compare(e)
        if isinstance(e, m.Member):
            operand = self.operand(self.value(e.operand))
            return sem.member_code(operand, self.const(frozenset(v.value for v in e.values)))
        if isinstance(e, m.Call):
            return self.call_cond(e)
        if isinstance(e, m.Path):
            ft = self.typing.type(e)
            is_object = ft is not None and ft.kind == "object"
            if e.parts[0] == "params" and len(e.parts) == 2:  # a parameter: decided here, by `truthy`
                return repr(sem.truthy(self.parameters[e.parts[1]], is_object))
            return sem.truthy_code(self.operand(self.value(e)), is_object)
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
    """The generated module of one plan: a fast and a traced run function (each returns the permit
    outcomes, the named conditions, the points ranges, every rule's applicability and — traced — the
    flat record and the facts it read), the reader of the facts (the application's facts, defaults
    applied, and the derived facts, in the order of `fact_names`, as the run functions read them),
    the reader of the facts a traced run did not read (with those it did), and its source."""

    run_fast: Callable[[dict[str, Any]], Any]
    run_traced: Callable[[dict[str, Any]], Any]
    read_facts: Callable[[dict[str, Any]], tuple[Any, ...]]
    read_rest: Callable[[dict[str, Any], tuple[tuple[Any, ...], ...]], tuple[Any, ...]]
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
    facts = [v for key, v in names.items() if key.startswith("f:")]
    settle: list[tuple[str, str]] = []  # (the fact's local, the statement that binds it)
    for fact in law.facts.values():  # documented procedural defaults fill what is absent
        if fact.default is not None:
            local = names["f:" + fact.path]
            settle.append((local, f"if {local} is None: {local} = {cc.value(fact.default)}"))
    for d in law.derived:
        settle.append((names["f:" + d.name], f"{names['f:' + d.name]} = {cc.value(d.expr)}"))
    functions: dict[str, list[str]] = {
        "READ_FACTS": [
            *application_reader_code(law, names),
            *(line for _, line in settle),
            f"return {_tuple(facts)}",
        ]
    }
    for traced in (False, True):
        body: list[str] = []
        for table in law.points.values():  # `semantics.points_range`, emitted
            bands = [
                (factor.cap, [(cc.cond(b.when), cc.value(b.value)) for b in factor.bands])
                for factor in table.factors
            ]
            body += sem.points_range_code(bands, "_p")
            body.append(f"pt['#{table.name}'] = _pper")
            body.append(f"{names['pt:' + table.name]} = pt[{table.name!r}] = (_plo, _phi)")
        # from here on facts, derived facts and points ranges keep their values
        em = _Emitter(plan, cc, traced, {v for key, v in names.items() if key.startswith(("f:", "pt:"))})
        steps, last = plan.schedule
        for kind, name, indices, new in steps:
            for i in new:
                body += em.rule(i)
            k = CodeKleene(f"_{len(body)}_")
            if kind == "condition":
                target = names["c:" + name]
                body += _assign(k, target, sem.condition_met(k, [em.applies[i] for i in indices]))
            else:
                pp = plan.plans[name]
                standing = {
                    i: sem.stands(k, em.applies[i], [em.applies[j] for j, _ in pp.beaten_by.get(i, ())])
                    for i in pp.contenders
                }
                target = names["o:" + name]
                outcome = sem.permit_outcome(
                    k, [standing[i] for i in pp.grants], [standing[i] for i in pp.restricts]
                )
                body += _assign(k, target, outcome)
            em.settled.add(target)  # settled once, so it keeps its value too
        for i in last:
            body += em.rule(i)

        # The facts a traced run read leave with it, in parts (see `joined`): a proof reads the rest
        # with READ_REST (`Evaluation.fact_values`); an untraced run's stay here (READ_FACTS).
        body.append(f"o = {{{', '.join(f'{p!r}: ' + names['o:' + p] for p in law.permits)}}}")
        body.append(f"c = {{{', '.join(f'{x!r}: ' + names['c:' + x] for x in law.conditions)}}}")
        # applicabilities and the flat record leave in parts (see `joined`)
        trace = _parts([em.slots.get(v, v) for v in trace_locals(plan)]) if traced else "None"
        body.append(f"return o, c, pt, {_parts([em.applies[cr.index] for cr in plan.rules])}, {trace}")
        # The run reads exactly the facts it uses (what it returns depends on no other).
        used = set(_IDENTIFIER.findall("\n".join(body)))
        kept: list[str] = []
        for local, line in reversed(settle):
            if local in used:
                kept.insert(0, line)
                used.update(_IDENTIFIER.findall(line))
        wanted = {key[2:] for key, v in names.items() if key.startswith("f:") and v in used}
        # a permit or named condition read before the plan settles it (or never settled) is None there
        unsettled = _read_unbound(body, [v for key, v in names.items() if key[0] in "oc"])
        if traced:
            known = [v for key, v in names.items() if key.startswith("f:") and key[2:] in wanted]
            body[-1] += f", {_parts(known)}"
            functions["READ_REST"] = _rest_reader(law, names, settle, known, facts)
        functions["RUN_TRACED" if traced else "RUN_FAST"] = [
            *([" = ".join([*unsettled, "None"])] if unsettled else []),
            "pt = {}",
            *application_reader_code(law, names, wanted),
            *kept,
            *body,
        ]
    namespace: dict[str, Any] = dict(RUNTIME)
    namespace.update(_GENERATED)
    namespace.update(cc.constants)
    for function, body in functions.items():
        # what the body reads of the module (and of the builtins) it reads as locals: bound once, as
        # keyword-only defaults, when the function is defined
        bound = sorted(set(_IDENTIFIER.findall("\n".join(body))) & (namespace.keys() | _BUILTINS))
        params = "a, known" if function == "READ_REST" else "a"
        lines.append(
            f"def {function}({params}{', *' if bound else ''}{''.join(f', {n}={n}' for n in bound)}):"
        )
        lines += ["    " + line for line in body]
    source = "\n".join(lines) + "\n"
    fact_names = tuple(key.split(":", 1)[1] for key in names if key.startswith("f:"))
    exec(compile(source, f"<lexgraph program {'+'.join(plan.active)}>", "exec"), namespace)  # noqa: S102 - our own generated code
    cc.local_names = {}  # from here on the compiler serves `Program.function`, which reads dictionaries
    return Generated(
        namespace["RUN_FAST"],
        namespace["RUN_TRACED"],
        namespace["READ_FACTS"],
        namespace["READ_REST"],
        fact_names,
        source,
    )


def _rest_reader(
    law: Law, names: dict[str, str], settle: list[tuple[str, str]], known: list[str], facts: list[str]
) -> list[str]:
    """READ_REST: every fact, as READ_FACTS reads them, from those the traced run read (`known`, its
    locals in parts) and the application's others — read, defaulted and derived here, as there."""
    rest = {key[2:] for key, v in names.items() if key.startswith("f:") and v not in known}
    return [
        *(f"{_tuple(chunk)} = known[{n}]" for n, chunk in enumerate(_chunks(known))),
        *application_reader_code(law, names, rest),
        *(line for local, line in settle if local not in known),
        f"return {_tuple(facts)}",
    ]


_LITERALS = ("True", "False", "None")


def _tuple(items: list[str]) -> str:
    return f"({''.join(x + ', ' for x in items)})"


def _parts(items: list[str]) -> str:
    """A tuple of `items` as a tuple of parts (`_chunks`; `joined` makes it one): CPython builds a
    display of more than 30 through a list, element by element — the parts cost a third as much, and
    only a proof, which reads the whole, pays for joining them."""
    return _tuple([_tuple(chunk) for chunk in _chunks(items)])


def _chunks(items: list[str]) -> list[list[str]]:
    """`items` in parts of at most 30, as a generated function returns them (`_parts`)."""
    return [items[at : at + 30] for at in range(0, len(items), 30)]


def joined(parts: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
    """One tuple of a generated tuple's parts (`_parts`): a list extended by each part copies them in
    C, a third of the cost of `itertools.chain` over their elements."""
    out: list[Any] = []
    for part in parts:
        out += part
    return tuple(out)


def _read_unbound(body: list[str], names: list[str]) -> list[str]:
    """Those of `names` that `body` reads before a statement of its own binds them."""
    bound: set[str] = set()
    unbound: set[str] = set()
    wanted = set(names)
    for line in body:
        target, sep, code = line.partition(" = ")
        read = _IDENTIFIER.findall(code if sep and target.isidentifier() else line)
        unbound.update(n for n in read if n in wanted and n not in bound)
        if sep and target.isidentifier():
            bound.add(target)
    return [n for n in names if n in unbound or n not in bound]


def _plain(code: str) -> bool:
    """A value read as it is (a local or a literal): binding it to another local only copies it."""
    return code.isidentifier() or code in _LITERALS


def _assign(k: CodeKleene, target: str, part: str) -> list[str]:
    """`k`'s statements, the last binding `part` to `target` (a negation bound there too); a
    statement whose local nothing after it reads (a part the definition folded away) is left out."""
    kept: list[str] = []
    read: set[str] = set()
    for line in reversed(k.assign(target, k.value(part))):
        name, _, code = line.partition(" = ")
        if name.startswith(k.prefix) and name not in read:
            continue
        read.update(_IDENTIFIER.findall(code))
        kept.append(line)
    return kept[::-1]


def _settle(k: CodeKleene, target: str, part: str, out: list[str]) -> str:
    """Where a result is read from: itself when plain (never copied), else `target`, bound in `out`."""
    if not k.lines and _plain(part):
        return part
    out += _assign(k, target, part)
    return target


class _Emitter:
    """The rules of one run function, in the plan's order. `applies[i]` is where rule i's
    applicability is read (its local, or the local or literal it is); in the traced run `slots`
    says where an entry of the flat record (`trace_locals`) is read, when not from its own local.

    The traced run evaluates every condition; a condition it evaluated before (the same code over
    facts, derived facts, points ranges and settled named conditions and permits — locals that keep
    their values) is read from the local that holds it, and a plain one as it is. The record stays
    complete: each entry is the value of its own condition."""

    def __init__(self, plan: Plan, cc: ExprCompiler, traced: bool, settled: set[str]):
        self.plan, self.cc, self.traced = plan, cc, traced
        self.settled = settled
        self.applies: dict[int, str] = {}
        self.slots: dict[str, str] = {}
        self._held: dict[tuple[str, ...], str] = {}

    def _key(self, code: str) -> tuple[str, ...] | None:
        """The code with its temporaries numbered in order — None unless it reads only settled locals,
        constants and the runtime (so that equal keys have equal values wherever they are read)."""
        out: list[str] = []
        temporaries: dict[str, str] = {}
        for text, name in _TOKEN.findall(code):
            if name:
                if _TEMPORARY.fullmatch(name):
                    text = temporaries.setdefault(name, f"_t{len(temporaries)}")
                elif not (
                    name in self.settled
                    or _CONSTANT.fullmatch(name)
                    or keyword.iskeyword(name)
                    or name in _GLOBALS
                ):
                    return None
            out.append(text)
        return tuple(out)

    def held(self, code: str, slot: str | None = None) -> str | None:
        """Where the value of `code` is read without evaluating it again: itself when plain and
        settled, the local that holds it when evaluated before (unconditionally); else None, and
        `slot` is the local that holds it from here on."""
        key = self._key(code) if self.traced else None
        if key is None:
            return None
        if _plain(code):
            return code
        got = self._held.get(key)
        if got is None and slot is not None:
            self._held[key] = slot
        return got

    def condition(self, slot: str, code: str, out: list[str]) -> str:
        """A traced condition, evaluated unconditionally into the flat record's `slot`: where it is read."""
        got = self.held(code, slot)
        if got is None:
            out.append(f"{slot} = {code}")
            self.settled.add(slot)
            return slot
        self.slots[slot] = got
        return got

    def rule(self, i: int) -> list[str]:
        """Rule i's applicability: `semantics.rule_applies`, then `semantics.requirement`."""
        cr = self.plan.rules[i]
        rule, cc = cr.rule, self.cc
        out: list[str] = []
        k = CodeKleene(f"_r{i}_")
        if self.traced:  # every condition and exception is evaluated and recorded
            applies = sem.rule_applies(
                k,
                [self.condition(f"_c{i}_{n}", cc.cond(x), out) for n, x in enumerate(cr.conditions)],
                [self.condition(f"_u{i}_{n}", cc.cond(x), out) for n, x in enumerate(rule.unless)],
            )
        else:  # one short-circuiting expression: the lazy form of the same conjunction
            whole = (*cr.conditions, *(m.Not(u) for u in rule.unless))
            applies = cc.cond(m.And(whole)) if whole else "True"
        # a requirement binds `a{i}` again below: until then it holds no applicability to share
        name = self._applies(k, f"a{i}", applies, out, shared=cr.demands is None)
        if cr.demands is not None:  # what it demands is read only where it may bind
            name = self._requirement(i, cr.demands, name, out)
        self.applies[i] = name
        self.settled.add(name)
        return out

    def _applies(self, k: CodeKleene, target: str, part: str, out: list[str], shared: bool = True) -> str:
        """`_settle`, and in the traced run a rule whose applicability is the same code over the
        same conditions as one before it is read from that one's local (`shared`: `target` keeps
        its value, and later rules may read it so)."""
        if not self.traced or (not k.lines and _plain(part)):
            return _settle(k, target, part, out)
        lines = _assign(k, target, part)
        if len(lines) == 1:
            got = self.held(lines[0].partition(" = ")[2], target if shared else None)
            if got is not None:
                return got
        out += lines
        return target

    def _requirement(self, i: int, demands: m.Expr, applies: str, out: list[str]) -> str:
        demand = f"_d{i}" if self.traced else "_av"
        k = CodeKleene(f"_q{i}_")
        if applies == "False":  # it cannot bind: nothing is read
            if self.traced:
                self.slots[demand] = "UNREAD"
            return applies
        code = self.cc.cond(demands)
        if applies in _LITERALS:  # it binds (or may): what it demands is always read
            demanded = self.condition(demand, code, out) if self.traced else demand
            if not self.traced:
                out.append(f"{demand} = {code}")
            return self._applies(k, f"a{i}", sem.requirement(k, applies, demanded), out)
        out.append(f"if {applies} is not False:")
        out.append(f"    {demand} = {self.held(code) or code}")
        out += ["    " + line for line in _assign(k, f"a{i}", sem.requirement(k, applies, demand))]
        if self.traced or applies != f"a{i}":
            out.append("else:")
            if self.traced:
                out.append(f"    {demand} = UNREAD")
            if applies != f"a{i}":
                out.append(f"    a{i} = False")
        return f"a{i}"


_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
# generated code's tokens: string literals (whole), numbers, names (the second group), the rest
_TOKEN = re.compile(r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\d[\w.]*|([A-Za-z_]\w*)|\S)""")
_BUILTINS = frozenset({"frozenset", "isinstance", "type", "int", "float"})  # what the templates call
_TEMPORARY = re.compile(r"_\d+")
_CONSTANT = re.compile(r"K\d+")


UNREAD = object()  # a requirement's demand not read (the requirement cannot bind)
_GENERATED: dict[str, Any] = {**READER_RUNTIME, "UNREAD": UNREAD}
_GLOBALS = frozenset(RUNTIME) | frozenset(_GENERATED)  # the names generated code reads besides its own


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
    tuple (`flat`) the generated code returns in parts, sliced when a proof reads a rule."""

    __slots__ = ("flat", "_parts", "layout", "_read")
    flat: tuple[Any, ...]  # every condition's value, in the order of the layout

    def __init__(
        self,
        flat: tuple[Any, ...] | None,
        layout: RuleTraceLayout,
        parts: tuple[tuple[Any, ...], ...] = (),  # when `flat` is None: its parts, joined when first read
    ):
        if flat is not None:
            self.flat = flat
        self._parts = parts
        self.layout = layout
        self._read: dict[int, tuple[Any, ...]] | None = None  # what a proof has read (it reads a rule often)

    def __getattr__(self, name: str) -> Any:  # only while `flat` is unset: joined once, then a slot
        if name != "flat":
            raise AttributeError(name)
        self.flat = flat = joined(self._parts)
        return flat

    def __getitem__(self, key: int) -> tuple[Any, ...]:
        got: tuple[Any, ...] | None = self.get(key)
        if got is None:
            raise KeyError(key)
        return got

    def as_dict(self) -> dict[int, tuple[Any, ...]]:
        """Every rule's record at once (what a proof, which reads each rule many times, wants)."""
        return {key: self[key] for key in self}

    def get(self, key: int, default: Any = None) -> Any:
        read = self._read
        if read is None:
            read = self._read = {}
        got = read.get(key)
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
        read[key] = got
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
