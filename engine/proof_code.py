"""Stage 6, compiled: the proof of one program as straight-line Python, generated once from its `Shape`.

`engine/proof.py` builds a `Shape` per program (everything about a proof that no application
changes); this module turns it into code, as `engine/compile.py` turns the plan into the run
functions. Per rule: whether it binds (`semantics.rule_applies` over the traced run's flat record),
its condition traces and its proof; per permit: one function that weighs the permit's contenders
(`semantics.stands`, emitted by `CodeKleene`) and builds its `PermitDecision` for the outcome the
evaluation reached — the contenders' traces and proofs, what prevails over what, the refusal ground
for unsubmitted materials, the values and obligations, the advisory pathway and the call of its
search for missing facts (engine/proof_support.py) are written out in it, and the effects, citations
and words are constants of the code. The proofs of what a rule reads are functions of their own,
memoised per decision on the builder (`proof._ProofBuilder`), which the generated code reads.
(Over 400 lines: one generator; its templates for rules, permits and shown facts share one scheme.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from types import CodeType, FunctionType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import msgspec

from . import model as m
from . import semantics as sem
from .compile import NONE, UNREAD, point_value
from .proof_support import SupportCode, contenders_code, facts_read, generate_support, split_found
from .semantics import CodeKleene
from .trace import ConditionTrace, Effect, PathwayStep, PermitDecision, RuleProof

if TYPE_CHECKING:
    from .evaluate import Program
    from .proof import Shape, _PermitShape

_object_new = object.__new__
_copy = msgspec.structs.replace  # a proof with a few fields changed
LABEL = {True: "eligible", False: "ineligible", None: "undetermined"}


def json_value(v: Any) -> Any:
    """A fact's value as a decision shows it (JSON): none (an explicit null) as null, a date in ISO
    form, a set sorted, a whole float as an integer."""
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
_ABSENT = object()  # a part of a fact's path the application leaves out


def overridden(proof: RuleProof, by: str, principle: str) -> RuleProof:
    """A contender set aside by a rule that prevails over it and applies."""
    return _copy(
        proof, stands=False if proof.applies is not None else None, overridden_by=by, prevails_by=principle
    )


def waiting(proof: RuleProof, on: str, principle: str) -> RuleProof:
    """A contender that stands or not as a rule that would prevail over it, whose applicability is
    unknown, applies or not."""
    return _copy(proof, stands=None, waits_for=on, prevails_by=principle)


_Frozen = TypeVar("_Frozen")


def frozen(cls: type[_Frozen], **fields: Any) -> _Frozen:
    """A frozen dataclass (a `Decision`) with every field given, set at once (its `__init__` sets them
    one `object.__setattr__` at a time)."""
    d = _object_new(cls)
    d.__dict__.update(fields)
    return d


class ProofCode(NamedTuple):
    """The generated proof functions of one program."""

    shown: Callable[[tuple[Any, ...]], list[dict[str, Any] | None]]  # the fact values → every set shown
    proofs: tuple[Callable[..., RuleProof], ...]  # per rule: (builder, effect, depth) → its proof
    permits: dict[str, Callable[..., PermitDecision]]  # per permit: builder → its decision
    all: Callable[..., tuple[PermitDecision, ...]]  # builder → every permit's decision, by name
    defaults: Callable[..., dict[str, Any]]  # (application, fact values) → the facts read at a default
    support: SupportCode  # the search for missing facts (engine/proof_support.py)
    source: str  # the templates, each headed by the function it made (for a reader)


class _Writer:
    """The generated functions of one program and the objects their code names.

    Each function is written as a template: every value it reads (a position in the flat record, a
    rule's words, a permit's name) is a placeholder literal and every global it calls (another
    generated function, a citation, an effect) a placeholder name. A template is compiled once per
    process (`_template`) and each function is its code with the placeholders replaced, so the rules
    and permits of every program that share a form share one compilation."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {
            "CT": ConditionTrace,
            "RP": RuleProof,
            "UNREAD": UNREAD,
            "OVER": overridden,
            "WAIT": waiting,
            "PD": PermitDecision,
            "LABEL": LABEL,
            "PLAIN": _PLAIN,
            "J": json_value,
            "SPLIT": split_found,
            "DATE": dt.date,
            "NONE": NONE,
            "PV": point_value,
            "ABSENT": _ABSENT,
        }
        self.sources: list[str] = []
        self._named: dict[int, str] = {}

    def const(self, value: Any) -> str:
        """A global name for an object the code reads (a citation, an effect, the provisions table)."""
        name = self._named.get(id(value))
        if name is None:
            name = self._named[id(value)] = f"K{len(self._named)}"
            self.namespace[name] = value
        return name

    def function(self, name: str, params: str, fn: _Function) -> None:
        """Define `name` from the function `fn` wrote."""
        source = f"def _({params}):\n" + "".join(f"    {line}\n" for line in fn.lines)
        code = _template(source)
        values, names = fn.values, fn.names
        code = code.replace(
            co_consts=tuple(_filled(c, values) for c in code.co_consts),
            co_names=tuple(names.get(n, n) for n in code.co_names),
            co_name=name,
            co_qualname=name,
        )
        self.namespace[name] = FunctionType(code, self.namespace, name)
        self.sources.append(f"# {name}\n{source}")


class _Function:
    """One generated function's lines; `v` and `g` write a value and a global as placeholders."""

    def __init__(self, w: _Writer) -> None:
        self.w = w
        self.lines: list[str] = []
        self.values: dict[str, Any] = {}
        self.names: dict[str, str] = {}

    def v(self, value: Any) -> str:
        """A value the code reads, as a placeholder literal (see `_filled`)."""
        marker = f"{_MARK}{len(self.values)}"
        self.values[marker] = value
        return repr(marker)

    def g(self, name: str) -> str:
        """A global the code reads (a generated function by its name), as a placeholder name."""
        placeholder = f"_G{len(self.names)}"
        self.names[placeholder] = name
        return placeholder

    def k(self, value: Any) -> str:
        """An object the code reads (a citation, an effect), as a placeholder name."""
        return self.g(self.w.const(value))


_MARK = "\x00lexgraph:"  # a placeholder literal's prefix (no text of the law holds a NUL)


def _filled(const: Any, values: dict[str, Any]) -> Any:
    """A template's constant with its placeholders replaced (inside folded tuples too)."""
    kind = type(const)
    if kind is str:
        return values.get(const, const)
    if kind is tuple:
        return tuple([_filled(c, values) for c in const])
    return const


@lru_cache(maxsize=8192)
def _template(source: str) -> CodeType:
    """A template's code (compiled once per process, shared by every function of its form)."""
    module = compile(source, "<lexgraph proof>", "exec")
    code = next(c for c in module.co_consts if isinstance(c, CodeType))
    # its placeholders are filled in its own constants and names: no nested code (no comprehension)
    assert not any(isinstance(c, CodeType) for c in code.co_consts), source
    return code


def generate(shape: Shape, program: Program) -> ProofCode:
    """The proof functions of `program`, from its `Shape` (once per program)."""
    w = _Writer()
    w.namespace["PROV"] = shape.provisions
    needs_scope = {i for i, s in enumerate(shape.rules) if s.demands is not None}
    needs_scope |= {i for ps in shape.permits.values() for i in ps.requirements}
    needs_scope |= {step[0] for ps in shape.permits.values() for step in ps.documents}
    for i in sorted(needs_scope):
        w.function(f"SC{i}", "f", _scope_code(_Function(w), shape, i))
    w.function("SHOWN", "v", _shown_code(_Function(w), shape))
    for name in shape.points_factors:
        w.function(f"PTS_{name}", "B", _points_code(_Function(w), shape, name))
    for k in sorted(shape.with_points):
        w.function(f"SH{k}", "B", _points_set_code(_Function(w), shape, k))
    for i in range(len(shape.rules)):
        w.function(f"TR{i}", "B", _traces_code(_Function(w), shape, i))
        w.function(f"RP{i}", "B, e, depth", _proof_code(_Function(w), shape, i))
        if _reads(shape, i):
            w.function(f"BC{i}", "B, depth", _because_code(_Function(w), shape, i))
    names = sorted(shape.permits)
    for n, name in enumerate(names):
        w.function(f"PERMIT{n}", "B", _permit_code(_Function(w), shape, program, name, n))
    w.function("ALL", "B", _all_code(_Function(w), shape, names))
    w.function("DEFAULTS", "app, v", _defaults_code(_Function(w), shape))

    support = generate_support(w, lambda: _Function(w), shape, program)
    ns = w.namespace
    n_rules = len(shape.rules)
    return ProofCode(
        ns["SHOWN"],
        tuple(ns[f"RP{i}"] for i in range(n_rules)),
        {name: ns[f"PERMIT{n}"] for n, name in enumerate(names)},
        ns["ALL"],
        ns["DEFAULTS"],
        support,
        "\n".join(w.sources),
    )


def _all_code(fn: _Function, shape: Shape, names: list[str]) -> _Function:
    """Every permit's decision in the order of their names (each once: a proof that reads a permit's
    outcome may have built it already)."""
    read = {p for s in shape.rules for p in s.reads_permits}
    fn.lines = [
        "P = B.permits",
        "return (",
        *(
            f"    P.get({fn.v(name)}) or {fn.g(f'PERMIT{n}')}(B),"
            if name in read
            else f"    {fn.g(f'PERMIT{n}')}(B),"
            for n, name in enumerate(names)
        ),
        ")",
    ]
    return fn


def _defaults_code(fn: _Function, shape: Shape) -> _Function:
    """The facts the application left out that were read at their documented procedural default, as
    shown (`json_value`): a fact is defaulted where a part of its path is absent; a null part (there is
    none) or a part that is not an object ends the walk, not defaulted."""
    body = ["out = {}"]
    for path, parts in shape.defaulted:
        at = shape.fact_at.get(path)
        body.append(f"x = app.get({fn.v(parts[0])}, ABSENT)")
        pad = ""
        for part in parts[1:]:
            body.append(f"{pad}if x is not ABSENT and x is not None:")
            pad += "    "
            body.append(f"{pad}x = x.get({fn.v(part)}, ABSENT) if isinstance(x, dict) else x")
        body += [
            "if x is ABSENT:",
            f"    out[{fn.v(path)}] = {f'J(v[{fn.v(at)}])' if at is not None else 'None'}",
        ]
    fn.lines = [*body, "return out"]
    return fn


def _values_code(fn: _Function, shape: Shape, program: Program, ps: _PermitShape) -> list[str]:
    """The values the permit's standing rules give (a class, a points total with its factors, whether
    the permit is needed), each with the rule that gives it: of the rules that give a value, the first
    that stands (`semantics.stands`). A literal's value is a constant of the code."""
    body: list[str] = []
    for attr, contenders in ps.values:
        for n, (i, beaten) in enumerate(contenders):
            k = CodeKleene(f"_v{n}_")
            body += k.assign(f"v{n}", sem.stands(k, f"a[{fn.v(i)}]", [f"a[{fn.v(j)}]" for j in beaten]))
        for n, (i, _) in enumerate(contenders):
            rule = program.rules[i].rule
            expr = next(c.expr for c in rule.conclusions if c.kind == "value" and c.name == attr)
            body.append(f"{'if' if n == 0 else 'elif'} v{n} is True:")
            if isinstance(expr, m.Call) and expr.name == "points":
                body += [
                    f"    x = {fn.g(f'PTS_{expr.args[0].dotted}')}(B)",  # type: ignore[attr-defined]
                    f"    detail[{fn.v(attr)}] = x['total']",
                    f"    detail[{fn.v(attr + '_by_factor')}] = x['by_factor']",
                ]
            elif isinstance(expr, m.Lit):
                value = point_value(program.function(expr, "value")({}, {}, {}, {}))
                if value is not None:
                    body.append(f"    detail[{fn.v(attr)}] = {fn.v(json_value(value))}")
            elif expr is not None:
                body += [
                    f"    x = PV({fn.k(program.function(expr, 'value'))}({facts_read(fn, shape, expr)}, B.o, B.c, B.pt))",
                    "    if x is not None:",
                    f"        detail[{fn.v(attr)}] = J(x)",
                ]
            body.append(f"    detail.setdefault('grounds_of_values', {{}})[{fn.v(attr)}] = {fn.v(rule.id)}")
    return body


def _scope_code(fn: _Function, shape: Shape, i: int) -> _Function:
    """Whether rule i binds this application (`_scope`), as a function of the flat record."""
    fn.lines = [*_scope(fn, shape, i), "return r"]
    return fn


def _scope(fn: _Function, shape: Shape, i: int) -> list[str]:
    """`r`: whether rule i binds this application (`semantics.rule_applies` over its recorded
    conditions and exceptions in the flat record `f`): what a requirement's proof shows as its
    applicability, whatever it demands."""
    s = shape.rules[i]
    conds = [f"_c{n}" for n in range(s.n_conditions)]
    unless = [f"_u{n}" for n in range(s.n_exceptions)]
    body = [f"{name} = f[{fn.v(s.start + n)}]" for n, name in enumerate(conds)]
    body += [f"{name} = f[{fn.v(s.start + s.n_conditions + n)}]" for n, name in enumerate(unless)]
    k = CodeKleene("_k")
    return body + k.assign("r", sem.rule_applies(k, conds, unless))


def _condition(fn: _Function, shape: Shape, text: str, value: str, k: int) -> str:
    """A `ConditionTrace`: its words, its value and the facts it shows (`B.S[k]`, see `_shown_code`;
    a set with a points table is built by the builder where a proof first shows it)."""
    shown = f"(S[{fn.v(k)}] or {fn.g(f'SH{k}')}(B))" if k in shape.with_points else f"S[{fn.v(k)}]"
    return f"CT({fn.v(text)}, {value}, {shown}), "


def _shown_code(fn: _Function, shape: Shape) -> _Function:
    """The sets of facts conditions show (`Shape.shown`), all built at once per decision from the
    decision's fact values (`v`) and shared (`B.S`): each a map path → the value as shown
    (`json_value`, applied once to each fact a set reads); None for a set with a points table."""
    body: list[str] = []
    shown: dict[int, str] = {shape.unknown_at: "None"}  # a path the program does not read: unknown
    for k, readers in enumerate(shape.readers):
        for _, at in readers if k not in shape.with_points else ():
            if at not in shown:
                shown[at] = f"j{len(shown)}"
                body += [
                    f"x = v[{fn.v(at)}]",
                    f"{shown[at]} = x if type(x) in PLAIN else None if x is NONE else x.isoformat() "
                    "if type(x) is DATE else J(x)",
                ]
    sets = [
        "None"
        if k in shape.with_points
        else "{" + "".join(f"{fn.v(p)}: {shown[at]}, " for p, at in readers) + "}"
        for k, readers in enumerate(shape.readers)
    ]
    fn.lines = [*body, "return [", *(f"    {one}," for one in sets), "]"]
    return fn


def _points_set_code(fn: _Function, shape: Shape, k: int) -> _Function:
    """A set of facts shown that includes a points table (`_points_code`), built where a proof first
    shows it and kept in `B.S[k]`."""

    def shown(path: str, at: int) -> str:
        if at < 0:
            return f"{fn.g(f'PTS_{path[7:-1]}')}(B)"
        return "None" if at == shape.unknown_at else f"J(v[{fn.v(at)}])"  # unknown: not read

    items = "".join(f"{fn.v(p)}: {shown(p, at)}, " for p, at in shape.readers[k])
    fn.lines = ["v = B.values", f"x = B.S[{fn.v(k)}] = {{{items}}}", "return x"]
    return fn


def _points_code(fn: _Function, shape: Shape, name: str) -> _Function:
    """A points table's total and each factor's points as a decision shows them: a number where the
    range is one number, else its `min` and `max` (the points ranges, `pt`, of the run); once per
    decision (`B.points`), shared by the facts shown and the value it gives."""
    factors = shape.points_factors[name]
    body = [f"x = B.points.get({fn.v(name)})", "if x is not None:", "    return x", "pt = B.pt"]
    body += [f"lo, hi = pt[{fn.v(name)}]", f"r = pt[{fn.v('#' + name)}]"]
    for n in range(len(factors)):
        body += [f"a, b = r[{n}]", f"x{n} = a if a == b else {{'min': a, 'max': b}}"]
    by_factor = "".join(f"{fn.v(f)}: x{n}, " for n, f in enumerate(factors))
    body.append(
        f"x = B.points[{fn.v(name)}] = "
        f"{{'total': lo if lo == hi else {{'min': lo, 'max': hi}}, 'by_factor': {{{by_factor}}}}}"
    )
    body.append("return x")
    fn.lines = body
    return fn


def _traces_code(fn: _Function, shape: Shape, i: int) -> _Function:
    """Rule i's conditions and exceptions as a proof shows them, whether it applies and (a requirement)
    whether what it demands is satisfied; kept in the builder's `T[i]` for every proof of the rule."""
    fn.lines = ["f = B.flat", "S = B.S", "a = B.applies", "T = B.T", *_traces_of(fn, shape, i), "return t"]
    return fn


def _traces_of(fn: _Function, shape: Shape, i: int) -> list[str]:
    """`t`, rule i's traces, built and kept in `T[i]` (reading locals `f`: the flat record, `S`: the sets
    of facts shown, `a`: the applicabilities)."""
    s = shape.rules[i]
    if s.demands is None:
        return [f"t = T[{fn.v(i)}] = {_traced(fn, shape, i)}"]
    conds = "".join(
        _condition(fn, shape, t, f"f[{fn.v(s.start + n)}]", k) for n, (t, k) in enumerate(s.conditions)
    )
    excs = "".join(
        _condition(fn, shape, t, f"f[{fn.v(s.start + s.n_conditions + n)}]", k)
        for n, (t, k) in enumerate(s.exceptions)
    )
    # what it demands, as the traced run read it; where the run did not (it cannot bind), by its
    # compiled function
    body = [f"dm = f[{fn.v(s.demand_at)}]" if s.demand_at >= 0 else "dm = UNREAD", "if dm is UNREAD:"]
    body.append(f"    dm = B.unread({fn.v(i)})")
    conds += _condition(fn, shape, s.demands[0], "dm", s.demands[1])
    body += _scope(fn, shape, i)
    return [*body, f"t = T[{fn.v(i)}] = (({conds}), ({excs}), r, dm)"]


def _traced(fn: _Function, shape: Shape, i: int) -> str:
    """The traces of rule i, which demands nothing (reading locals `f`: the flat record, `S`: the sets
    of facts shown, `a`: the applicabilities): its conditions, its exceptions, whether it applies."""
    s = shape.rules[i]
    conds = "".join(
        _condition(fn, shape, t, f"f[{fn.v(s.start + n)}]", k) for n, (t, k) in enumerate(s.conditions)
    )
    excs = "".join(
        _condition(fn, shape, t, f"f[{fn.v(s.start + s.n_conditions + n)}]", k)
        for n, (t, k) in enumerate(s.exceptions)
    )
    return f"(({conds}), ({excs}), a[{fn.v(i)}], None)"


def _rule_proof(fn: _Function, shape: Shape, i: int, effect: str, because: str) -> str:
    """Rule i's proof with `effect`, from its traces unpacked (`_traces`: `cs`, `xs`, `ap`, `sa`) — the
    one template of a `RuleProof`."""
    s = shape.rules[i]
    return (
        f"RP({fn.v(s.rule)}, {fn.k(s.cites)}, {fn.v(s.status)}, {effect}, ap, ap, cs, xs, {because}, '', '', "
        f"{fn.v(s.note)}, {fn.v(s.source)}, {fn.v(s.gloss)}, {fn.v(s.role)}, sa, '', PROV)"
    )


def _traces(fn: _Function, shape: Shape, i: int) -> list[str]:
    """Rule i's traces (`_traces_of`, built once per decision and kept in `T`), written out here,
    unpacked: its conditions, its exceptions, whether it applies (a requirement: whether it binds) and
    whether what it demands holds."""
    return [
        f"t = T[{fn.v(i)}]",
        "if t is None:",
        *(f"    {line}" for line in _traces_of(fn, shape, i)),
        "cs, xs, ap, sa = t",
    ]


def _reads(shape: Shape, i: int) -> bool:
    s = shape.rules[i]
    return bool(s.reads or s.reads_permits)


def _proof_code(fn: _Function, shape: Shape, i: int) -> _Function:
    """Rule i's proof with a given effect, at a given depth of the proofs of what it reads."""
    because = f"({fn.g(f'BC{i}')}(B, depth) if depth < 3 else ())" if _reads(shape, i) else "()"
    fn.lines = [
        f"cs, xs, ap, sa = B.T[{fn.v(i)}] or {fn.g(f'TR{i}')}(B)",
        f"return {_rule_proof(fn, shape, i, 'e', because)}",
    ]
    return fn


def _because_code(fn: _Function, shape: Shape, i: int) -> _Function:
    """The proofs of what rule i reads: the rules that settle each named condition it reads (those
    that may make it hold; when it fails, every rule shows why), each shown by the condition's value,
    and the first grounds of each permit whose outcome it reads."""
    s = shape.rules[i]
    body = ["a = B.applies", "P = B.proofs", "d = depth + 1", "out = ()"]
    for name, settling in s.reads:
        if not settling:
            continue
        shown = {
            v: fn.k(shape.condition_effects.get((name, v)) or Effect("condition", name, v))
            for v in (True, False, None)
        }
        body.append(f"v = B.c.get({fn.v(name)})")
        # the effect shown, and its place among the three for the memo's key (hashed as a number)
        body.append(
            f"e, k = ({shown[True]}, 1) if v is True else ({shown[False]}, 2) if v is False else ({shown[None]}, 3)"
        )
        for j in settling:
            at = fn.v(j)
            # memoised by (rule, the effect's place, depth: 0 for a rule that reads nothing, whose proof
            # is the same at any depth); `B.rule_proof`'s keys hold the effect itself
            depth = "d" if _reads(shape, j) else "0"
            body += [
                f"if a[{at}] is not False or v is False:",
                f"    key = ({at}, k, {depth})",
                "    p = P.get(key)",
                "    if p is None:",
                f"        p = P[key] = {fn.g(f'RP{j}')}(B, e, {depth})",
                "    out += (p,)",
            ]
    body += [f"out += B.permit({fn.v(permit)}).grounds[:3]" for permit in s.reads_permits]
    body.append("return out")
    fn.lines = body
    return fn


def _sanction_proof(fn: _Function, shape: Shape, s: int, effect: str, standing: str) -> str:
    """Refusal ground s, for materials not submitted: it stands as the document requirements it sits
    beside (`dc`: what each demands, not held; `db`: their proofs)."""
    sh = shape.rules[s]
    return (
        f"RP({fn.v(sh.rule)}, {fn.k(sh.cites)}, {fn.v(sh.status)}, {effect}, {standing}, {standing}, "
        f"dc, (), db, '', '', {fn.v(sh.note)}, {fn.v(sh.source)}, {fn.v(sh.gloss)}, 'refusal_ground', None, "
        "'', PROV)"
    )


def _pathway(fn: _Function, shape: Shape, permit: str) -> list[str]:
    """`pathway`, the advisory pathway: the documents the permit's requirements ask for that the
    applicant does not hold (or may not), each after the documents its own issue requires (unrolled
    along the permits that issue them, each permit once on a path): what to obtain, in what order,
    from whom (in the permit's code: `f`, `T` are its locals)."""

    def unrolled(name: str, trail: frozenset[str]) -> list[str]:
        out: list[str] = []
        for _, document, issuer, *_rest in shape.permits[name].documents:
            if issuer and issuer not in trail:
                out += unrolled(issuer, trail | {issuer})
            out.append(document)
        return out

    # where no document recurs along the unrolled walk, the steps are a tuple (nothing to look up)
    documents = unrolled(permit, frozenset({permit}))
    once = len(set(documents)) == len(documents)
    body = ["held = B.held_documents", "o = B.o", "steps = ()" if once else "steps = {}"]

    def add(pad: str, doc: str, step: str) -> str:
        return f"{pad}steps += ({step},)" if once else f"{pad}steps[{doc}] = {step}"

    def visit(name: str, trail: frozenset[str], depth: int) -> list[str]:
        out: list[str] = []
        pad = "    " * depth
        for i, document, issuer, title, authority, grants in shape.permits[name].documents:
            doc = fn.v(document)
            # whether the requirement binds: as its traces show it where a proof has built them
            binds = (
                f"((t[2] if (t := T[{fn.v(i)}]) is not None else {fn.g(f'SC{i}')}(f)) is True)"
                if shape.rules[i].demands is not None
                else f"{fn.g(f'SC{i}')}(f) is True"
            )
            fresh = "" if once else f"{doc} not in steps and "
            out.append(f"{pad}if {fresh}{doc} not in held and {binds}:")
            if issuer and issuer not in trail:
                out += visit(issuer, trail | {issuer}, depth + 1)
            # the step, by the issuing permit's outcome on this application (advice, never a ground)
            if issuer:
                step = {
                    v: fn.k(PathwayStep(document, title, issuer, authority, LABEL[v], grants))
                    for v in (True, False, None)
                }
                out.append(f"{pad}    x = o.get({fn.v(issuer)})")
                out.append(
                    add(
                        pad + "    ",
                        doc,
                        f"{step[True]} if x is True else {step[False]} if x is False else {step[None]}",
                    )
                )
            else:
                out.append(
                    add(pad + "    ", doc, fn.k(PathwayStep(document, title, "", authority, "", grants)))
                )
        return out

    body += visit(permit, frozenset({permit}), 0)
    return [*body, "pathway = steps" if once else "pathway = tuple(steps.values()) if steps else ()"]


def _permit_code(fn: _Function, shape: Shape, program: Program, name: str, n: int) -> _Function:
    """One permit's decision: its contenders weighed, then the grounds and unmet rules for the outcome
    the evaluation reached (read, never recomputed)."""
    plan = program.plans[name]
    ps = shape.permits[name]
    grants, restricts = list(plan.grants), list(plan.restricts)
    requirements = set(ps.requirements)
    sanctions = bool(plan.sanctions) and bool(ps.asks_document)
    permit = fn.v(name)
    applies, st, lines = contenders_code(fn, ps)
    body = ["T = B.T", "f = B.flat", "S = B.S", *lines]

    def weighed(i: int, effect: Effect | None = None) -> list[str]:
        """`p`: contender i's proof (with its own effect on the permit, unless `effect`), with what
        prevails over it: set aside only by a rule that applies; where that rule's applicability is
        unknown, the proof says it waits for it."""
        own, beaten = ps.weigh[i]
        out = []
        if effect is not None:
            shown = fn.k(effect)
        elif own is not None:
            shown = fn.k(own)
        else:  # a requirement: shown by whether what it demands holds
            held = {v: fn.k(shape.demanded_effects[(name, i, v)]) for v in (True, False, None)}
            out += _traces(fn, shape, i)
            shown = f"({held[True]} if sa is True else {held[False]} if sa is False else {held[None]})"
        if _reads(shape, i):
            out.append(f"p = {fn.g(f'RP{i}')}(B, {shown}, 0)")
        else:  # its proof written out here (`_proof_code`, with no proofs of what it reads)
            if own is not None or effect is not None:
                out += _traces(fn, shape, i)
            out.append(f"p = {_rule_proof(fn, shape, i, shown, '()')}")
        if beaten:
            for m, (j, principle) in enumerate(beaten):
                out.append(f"{'if' if m == 0 else 'elif'} {applies[j]} is True:")
                out.append(f"    p = OVER(p, {fn.v(shape.rules[j].rule)}, {fn.v(principle)})")
            out.append("elif p.applies is not False:")
            for m, (j, principle) in enumerate(beaten):
                out.append(f"    {'if' if m == 0 else 'elif'} {applies[j]} is None:")
                out.append(f"        p = WAIT(p, {fn.v(shape.rules[j].rule)}, {fn.v(principle)})")
        return out

    def indent(lines: list[str], by: int = 1) -> list[str]:
        return ["    " * by + line for line in lines]

    def doc(i: int) -> list[str]:
        """A document requirement that stands (or may), beside which a sanction stands (or may): what it
        demands, not held, and its proof."""
        if not (sanctions and i in ps.asks_document):
            return []
        k = CodeKleene("_n")
        unheld = k.assign("nd", k.not_("p.satisfied"))
        return [
            *unheld,
            f"dc += (CT({fn.v(shape.unheld[i])}, nd, hd),)",
            "db += (p,)",
        ]

    def sanction(standing: str) -> list[str]:
        """The refusal grounds for materials not submitted, standing as the requirements they sit beside."""
        effect = fn.k(ps.sanctioned)
        return [
            "if db:",
            *(f"    g += ({_sanction_proof(fn, shape, s, effect, standing)},)" for s in plan.sanctions),
        ]

    # eligible: the grants that stand, every requirement that binds (met, or set aside by an explicit
    # clause), every other restriction that may apply
    body += [f"out = B.o[{permit}]", "if out is True:", "    g = ()", "    u = ()"]
    for i in grants:
        body += [f"    if {st[i]} is True:", *indent(weighed(i), 2), "        g += (p,)"]
    for i in restricts:
        if i in requirements:
            body += [f"    if {fn.g(f'SC{i}')}(f) is True:", *indent(weighed(i), 2), "        g += (p,)"]
    for i in restricts:
        if i not in requirements:
            body += [f"    if {applies[i]} is not False:", *indent(weighed(i), 2), "        g += (p,)"]
    body += ["    detail = {}"]
    # ineligible: the restrictions that stand (and the sanction beside the documents they ask for),
    # with the grants unmet; or, when none stands, the grants whose conditions fail are the grounds
    body += ["elif out is False:", "    g = ()", "    u = ()"]
    if sanctions:
        body += ["    dc = ()", "    db = ()", "    hd = B.held_facts"]
    for i in restricts:
        body += [
            f"    if {st[i]} is True:",
            *indent(weighed(i), 2),
            "        g += (p,)",
            *indent(doc(i), 2),
        ]
    body += ["    if g:", "        pass"]
    if sanctions:
        body += indent(sanction("True"), 2)
    for i in grants:
        body += [*indent(weighed(i), 2), "        u += (p,)"]
    body.append("    else:")
    for i in grants:
        body += [*indent(weighed(i, ps.closing), 2), "        g += (p,)"]
    body.append("        pass")
    if not grants:
        body.append("    detail = {'note': 'no provision in force on this date grants this permit'}")
    else:
        body.append("    detail = {}")
    # undetermined: the grants that stand, the restrictions that may (and the sanction beside the open
    # document requirements); the grants that do not stand are unmet
    body += ["else:", "    g = ()", "    u = ()"]
    if sanctions:
        body += ["    dc = ()", "    db = ()", "    hd = B.held_facts"]
    for i in grants:
        body += [
            *indent(weighed(i)),
            f"    if {st[i]} is True:",
            "        g += (p,)",
            "    else:",
            "        u += (p,)",
        ]
    for i in restricts:
        body += [f"    if {st[i]} is not False:", *indent(weighed(i), 2), "        g += (p,)"]
        if sanctions and i in ps.asks_document:
            body += [f"        if {st[i]} is None:", *indent(doc(i), 3)]
    if sanctions:
        body += indent(sanction("None"))
    body.append("    detail = {}")
    if ps.contrary:
        body.append("conflicts = set()")
        for i in grants:
            for j in ps.contrary:
                pair = f"{shape.rules[i].rule} ⟷ {shape.rules[j].rule}"
                body.append(f"if {st[i]} is True and {st[j]} is True:")
                body.append(f"    conflicts.add({fn.v(pair)})")
        body += ["if conflicts:", "    detail['unresolved_conflicts'] = sorted(conflicts)"]
    if ps.values:
        body += _values_code(fn, shape, program, ps)
    if plan.obligations:
        # the duties that bind the holder of the permit on this application
        body.append("obligations = []")
        for i in plan.obligations:
            rule = program.rules[i].rule
            c = next(c for c in rule.conclusions if c.kind == "obligation")
            deadline = (
                f"J(PV({fn.k(program.function(c.expr, 'value'))}({facts_read(fn, shape, c.expr)}, B.o, B.c, B.pt)))"
                if c.expr is not None
                else "None"
            )
            body += [
                f"if a[{fn.v(i)}] is True:",
                f"    obligations.append({{'duty': {fn.v(c.name)}, 'deadline': {deadline}, 'rule': {fn.v(rule.id)}}})",
            ]
        body += ["if obligations:", "    detail['obligations'] = obligations"]
    # an undetermined permit's missing facts (`proof_support`); what no fact can supply goes to `detail`
    body.append(f"missing = SPLIT({fn.g(f'MP{n}')}(B), detail) if out is None else ()")
    if ps.documents:
        # no advice to obtain what is granted, nor what the law says the applicant need not apply for
        advised = "out is not True" + (" and detail.get('needed') is not False" if ps.values else "")
        body += [
            f"if {advised}:",
            *(f"    {line}" for line in _pathway(fn, shape, name)),
            "else:",
            "    pathway = ()",
        ]
    else:
        body.append("pathway = ()")
    body += [
        f"d = B.permits[{permit}] = PD({permit}, LABEL[out], g, u, missing, detail, pathway)",
        "return d",
    ]
    fn.lines = body
    return fn
