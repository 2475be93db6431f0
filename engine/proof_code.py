"""Stage 6, compiled: the proof of one program as straight-line Python, generated once from its `Shape`.

`engine/proof.py` builds a `Shape` per program (everything about a proof that no application
changes); this module turns it into code, as `engine/compile.py` turns the plan into the run
functions. Per rule: whether it binds (`semantics.rule_applies` over the traced run's flat record),
its condition traces and its proof; per permit: one function that weighs the permit's contenders
(`semantics.stands`, emitted by `CodeKleene`) and builds its `PermitDecision` for the outcome the
evaluation reached — the contenders, what prevails over what, the effects, citations and words are
constants of the code. What only some decisions need (the facts still missing, values, obligations,
the advisory pathway, the refusal ground for unsubmitted materials, the named conditions and permits
a rule reads) is called from the generated code on the per-decision builder (`proof._ProofBuilder`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from . import semantics as sem
from .compile import UNREAD
from .semantics import CodeKleene, Tri
from .trace import ConditionTrace, Effect, PathwayStep, PermitDecision, RuleProof

if TYPE_CHECKING:
    from .evaluate import Program
    from .proof import Shape

_new = tuple.__new__  # a named tuple built from a tuple in one call (its generated __new__ takes keywords)
_object_new = object.__new__
# a RuleProof's fields by position, for the copies that change a few (faster than `_replace`)
_APPLIES, _STANDS, _OVERRIDDEN_BY, _PREVAILS_BY, _WAITS_FOR, _SATISFIED = (
    RuleProof._fields.index(f)
    for f in ("applies", "stands", "overridden_by", "prevails_by", "waits_for", "satisfied")
)
LABEL = {True: "eligible", False: "ineligible", None: "undetermined"}


def overridden(proof: RuleProof, by: str, principle: str) -> RuleProof:
    """A contender set aside by a rule that prevails over it and applies."""
    changed = list(proof)
    changed[_STANDS] = False if proof.applies is not None else None
    changed[_OVERRIDDEN_BY] = by
    changed[_PREVAILS_BY] = principle
    return _new(RuleProof, changed)


def waiting(proof: RuleProof, on: str, principle: str) -> RuleProof:
    """A contender that stands or not as a rule that would prevail over it, whose applicability is
    unknown, applies or not."""
    changed = list(proof)
    changed[_STANDS] = None
    changed[_WAITS_FOR] = on
    changed[_PREVAILS_BY] = principle
    return _new(RuleProof, changed)


def permit_decision(
    permit: str,
    outcome: str,
    grounds: tuple[RuleProof, ...],
    unmet: tuple[RuleProof, ...],
    missing: tuple[str, ...],
    detail: dict[str, Any],
    pathway: tuple[Any, ...],
) -> PermitDecision:
    """A grant's `PermitDecision`, its fields set at once (the frozen dataclass's `__init__` sets them
    one `object.__setattr__` at a time, which costs more than the rest of a small permit's proof)."""
    d = _object_new(PermitDecision)
    d.__dict__.update(
        permit=permit,
        outcome=outcome,
        grounds=grounds,
        unmet=unmet,
        missing_facts=missing,
        detail=detail,
        pathway=pathway,
        kind="grant",
    )
    return d


class ProofCode(NamedTuple):
    """The generated proof functions of one program."""

    scopes: tuple[Callable[[tuple[Any, ...]], Tri] | None, ...]  # per rule: flat record → whether it binds
    traces: tuple[Callable[..., Any], ...]  # per rule: builder → (conditions, exceptions, applies, satisfied)
    proofs: tuple[Callable[..., RuleProof], ...]  # per rule: (builder, effect, depth) → its proof
    permits: dict[str, Callable[..., PermitDecision]]  # per permit: builder → its decision
    source: str


class _Writer:
    """The generated module's text and the objects its code names."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {
            "_new": _new,
            "CT": ConditionTrace,
            "RP": RuleProof,
            "UNREAD": UNREAD,
            "OVER": overridden,
            "WAIT": waiting,
            "PD": permit_decision,
            "LABEL": LABEL,
            "PS": PathwayStep,
            "EMPTY": frozenset(),
        }
        self.lines: list[str] = []
        self._named: dict[int, str] = {}

    def const(self, value: Any) -> str:
        """A global name for an object the code reads (a citation, an effect, the provisions table)."""
        name = self._named.get(id(value))
        if name is None:
            name = self._named[id(value)] = f"K{len(self._named)}"
            self.namespace[name] = value
        return name

    def function(self, header: str, body: list[str]) -> None:
        self.lines.append(f"def {header}:")
        self.lines += ["    " + line for line in body]
        self.lines.append("")


def generate(shape: Shape, program: Program) -> ProofCode:
    """The proof functions of `program`, from its `Shape` (once per program)."""
    w = _Writer()
    w.namespace["PROV"] = shape.provisions
    needs_scope = {i for i, s in enumerate(shape.rules) if s.demands is not None}
    needs_scope |= {i for ps in shape.permits.values() for i in ps.requirements}
    needs_scope |= {step[0] for ps in shape.permits.values() for step in ps.documents}
    for i in sorted(needs_scope):
        w.function(f"SC{i}(f)", _scope_code(shape, i))
    for k in range(len(shape.shown)):
        w.function(f"F{k}(B)", _shown_code(shape, k))
    for i in range(len(shape.rules)):
        w.function(f"TR{i}(B)", _traces_code(shape, i))
        w.function(f"RP{i}(B, e, depth)", _proof_code(w, shape, i))
        if _reads(shape, i):
            w.function(f"BC{i}(B, depth)", _because_code(w, shape, i))
    names = sorted(shape.permits)
    for n, name in enumerate(names):
        if shape.permits[name].documents:
            w.function(f"PATH{n}(B)", _pathway_code(shape, program, name))
        w.function(f"PERMIT{n}(B)", _permit_code(w, shape, program, name, n))
    source = "\n".join(w.lines) + "\n"
    exec(compile(source, f"<lexgraph proof {'+'.join(program.active)}>", "exec"), w.namespace)  # noqa: S102 - generated from the program's own shape
    ns = w.namespace
    n_rules = len(shape.rules)
    return ProofCode(
        tuple(ns.get(f"SC{i}") for i in range(n_rules)),
        tuple(ns[f"TR{i}"] for i in range(n_rules)),
        tuple(ns[f"RP{i}"] for i in range(n_rules)),
        {name: ns[f"PERMIT{n}"] for n, name in enumerate(names)},
        source,
    )


def _scope_code(shape: Shape, i: int) -> list[str]:
    """Whether rule i binds this application (`semantics.rule_applies` over its recorded conditions
    and exceptions): what a requirement's proof shows as its applicability, whatever it demands."""
    s = shape.rules[i]
    conds = [f"_c{n}" for n in range(s.n_conditions)]
    unless = [f"_u{n}" for n in range(s.n_exceptions)]
    body = [f"{name} = f[{s.start + n}]" for n, name in enumerate(conds)]
    body += [f"{name} = f[{s.start + s.n_conditions + n}]" for n, name in enumerate(unless)]
    k = CodeKleene("_k")
    body += k.assign("r", sem.rule_applies(k, conds, unless))
    body.append("return r")
    return body


def _condition(text: str, value: str, k: int) -> str:
    """A `ConditionTrace`: its words, its value and the facts it shows (see `_shown_code`)."""
    return f"_new(CT, ({text!r}, {value}, S[{k}] or F{k}(B))), "


def _shown_code(shape: Shape, k: int) -> list[str]:
    """A set of facts conditions show (`Shape.shown[k]`), built once per decision and shared (`B.S`):
    a map path → value read from the decision's facts as shown, or (a set with a points table) by
    the builder."""
    readers = shape.readers[k]
    if readers is None:
        return [f"return B.shown({k})"]
    facts = "".join(f"{path!r}: jv[{at}], " for path, at in readers)
    return ["jv = B.jv or B.json_values()", f"s = B.S[{k}] = {{{facts}}}", "return s"]


def _traces_code(shape: Shape, i: int) -> list[str]:
    """Rule i's conditions and exceptions as a proof shows them, whether it applies and (a requirement)
    whether what it demands is satisfied; kept in the builder's `T[i]` for every proof of the rule."""
    s = shape.rules[i]
    body = ["f = B.flat", "S = B.S"]
    conds = "".join(_condition(t, f"f[{s.start + n}]", k) for n, (t, k) in enumerate(s.conditions))
    excs = "".join(
        _condition(t, f"f[{s.start + s.n_conditions + n}]", k) for n, (t, k) in enumerate(s.exceptions)
    )
    if s.demands is not None:
        # what it demands, as the traced run read it; where the run did not (it cannot bind), by its
        # compiled function
        body += [f"d = f[{s.demand_at}]" if s.demand_at >= 0 else "d = UNREAD", "if d is UNREAD:"]
        body.append(f"    d = B.unread({i})")
        conds += _condition(s.demands[0], "d", s.demands[1])
        applies, satisfied = f"SC{i}(f)", "d"
    else:
        applies, satisfied = f"B.applies[{i}]", "None"
    body.append(f"t = B.T[{i}] = (({conds}), ({excs}), {applies}, {satisfied})")
    body.append("return t")
    return body


def _rule_proof(w: _Writer, shape: Shape, i: int, effect: str, t: str, because: str) -> str:
    """Rule i's proof with `effect`, from its traces `t` (the one template of a `RuleProof`)."""
    s = shape.rules[i]
    return (
        f"_new(RP, ({s.rule!r}, {w.const(s.cites)}, {s.status!r}, {effect}, {t}[2], {t}[2], {t}[0], "
        f"{t}[1], {because}, '', '', {s.note!r}, {s.source!r}, {s.gloss!r}, {s.role!r}, {t}[3], '', PROV))"
    )


def _reads(shape: Shape, i: int) -> bool:
    s = shape.rules[i]
    return bool(s.reads or s.reads_permits)


def _proof_code(w: _Writer, shape: Shape, i: int) -> list[str]:
    """Rule i's proof with a given effect, at a given depth of the proofs of what it reads."""
    because = f"(BC{i}(B, depth) if depth < 3 else ())" if _reads(shape, i) else "()"
    return [f"t = B.T[{i}] or TR{i}(B)", f"return {_rule_proof(w, shape, i, 'e', 't', because)}"]


def _because_code(w: _Writer, shape: Shape, i: int) -> list[str]:
    """The proofs of what rule i reads: the rules that settle each named condition it reads (those
    that may make it hold; when it fails, every rule shows why), each shown by the condition's value,
    and the first grounds of each permit whose outcome it reads."""
    s = shape.rules[i]
    body = ["a = B.applies", "out = []"]
    for name, settling in s.reads:
        if not settling:
            continue
        shown = {
            v: w.const(shape.condition_effects.get((name, v)) or Effect("condition", name, v))
            for v in (True, False, None)
        }
        body.append(f"v = B.c.get({name!r})")
        body.append(f"e = {shown[True]} if v is True else {shown[False]} if v is False else {shown[None]}")
        for j in settling:
            body += [
                f"if a[{j}] is not False or v is False:",
                f"    out.append(B.rule_proof({j}, e, depth + 1))",
            ]
    body += [f"out += B.permit({permit!r}).grounds[:3]" for permit in s.reads_permits]
    body.append("return tuple(out)")
    return body


def _sanction_proof(w: _Writer, shape: Shape, s: int, effect: str, standing: str) -> str:
    """Refusal ground s, for materials not submitted: it stands as the document requirements it sits
    beside (`dc`: what each demands, not held; `db`: their proofs)."""
    sh = shape.rules[s]
    return (
        f"_new(RP, ({sh.rule!r}, {w.const(sh.cites)}, {sh.status!r}, {effect}, {standing}, {standing}, dc, (), "
        f"db, '', '', {sh.note!r}, {sh.source!r}, {sh.gloss!r}, 'refusal_ground', None, '', PROV))"
    )


def _pathway_code(shape: Shape, program: Program, permit: str) -> list[str]:
    """The advisory pathway: the documents the permit's requirements ask for that the applicant does
    not hold (or may not), each after the documents its own issue requires (unrolled along the
    permits that issue them, each permit once on a path): what to obtain, in what order, from whom."""
    holds = f"B.values[{shape.holds_at}]" if shape.holds_at < shape.unknown_at else "None"
    body = [f"held = {holds}", "if not isinstance(held, frozenset):", "    held = EMPTY"]
    body += ["f = B.flat", "o = B.o", "steps = {}"]

    def visit(name: str, trail: frozenset[str], depth: int) -> list[str]:
        out: list[str] = []
        pad = "    " * depth
        for i, document, issuer, title, authority, grants in shape.permits[name].documents:
            out.append(
                f"{pad}if {document!r} not in steps and {document!r} not in held and SC{i}(f) is True:"
            )
            if issuer and issuer not in trail:
                out += visit(issuer, trail | {issuer}, depth + 1)
            outcome = f"LABEL[o.get({issuer!r})]" if issuer else "''"
            step = f"({document!r}, {title!r}, {issuer!r}, {authority!r}, {outcome}, {grants!r})"
            out.append(f"{pad}    steps[{document!r}] = _new(PS, {step})")
        return out

    body += visit(permit, frozenset({permit}), 0)
    body.append("return tuple(steps.values())")
    return body


def _permit_code(w: _Writer, shape: Shape, program: Program, name: str, n: int) -> list[str]:
    """One permit's decision: its contenders weighed, then the grounds and unmet rules for the outcome
    the evaluation reached (read, never recomputed)."""
    plan = program.plans[name]
    ps = shape.permits[name]
    grants, restricts = list(plan.grants), list(plan.restricts)
    requirements = set(ps.requirements)
    sanctions = bool(plan.sanctions) and bool(ps.asks_document)
    body = ["a = B.applies", "T = B.T"]
    read = sorted({i for i, beaten in ps.contenders for i in (i, *beaten)})
    body += [f"a{i} = a[{i}]" for i in read]
    # each contender: whether it stands (`semantics.stands`)
    for i, beaten in ps.contenders:
        k = CodeKleene(f"_s{i}_")
        body += k.assign(f"s{i}", sem.stands(k, f"a{i}", [f"a{j}" for j in beaten]))
    if any(i in requirements for i in restricts) or ps.documents:
        body.append("f = B.flat")

    def weighed(i: int, effect: Effect | None = None) -> list[str]:
        """`p`: contender i's proof (with its own effect on the permit, unless `effect`), with what
        prevails over it: set aside only by a rule that applies; where that rule's applicability is
        unknown, the proof says it waits for it."""
        own, beaten = ps.weigh[i]
        out = []
        if effect is not None:
            shown = w.const(effect)
        elif own is not None:
            shown = w.const(own)
        else:  # a requirement: shown by whether what it demands holds
            held = {v: w.const(shape.demanded_effects[(name, i, v)]) for v in (True, False, None)}
            out.append(f"t = T[{i}] or TR{i}(B)")
            shown = f"({held[True]} if t[3] is True else {held[False]} if t[3] is False else {held[None]})"
        out.append(f"p = RP{i}(B, {shown}, 0)")
        if beaten:
            for n, (j, principle) in enumerate(beaten):
                out.append(f"{'if' if n == 0 else 'elif'} a{j} is True:")
                out.append(f"    p = OVER(p, {shape.rules[j].rule!r}, {principle!r})")
            out.append(f"elif p[{_APPLIES}] is not False:")
            for n, (j, principle) in enumerate(beaten):
                out.append(f"    {'if' if n == 0 else 'elif'} a{j} is None:")
                out.append(f"        p = WAIT(p, {shape.rules[j].rule!r}, {principle!r})")
        return out

    def indent(lines: list[str], by: int = 1) -> list[str]:
        return ["    " * by + line for line in lines]

    def doc(i: int) -> list[str]:
        """A document requirement that stands (or may), beside which a sanction stands (or may): what it
        demands, not held, and its proof."""
        if not (sanctions and i in ps.asks_document):
            return []
        k = CodeKleene("_n")
        unheld = k.assign("nd", k.not_(f"p[{_SATISFIED}]"))
        return [
            *unheld,
            f"dc.append(_new(CT, ({shape.unheld[i]!r}, nd, {{'holds': B.held()}})))",
            "db.append(p)",
        ]

    def sanction(
        standing: str,
    ) -> list[str]:  # the sanction's standing: that of the requirements it sits beside
        effect = w.const(ps.sanctioned)
        return [
            "if db:",
            "    dc = tuple(dc)",
            "    db = tuple(db)",
            *(f"    g.append({_sanction_proof(w, shape, s, effect, standing)})" for s in plan.sanctions),
        ]

    # eligible: the grants that stand, every requirement that binds (met, or set aside by an explicit
    # clause), every other restriction that may apply
    body += ["out = B.o[" + repr(name) + "]", "if out is True:", "    g = []", "    u = []"]
    for i in grants:
        body += [f"    if s{i} is True:", *indent(weighed(i), 2), "        g.append(p)"]
    for i in restricts:
        if i in requirements:
            body += [f"    if SC{i}(f) is True:", *indent(weighed(i), 2), "        g.append(p)"]
    for i in restricts:
        if i not in requirements:
            body += [f"    if a{i} is not False:", *indent(weighed(i), 2), "        g.append(p)"]
    body += ["    detail = {}"]
    # ineligible: the restrictions that stand (and the sanction beside the documents they ask for),
    # with the grants unmet; or, when none stands, the grants whose conditions fail are the grounds
    body += ["elif out is False:", "    g = []", "    u = []"]
    if sanctions:
        body += ["    dc = []", "    db = []"]
    for i in restricts:
        body += [f"    if s{i} is True:", *indent(weighed(i), 2), "        g.append(p)", *indent(doc(i), 2)]
    body += ["    if g:", "        pass"]
    if sanctions:
        body += indent(sanction("True"), 2)
    for i in grants:
        body += [*indent(weighed(i), 2), "        u.append(p)"]
    body.append("    else:")
    for i in grants:
        body += [*indent(weighed(i, ps.closing), 2), "        g.append(p)"]
    body.append("        pass")
    if not grants:
        body.append("    detail = {'note': 'no provision in force on this date grants this permit'}")
    else:
        body.append("    detail = {}")
    # undetermined: the grants that stand, the restrictions that may (and the sanction beside the open
    # document requirements); the grants that do not stand are unmet
    body += ["else:", "    g = []", "    u = []"]
    if sanctions:
        body += ["    dc = []", "    db = []"]
    for i in grants:
        body += [
            *indent(weighed(i)),
            f"    if s{i} is True:",
            "        g.append(p)",
            "    else:",
            "        u.append(p)",
        ]
    for i in restricts:
        body += [f"    if s{i} is not False:", *indent(weighed(i), 2), "        g.append(p)"]
        if sanctions and i in ps.asks_document:
            body += [f"        if s{i} is None:", *indent(doc(i), 3)]
    if sanctions:
        body += indent(sanction("None"))
    body.append("    detail = {}")
    if ps.contrary:
        body.append("conflicts = set()")
        for i in grants:
            for j in ps.contrary:
                pair = f"{shape.rules[i].rule} ⟷ {shape.rules[j].rule}"
                body.append(f"if s{i} is True and s{j} is True:")
                body.append(f"    conflicts.add({pair!r})")
        body += ["if conflicts:", "    detail['unresolved_conflicts'] = sorted(conflicts)"]
    if ps.values:
        body.append(f"detail.update(B.values_of({name!r}))")
    if plan.obligations:
        body += [
            f"obligations = B.obligations({name!r})",
            "if obligations:",
            "    detail['obligations'] = obligations",
        ]
    body.append(f"missing = B.missing({name!r}, detail) if out is None else ()")
    if ps.documents:
        # no advice to obtain what is granted, nor what the law says the applicant need not apply for
        advised = "out is not True" + (" and detail.get('needed') is not False" if ps.values else "")
        body.append(f"pathway = PATH{n}(B) if {advised} else ()")
    else:
        body.append("pathway = ()")
    body.append(
        f"d = B.permits[{name!r}] = PD({name!r}, LABEL[out], tuple(g), tuple(u), missing, detail, pathway)"
    )
    body.append("return d")
    return body
