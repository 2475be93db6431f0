"""Stage 6, compiled: the search for missing facts of one program, generated once from its `Shape`.

An undetermined permit (or cancellation) lists the unknown facts that can still change its outcome:
the dependency closure through its contenders, the conditions and permits they read, derived facts
and points tables — never the facts of a part already decided. This module writes that search as
straight-line Python per program (engine/proof_code.py writes the rest of the proof the same way):

* per rule i (`MR{i}`): the unknown facts behind its unknown conditions, negated exceptions and (a
  requirement) negated demand — each one's truth as the traced run recorded it (`B.flat`) — walked
  into: a junction's operands each by its own compiled truth function (`Program.function`, so the
  search and the decision share one semantics; a negation's operand is unknown exactly when the
  negation is, so it is not asked again), a standard not at hand as a marker, a named condition
  through the rules that settle it, a permit's outcome through that permit's search, and any other
  condition as the facts it reads (a derived fact by its unknown sources) and the points tables it
  reads whose factors are not settled;
* per named condition (`MC{k}`) and per permit (`MP{n}`): the same over the rules that settle the
  condition, and over the permit's contenders that may yet stand (`semantics.stands`, emitted by
  `CodeKleene`) with the rules that would prevail over them.

Each is memoised per decision in the builder's `_support` (rules by index, named conditions by a
negative number, permits by name); re-entry — impossible in a checked law — adds nothing. Facts are
listed in the walk's order, with repeats; the caller sorts them into a set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from . import model as m
from . import semantics as sem
from .expressions import calls, fact_paths
from .graph import conjuncts
from .semantics import CodeKleene

if TYPE_CHECKING:
    from .evaluate import Program
    from .proof import Shape, _PermitShape
    from .proof_code import _Function, _Writer


def facts_read(fn: _Function, shape: Shape, expr: m.Expr) -> str:
    """The facts `expr` reads, as the map its compiled function (`Program.function`) reads them from:
    `Evaluation.f` cut to those paths (a path no fact holds reads as unknown, as it does there)."""
    paths = dict.fromkeys(p for p in fact_paths(expr) if p in shape.fact_at)
    return "{" + "".join(f"{fn.v(p)}: B.values[{fn.v(shape.fact_at[p])}], " for p in paths) + "}"


def contenders_code(fn: _Function, ps: _PermitShape) -> tuple[dict[int, str], dict[int, str], list[str]]:
    """A permit's contenders as locals of its generated code: (each rule read → its applicability,
    `a{n}` by its place in the permit, the same form in every program; each contender → whether it
    stands, `semantics.stands`, emitted by `CodeKleene` — one nothing prevails over stands as it
    applies, so it is its `a`; the lines that bind them)."""
    read = sorted({i for i, beaten in ps.contenders for i in (i, *beaten)})
    applies = {i: f"a{n}" for n, i in enumerate(read)}
    lines = ["a = B.applies", *(f"{applies[i]} = a[{fn.v(i)}]" for i in read)]
    st: dict[int, str] = {}
    for i, beaten in ps.contenders:
        k = CodeKleene(f"_s{applies[i]}_")
        standing = sem.stands(k, applies[i], [applies[j] for j in beaten])
        st[i] = standing if standing == applies[i] else f"s{applies[i][1:]}"
        if st[i] != standing:
            lines += k.assign(st[i], standing)
    return applies, st, lines


# marks, among the missing facts, a standard not at hand (`detail`); its NUL sorts it before any path
NOT_AT_HAND = "\0not_at_hand:"


class SupportCode(NamedTuple):
    """The generated search for missing facts of one program: builder → the facts, in the walk's order."""

    rules: tuple[Callable[[Any], list[str]], ...]  # per rule (a permit's code calls its own, `MP{n}`)


# a fact a condition reads, as the search looks at it: its path, where its value lies in the
# program's fact tuple (-1: the program does not read it, so it is unknown), and for a derived fact
# its sources likewise (None for any other fact); whether the law declares it
Read = tuple[str, int, "tuple[tuple[str, int], ...] | None", bool]


def fact_reads(program: Program, fact_at: Mapping[str, int], paths: list[str]) -> tuple[Read, ...]:
    """The facts read at `paths` that can be missing (never a parameter nor the decision date)."""
    out: list[Read] = []
    for path in paths:
        if path.startswith("params.") or path == "decision_date":
            continue
        sources = program.derived_sources.get(path)
        derived = None if sources is None else tuple((s, fact_at.get(s, -1)) for s in sources)
        out.append((path, fact_at.get(path, -1), derived, path in program.law.facts))
    return tuple(out)


def generate_support(w: _Writer, new: Callable[[], _Function], shape: Shape, program: Program) -> SupportCode:
    """The search's functions, defined in the proof's namespace (`w`); `new` starts a function."""
    conditions = {name: k for k, name in enumerate(sorted(program.condition_rules))}
    permits = {name: n for n, name in enumerate(sorted(program.plans))}
    for i in range(len(program.rules)):
        w.function(f"MR{i}", "B", _Search(new(), shape, program, conditions, permits).rule(i))
    for name, k in conditions.items():
        w.function(f"MC{k}", "B", _Search(new(), shape, program, conditions, permits).condition(name, k))
    for name, n in permits.items():
        w.function(f"MP{n}", "B", _Search(new(), shape, program, conditions, permits).permit(name))
    ns = w.namespace
    return SupportCode(tuple(ns[f"MR{i}"] for i in range(len(program.rules))))


class _Search:
    """One generated function of the search: its lines, appending to `out`."""

    def __init__(
        self,
        fn: _Function,
        shape: Shape,
        program: Program,
        conditions: dict[str, int],
        permits: dict[str, int],
    ):
        self.fn, self.shape, self.program = fn, shape, program
        self.conditions, self.permits = conditions, permits
        self.values = False  # whether the code reads the fact tuple (`v`)

    # ------------------------------------------------------------------ the functions
    def _memoised(self, key: str, body: list[str]) -> _Function:
        """`body` (appending to `out`) memoised per decision under `key` (a placeholder)."""
        head = ["m = B._support", f"got = m.get({key})", "if got is not None:", "    return got"]
        head += [f"m[{key}] = []", "out = []"]  # re-entry adds nothing
        if self.values:
            head.append("v = B.values")
        self.fn.lines = [*head, *body, f"m[{key}] = out", "return out"]
        return self.fn

    def rule(self, i: int) -> _Function:
        """Rule i: each unknown condition, negated exception and negated demand, walked into."""
        fn, s, cr = self.fn, self.shape.rules[i], self.program.rules[i]
        parts = conjuncts(cr.rule.when)
        assert len(parts) == s.n_conditions and len(cr.rule.unless) == s.n_exceptions, cr.rule.id
        body = ["f = B.flat"]
        for n, e in enumerate((*parts, *(m.Not(u) for u in cr.rule.unless))):
            body += [f"if f[{fn.v(s.start + n)}] is None:", *self._unknown(e, 1)]
        if cr.demands is not None:
            # what it demands, as the run read it; where the run did not (it cannot bind), compiled
            body.append(f"d = f[{fn.v(s.demand_at)}]" if s.demand_at >= 0 else "d = UNREAD")
            body += ["if d is UNREAD:", f"    d = B.unread({fn.v(i)})"]
            body += ["if d is None:", *self._unknown(m.Not(cr.demands), 1)]
        return self._memoised(fn.v(i), body)

    def condition(self, name: str, k: int) -> _Function:
        """A named condition: the rules that settle it whose applicability is unknown."""
        fn = self.fn
        body = ["a = B.applies"]
        for j in self.program.condition_rules[name]:
            body += [f"if a[{fn.v(j)}] is None:", f"    out += {fn.g(f'MR{j}')}(B)"]
        return self._memoised(fn.v(-1 - k), body)

    def permit(self, name: str) -> _Function:
        """A permit not yet decided: its grants that may stand while none does, its restrictions that
        may stand, each with the rules that would prevail over it."""
        fn, plan = self.fn, self.program.plans[name]
        ps = self.shape.permits[name]
        applies, st, lines = contenders_code(fn, ps)
        body = [f"if B.o.get({fn.v(name)}) is None:", *(f"    {line}" for line in lines)]
        k = CodeKleene("_g")
        body += [f"    {line}" for line in k.assign("granted", k.or_([st[i] for i in plan.grants]))]

        def weighed(i: int, pad: str) -> list[str]:
            out = []
            for j in (i, *(j for j, _ in plan.beaten_by.get(i, ()))):
                out += [f"{pad}if {applies[j]} is None:", f"{pad}    out += {fn.g(f'MR{j}')}(B)"]
            return out

        for i in plan.grants:
            body += [f"    if granted is None and {st[i]} is None:", *weighed(i, "        ")]
        for i in plan.restricts:
            body += [f"    if {st[i]} is None:", *weighed(i, "        ")]
        body.append("    pass")
        return self._memoised(fn.v(name), body)

    # ------------------------------------------------------------------ a condition, unrolled
    def _support(self, e: m.Expr, depth: int) -> list[str]:
        """The unknown facts behind `e` if its truth is unknown (by its compiled function)."""
        truth = self.fn.k(self.program.function(e))
        facts = facts_read(self.fn, self.shape, e)
        return [f"{'    ' * depth}if {truth}({facts}, B.o, B.c, B.pt) is None:", *self._unknown(e, depth + 1)]

    def _unknown(self, e: m.Expr, depth: int) -> list[str]:
        """The unknown facts behind `e`, whose truth is unknown (at indentation `depth`)."""
        fn, pad = self.fn, "    " * depth
        if isinstance(e, m.Not):  # its operand is unknown exactly when it is
            return self._unknown(e.operand, depth)
        if isinstance(e, m.And | m.Or):
            return [line for o in e.operands for line in self._support(o, depth)] or [f"{pad}pass"]
        if isinstance(e, m.Call) and e.name == "not_at_hand":
            return [f"{pad}out.append({fn.v(NOT_AT_HAND + str(e.args[0].value))})"]  # type: ignore[attr-defined]
        if isinstance(e, m.Call) and e.args and isinstance(e.args[0], m.Path):
            if e.name == "met":
                return self._condition(e.args[0].dotted, pad)
            if e.name in ("eligible", "ineligible"):
                return self._permit(e.args[0].dotted, pad)
        lines = self._facts(fact_reads(self.program, self.shape.fact_at, fact_paths(e)), pad)
        for call in calls(e):
            name = call.args[0].dotted if call.args and isinstance(call.args[0], m.Path) else ""
            if call.name == "points":
                lines.append(f"{pad}ph = B.pt[{fn.v('#' + name)}]")
                for n, reads in enumerate(self.shape.points_reads[name]):
                    if reads:
                        lines.append(f"{pad}if ph[{fn.v(n)}][0] != ph[{fn.v(n)}][1]:")
                        lines += self._facts(reads, pad + "    ") or [f"{pad}    pass"]
            elif call.name == "met":
                lines += self._support(call, depth)
            elif call.name in ("eligible", "ineligible"):
                lines += self._permit(name, pad)
        return lines or [f"{pad}pass"]

    def _condition(self, name: str, pad: str) -> list[str]:
        """A named condition's search (a name the law does not declare is settled by no rule)."""
        k = self.conditions.get(name)
        return [f"{pad}pass"] if k is None else [f"{pad}out += {self.fn.g(f'MC{k}')}(B)"]

    def _permit(self, name: str, pad: str) -> list[str]:
        """A permit's search (a checked law reads only the permits it declares)."""
        return [f"{pad}out += {self.fn.g(f'MP{self.permits[name]}')}(B)"]

    def _facts(self, reads: tuple[Read, ...], pad: str) -> list[str]:
        """The facts read that are unknown; for a derived fact, its unknown sources (if all are known,
        as in a division by zero, all of them)."""
        fn = self.fn
        out: list[str] = []
        for path, at, derived, declared in reads:
            if derived is None and not declared:
                continue
            inner = pad
            if at >= 0:
                self.values = True
                out.append(f"{pad}if v[{fn.v(at)}] is None:")
                inner = pad + "    "
            if derived is None:
                out.append(f"{inner}out.append({fn.v(path)})")
                continue
            if not derived:  # a derived fact of no source: nothing to supply
                out.append(f"{inner}pass")
                continue
            if any(k < 0 for _, k in derived):  # one source at least is always unknown
                for s, k in derived:
                    out += self._fact(s, k, inner)
                continue
            out.append(f"{inner}n = len(out)")
            for s, k in derived:
                out += self._fact(s, k, inner)
            out += [f"{inner}if len(out) == n:", *(f"{inner}    out.append({fn.v(s)})" for s, _ in derived)]
        return out

    def _fact(self, path: str, at: int, pad: str) -> list[str]:
        """A fact, if unknown."""
        if at < 0:
            return [f"{pad}out.append({self.fn.v(path)})"]
        self.values = True
        return [f"{pad}if v[{self.fn.v(at)}] is None:", f"{pad}    out.append({self.fn.v(path)})"]


def split_found(found: list[str], detail: dict[str, Any]) -> tuple[str, ...]:
    """The facts a search found, sorted once each; the standards not at hand it met (marked, so sorted
    first) go to `detail["not_at_hand"]`."""
    if not found:
        return ()
    facts = sorted(set(found))
    k = 0
    while k < len(facts) and facts[k].startswith(NOT_AT_HAND):
        k += 1
    if k:
        detail["not_at_hand"] = [s[len(NOT_AT_HAND) :] for s in facts[:k]]
    return tuple(facts[k:])
