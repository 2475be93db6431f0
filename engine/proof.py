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
from collections.abc import Callable, Mapping
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any, NamedTuple

from lexgraph import __version__

from . import model as m
from . import semantics as sem
from .compile import NONE, UNREAD, point_value
from .evaluate import Evaluation, PermitPlan, Program, Tri, k_and, k_not, k_or
from .expressions import calls, fact_paths
from .graph import conjuncts
from .semantics import PY
from .trace import Cited, ConditionTrace, Decision, Effect, PathwayStep, PermitDecision, Provision, RuleProof

_LABEL = {True: "eligible", False: "ineligible", None: "undetermined"}
_CANCELLATION = {True: "cancelled", False: "not_cancelled", None: "undetermined"}


@lru_cache(maxsize=1)
def engine_identity() -> dict[str, str]:
    """What produced a decision besides the law: the engine's version and its grammar's digest."""
    grammar = resources.files("lexgraph.grammar").joinpath("lexgraph.lark").read_bytes()
    return {"version": __version__, "grammar": hashlib.sha256(grammar).hexdigest()[:16]}


_REFERENCES: weakref.WeakKeyDictionary[Program, tuple[tuple[Cited, ...], Mapping[str, Provision]]] = (
    weakref.WeakKeyDictionary()
)


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
        proposal = (
            law.instruments[rule.instrument].kind == "amendment"
            and law.instruments[rule.instrument].status == "proposed"
        )
        if c is None or (proposal and rule.source):
            cites.append(Cited(rule.instrument, source=rule.source))
        else:
            cites.append(
                Cited(
                    c.instrument,
                    c.article,
                    c.paragraph,
                    c.item,
                    numbering
                    if any(op.instrument == c.instrument for op in program.numbering.inserts)
                    else (),
                )
            )
    provisions = {
        cr.rule.id: Provision(sheet.citation, sheet.text)
        for cr, sheet in zip(program.rules, program.sheets, strict=True)
    }
    return tuple(cites), MappingProxyType(provisions)


class _RuleShape(NamedTuple):
    """What every proof of one rule under one program shares: its references and words, where its
    condition values lie in the traced run's flat record, and which facts each condition shows."""

    rule: str
    cites: Cited
    status: str
    note: str
    source: str
    gloss: str
    role: str
    conditions: tuple[tuple[str, int], ...]  # (source text, the facts it shows: index into Shape.shown)
    exceptions: tuple[tuple[str, int], ...]
    demands: tuple[str, int] | None  # a requirement: what it demands, as conditions are
    start: int  # the rule's conditions, exceptions and (a requirement) demand in the flat record
    n_conditions: int
    n_exceptions: int
    demand_at: int  # -1: not a requirement
    reads: tuple[tuple[str, tuple[int, ...]], ...]  # named conditions read, with the rules that settle each
    reads_permits: tuple[str, ...]  # permits whose outcome it reads


class _PermitShape(NamedTuple):
    """One permit's plan as a proof walks it: each contender with the rules that prevail over it."""

    permit: str
    # per contender: its effect on the permit (None for a requirement: it depends on what it demands),
    # and the rules that prevail over it, with the principle
    weigh: dict[int, tuple[Effect | None, tuple[tuple[int, str], ...]]]
    contenders: tuple[tuple[int, tuple[int, ...]], ...]
    requirements: tuple[int, ...]
    contrary: tuple[int, ...]
    values: tuple[tuple[str, tuple[tuple[int, tuple[int, ...]], ...]], ...]
    # per restriction asking for a document: (the rule, the document, its issuing permit ('' for none),
    # the document's title, the authority that issues it, the rules that grant the issuing permit)
    documents: tuple[tuple[int, str, str, str, str, tuple[str, ...]], ...]
    asks_document: frozenset[int]  # the restrictions that ask for a document
    sanctioned: Effect  # how a refusal ground for unsubmitted materials is shown on this permit
    closing: Effect  # how a grant whose conditions fail is shown when that alone refuses the permit


class _Support(NamedTuple):
    """A condition as the search for missing facts walks it, compiled once per program: its truth as a
    function of (facts, outcomes, conditions, points) and what to look at when it is unknown —
    `junction` (and / or / not: its operands), `not_at_hand` (`name`: the standard), `met` (`name`: the
    named condition), `permit` (`name`: eligible / ineligible), `leaf` (the facts it reads, and its calls:
    (builtin, its argument, the call's own node for `met`))."""

    truth: Callable[..., Tri]
    kind: str
    name: str = ""
    children: tuple[_Support, ...] = ()
    paths: tuple[str, ...] = ()
    calls: tuple[tuple[str, str, _Support | None], ...] = ()


def _support_node(program: Program, e: m.Expr) -> _Support:
    fn = program.function(e)
    if isinstance(e, m.And | m.Or):
        return _Support(fn, "junction", children=tuple(_support_node(program, o) for o in e.operands))
    if isinstance(e, m.Not):
        return _Support(fn, "junction", children=(_support_node(program, e.operand),))
    if isinstance(e, m.Call) and e.name == "not_at_hand":
        return _Support(fn, "not_at_hand", str(e.args[0].value))  # type: ignore[attr-defined]
    if isinstance(e, m.Call) and e.args and isinstance(e.args[0], m.Path):
        if e.name == "met":
            return _Support(fn, "met", e.args[0].dotted)
        if e.name in ("eligible", "ineligible"):
            return _Support(fn, "permit", e.args[0].dotted)
    leaf_calls = []
    for call in calls(e):
        name = call.args[0].dotted if call.args and isinstance(call.args[0], m.Path) else ""
        leaf_calls.append((call.name, name, _support_node(program, call) if call.name == "met" else None))
    return _Support(fn, "leaf", paths=tuple(fact_paths(e)), calls=tuple(leaf_calls))


def _document_step(program: Program, i: int) -> tuple[int, str, str, str, str, tuple[str, ...]]:
    law = program.law
    document = program.rules[i].document
    issuer = law.issuer_of(document)
    grants = program.plans[issuer].grants if issuer else []
    return (
        i,
        document,
        issuer or "",
        law.documents[document].title_zh,
        law.permits[issuer].authority if issuer else law.documents[document].authority,
        tuple(program.rules[g].rule.id for g in grants),
    )


class Shape:
    """Per program, once: everything about a proof that does not depend on the application — the
    rules' references and words, condition texts and the facts each shows (by position in the
    program's fact tuple), the flat trace's layout, per permit what prevails over what, each
    contender's effect, the pathway's document steps and the header's parameter overrides; and, generated
    from these, per rule a function building its condition traces and per set of facts shown a function
    building their map. A decision builds only what the facts decide, and keeps nothing across decisions."""

    def __init__(self, program: Program):
        law = program.law
        self.cites, self.provisions = references(program)
        self.fact_at = {name: k for k, name in enumerate(program.fact_names)}
        self.unknown_at = len(program.fact_names)  # a path the program does not read: unknown
        shown: dict[tuple[str, ...], int] = {}
        layout = program.trace_layout

        def show(paths: tuple[str, ...]) -> int:
            return shown.setdefault(paths, len(shown))

        rules: list[_RuleShape] = []
        for cr, sheet, cites in zip(program.rules, program.sheets, self.cites, strict=True):
            rule = cr.rule
            start, n_cond, n_unless = layout.rules[cr.index]
            rules.append(
                _RuleShape(
                    rule.id,
                    cites,
                    sheet.status,
                    rule.note,
                    rule.source,
                    rule.gloss,
                    cr.role,
                    tuple(
                        (t, show(fp)) for t, fp in zip(cr.condition_texts, cr.condition_facts, strict=True)
                    ),
                    tuple(
                        (t, show(fp)) for t, fp in zip(cr.exception_texts, cr.exception_facts, strict=True)
                    ),
                    (cr.demands_text, show(cr.demands_facts)) if cr.demands is not None else None,
                    start,
                    n_cond,
                    n_unless,
                    layout.demands.get(cr.index, -1),
                    tuple(
                        (name, tuple(program.condition_rules.get(name, []))) for name in cr.reads_conditions
                    ),
                    cr.reads_permits,
                )
            )
        self.rules = tuple(rules)
        # what each requirement demands, compiled (read where the traced run did not read it)
        self.demands = tuple(
            program.function(cr.demands) if cr.demands is not None else None for cr in program.rules
        )
        self.shown = tuple(shown)
        self.traced = _trace_builders(self.rules)
        self.unheld = tuple(
            f"not {cr.demands_text}" for cr in program.rules
        )  # a sanction's condition on requirement i
        self.build_shown = _shown_builders(
            tuple(tuple((p, self.fact_at.get(p, self.unknown_at)) for p in paths) for paths in self.shown)
        )
        self.plain = tuple(  # sets of facts without a points table (those are built by `_facts`)
            not any(p.startswith("points(") for p in paths) for paths in self.shown
        )
        self.permits: dict[str, _PermitShape] = {}
        for name, plan in program.plans.items():
            requirements = tuple(i for i in plan.restricts if program.rules[i].role == "requirement")
            self.permits[name] = _PermitShape(
                name,
                {
                    i: (
                        Effect(program.rules[i].role, name)
                        if program.rules[i].role != "requirement"
                        else None,
                        tuple(plan.beaten_by.get(i, ())),
                    )
                    for i in plan.grants + plan.restricts
                },
                tuple(
                    (i, tuple(j for j, _ in plan.beaten_by.get(i, ()))) for i in plan.grants + plan.restricts
                ),
                requirements,
                tuple(j for j in plan.restricts if program.rules[j].role == "contrary"),
                tuple(
                    (attr, tuple((i, tuple(j for j, _ in plan.beaten_by.get(i, ()))) for i in indices))
                    for attr, indices in sorted(plan.values.items())
                ),
                tuple(_document_step(program, i) for i in plan.restricts if program.rules[i].document),
                frozenset(i for i in plan.restricts if program.rules[i].document),
                Effect("sanction", name),
                Effect("closure", name),
            )
        # a requirement's effect, by whether what it demands holds; a named condition's, by its value
        self.demanded_effects = {
            (name, i, v): Effect("requirement", name, v, program.rules[i].demands_text)
            for name, plan in program.plans.items()
            for i in plan.restricts
            if program.rules[i].role == "requirement"
            for v in (True, False, None)
        }
        self.condition_effects = {
            (name, v): Effect("condition", name, v)
            for name in program.condition_rules
            for v in (True, False, None)
        }
        self.all_permits = tuple(sorted(law.permits))
        self.points_reads = {
            name: tuple(
                tuple(p for band in factor.bands for p in fact_paths(band.when) + fact_paths(band.value))
                for factor in table.factors
            )
            for name, table in law.points.items()
        }
        self._program = weakref.ref(program)
        self._support: dict[int, tuple[_Support, ...]] = {}
        self.overrides = dict(
            sorted((k, v) for k, v in law.parameter_values.items() if law.parameters[k].default != v)
        )
        self.amendment_status = {a: law.instruments[a].status for a in law.applied_amendments}

    def support(self, i: int) -> tuple[_Support, ...]:
        """Rule i's conditions, its exceptions negated and (a requirement) what it demands negated, as
        the search for missing facts walks them; compiled on the first search that reaches the rule."""
        got = self._support.get(i)
        if got is None:
            program = self._program()
            assert program is not None  # a Shape lives only as long as its program
            cr = program.rules[i]
            parts = [*conjuncts(cr.rule.when), *(m.Not(u) for u in cr.rule.unless)]
            if cr.demands is not None:
                parts.append(m.Not(cr.demands))
            got = self._support[i] = tuple(_support_node(program, e) for e in parts)
        return got


def _trace_builders(rules: tuple[_RuleShape, ...]) -> tuple[Callable[..., Any], ...]:
    """Per rule, one straight-line function of (the traced run's flat record, the decision's shown
    facts, the function that builds them) → (its conditions, its exceptions) as `ConditionTrace`s:
    the positions in the record and the words are constants, so a decision runs no loop for them."""
    namespace: dict[str, Any] = {"_new": _new, "CT": ConditionTrace}
    lines: list[str] = []

    def traced(text: str, at: int, k: int) -> str:
        name = f"T{len(namespace)}"
        namespace[name] = text
        return f"_new(CT, ({name}, flat[{at}], S[{k}] or shown({k}))), "

    for n, s in enumerate(rules):
        conds = "".join(traced(t, s.start + c, k) for c, (t, k) in enumerate(s.conditions))
        excs = "".join(traced(t, s.start + s.n_conditions + u, k) for u, (t, k) in enumerate(s.exceptions))
        lines.append(f"def R{n}(flat, S, shown):\n    return ({conds}), ({excs})\n")
    exec(compile("".join(lines), "<lexgraph proof traces>", "exec"), namespace)  # noqa: S102 - built from the plan's own texts
    return tuple(namespace[f"R{n}"] for n in range(len(rules)))


def _shown_builders(
    readers: tuple[tuple[tuple[str, int], ...], ...],
) -> tuple[Callable[[list[Any]], dict[str, Any]], ...]:
    """Per set of facts a condition shows, one function of the decision's facts as shown (by position
    in the program's fact tuple) → the map path → value that the condition carries."""
    source = "".join(
        f"def F{k}(jv):\n    return {{{''.join(f'{path!r}: jv[{at}], ' for path, at in paths)}}}\n"
        for k, paths in enumerate(readers)
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, "<lexgraph proof facts>", "exec"), namespace)  # noqa: S102 - built from the plan's fact paths
    return tuple(namespace[f"F{k}"] for k in range(len(readers)))


_SHAPES: weakref.WeakKeyDictionary[Program, Shape] = weakref.WeakKeyDictionary()


def shape(program: Program) -> Shape:
    """The program's `Shape`, built on its first proof."""
    found = _SHAPES.get(program)
    if found is None:
        found = _SHAPES[program] = Shape(program)
    return found


def build_decision(ev: Evaluation, requested: list[str] | None = None) -> Decision:
    """The one public entry point of this stage."""
    program = ev.program
    law = program.law
    builder = _ProofBuilder(ev)
    # statuses held whose cancellation is asked about; asked alone, nothing else is decided
    cancellations = list(dict.fromkeys(ev.application.get("cancellation_of") or ()))
    wanted = (
        requested or ev.application.get("requested") or ([] if cancellations else builder.shape.all_permits)
    )
    return Decision(
        application_id=str(ev.application.get("id", "")),
        as_of=ev.as_of.isoformat(),
        digest=law.digest,
        instruments=program.instruments,
        decisions=(*(builder.permit(p) for p in wanted), *(builder.cancellation(p) for p in cancellations)),
        amendments=law.applied_amendments,
        parameters=dict(builder.shape.overrides),
        amendment_status=dict(builder.shape.amendment_status),
        engine=engine_identity(),
        defaults=_defaults(builder),
        origin=law.origin,
        provisions=builder.provisions,
    )


def _defaults(builder: _ProofBuilder) -> dict[str, Any]:
    """The facts the application left out that were read at their documented procedural default."""
    out: dict[str, Any] = {}
    for fact in builder.p.defaulted_facts:
        node: Any = builder.ev.application
        for part in fact.path.split("."):
            node = node.get(part, _ABSENT) if isinstance(node, dict) else node
            if node is _ABSENT or node is None:
                break  # absent here (defaulted) or null (there is none: not defaulted)
        if node is _ABSENT:
            out[fact.path] = json_value(builder.fact(fact.path))
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
_UNSET = -1  # a per-decision memo slot not yet filled (a truth value is never an int)
# a RuleProof's fields by position, for the copies that change a few (faster than `_replace`)
_STANDS, _OVERRIDDEN_BY, _PREVAILS_BY, _WAITS_FOR = (
    RuleProof._fields.index(f) for f in ("stands", "overridden_by", "prevails_by", "waits_for")
)
_new = tuple.__new__  # a named tuple built from a tuple in one call (its generated __new__ takes keywords)


def _range(lo: Any, hi: Any) -> Any:
    return lo if lo == hi else {"min": lo, "max": hi}


class _ProofBuilder:
    def __init__(self, ev: Evaluation):
        self.ev = ev
        self.p: Program = ev.program
        self.o, self.c, self.pt = ev.o, ev.c, ev.pt
        self.applies = ev.applies
        self.law = ev.program.law
        self.shape = shape(ev.program)
        self.cites, self.provisions = self.shape.cites, self.shape.provisions
        self.values = ev.fact_values
        self.recorded = ev.recorded
        n = len(self.shape.rules)
        self._parts: list[tuple[tuple[Tri, ...], tuple[Tri, ...]] | None] = [None] * n
        self._demanded: list[Tri | int] = [_UNSET] * n
        self._scope: list[Tri | int] = [_UNSET] * n
        self._shown: list[dict[str, Any] | None] = [None] * len(self.shape.shown)
        self._json: list[Any] | None = None
        self._held: Any = _UNSET
        self._traces: list[tuple[tuple[ConditionTrace, ...], tuple[ConditionTrace, ...], Tri, Tri] | None] = [
            None
        ] * n
        self._stands: dict[str, dict[int, Tri]] = {}
        self._permits: dict[str, PermitDecision] = {}
        self._proofs: dict[tuple[int, Effect, int], RuleProof] = {}
        self._support: dict[tuple[str, str], list[str]] = {}

    # ------------------------------------------------------------------ reading the evaluation
    @property
    def f(self) -> dict[str, Any]:
        """The known facts by path (what the program's compiled functions read)."""
        return self.ev.f

    def fact(self, path: str) -> Any:
        """A fact's value (None: unknown), read from the evaluation's fact tuple."""
        k = self.shape.fact_at.get(path)
        return None if k is None else self.values[k]

    def held(self) -> Any:
        """The documents the applicant holds, as a decision shows them (once per decision)."""
        if self._held is _UNSET:
            self._held = json_value(self.fact("holds"))
        return self._held

    def truth(self, expr: m.Expr) -> Tri:
        """A condition's truth value on this application, by the program's own compiled semantics."""
        truth: Tri = self.p.function(expr)(self.f, self.o, self.c, self.pt)
        return truth

    def parts(self, i: int) -> tuple[tuple[Tri, ...], tuple[Tri, ...]]:
        """A rule's condition values and exception values."""
        got = self._parts[i]
        if got is None:
            if self.recorded is not None:  # the traced run's flat record, read where the layout says
                s = self.shape.rules[i]
                flat = self.recorded.flat
                mid = s.start + s.n_conditions
                got = flat[s.start : mid], flat[mid : mid + s.n_exceptions]
            else:
                cr = self.p.rules[i]
                got = (
                    tuple(self.truth(x) for x in conjuncts(cr.rule.when)),
                    tuple(self.truth(u) for u in cr.rule.unless),
                )
            self._parts[i] = got
        return got

    def demanded(self, i: int) -> Tri:
        """What requirement i demands (None for a rule that demands nothing): as the traced run read
        it, or — where the run did not read it (the requirement cannot bind) — by its compiled function."""
        got: Any = self._demanded[i]
        if got is _UNSET:
            s = self.shape.rules[i]
            got = (
                self.recorded.flat[s.demand_at] if self.recorded is not None and s.demand_at >= 0 else UNREAD
            )
            if got is UNREAD:
                fn = self.shape.demands[i]
                got = fn(self.f, self.o, self.c, self.pt) if fn is not None else None
            self._demanded[i] = got
        return got  # type: ignore[no-any-return]

    def scope(self, i: int) -> Tri:
        """Whether a rule binds this application: its conditions hold and no exception does."""
        got = self._scope[i]
        if got is _UNSET:
            conds, unless = self.parts(i)
            got = self._scope[i] = k_and((*conds, *(k_not(u) for u in unless)))
        return got  # type: ignore[return-value]

    def shown(self, k: int) -> dict[str, Any]:
        """The facts a condition shows (`Shape.shown[k]`), built once per decision and shared."""
        got = self._shown[k]
        if got is None:
            if self.shape.plain[k]:
                jv = self._json
                if jv is None:
                    jv = self._json = [v if type(v) in _PLAIN else json_value(v) for v in self.values]
                    jv.append(None)  # Shape.unknown_at: a path the program does not read
                got = self.shape.build_shown[k](jv)
            else:
                got = self._facts(self.shape.shown[k])
            self._shown[k] = got
        return got

    def _facts(self, paths: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for path in paths:
            if path.startswith("points("):
                name = path[7:-1]
                lo, hi = self.pt[name]
                table = self.law.points[name]
                out[path] = {
                    "total": _range(lo, hi),
                    "by_factor": {
                        fa.name: _range(a, b)
                        for fa, (a, b) in zip(table.factors, self.pt["#" + name], strict=True)
                    },
                }
            else:
                out[path] = json_value(self.fact(path))
        return out

    def stands(self, permit: str) -> dict[int, Tri]:
        """Each contender of a permit: whether it stands (`semantics.stands`), once per decision."""
        got = self._stands.get(permit)
        if got is None:
            applies = self.applies
            got = self._stands[permit] = {
                i: sem.stands(PY, applies[i], [applies[j] for j in beaten]) if beaten else applies[i]
                for i, beaten in self.shape.permits[permit].contenders
            }
        return got

    # ------------------------------------------------------------------ rule proofs
    def rule_proof(self, i: int, effect: Effect, depth: int = 0) -> RuleProof:
        """A rule's proof (immutable, so shared wherever it recurs)."""
        key = (i, effect, depth)
        got = self._proofs.get(key)
        if got is None:
            got = self._proofs[key] = self._rule_proof(i, effect, depth)
        return got

    def traces(self, i: int) -> tuple[tuple[ConditionTrace, ...], tuple[ConditionTrace, ...], Tri, Tri]:
        """A rule's conditions and exceptions as a proof shows them, whether it applies and (a
        requirement) whether what it demands is satisfied: once per decision, whatever its effect."""
        got = self._traces[i]
        if got is None:
            s = self.shape.rules[i]
            shown = self.shown
            if self.recorded is not None:
                conditions, exceptions = self.shape.traced[i](self.recorded.flat, self._shown, shown)
            else:
                cond_values, unless_values = self.parts(i)
                conditions = tuple(
                    [
                        _new(ConditionTrace, (t, v, shown(k)))
                        for (t, k), v in zip(s.conditions, cond_values, strict=True)
                    ]
                )
                exceptions = tuple(
                    [
                        _new(ConditionTrace, (t, v, shown(k)))
                        for (t, k), v in zip(s.exceptions, unless_values, strict=True)
                    ]
                )
            applies = self.applies[i]
            satisfied: Tri = None
            if s.demands is not None:
                demands = self.demanded(i)
                conditions += (_new(ConditionTrace, (s.demands[0], demands, shown(s.demands[1]))),)
                satisfied = demands
                applies = self.scope(
                    i
                )  # a requirement applies when it binds this application, whatever it demands
            got = self._traces[i] = (conditions, exceptions, applies, satisfied)
        return got

    def _rule_proof(self, i: int, effect: Effect, depth: int) -> RuleProof:
        s = self.shape.rules[i]
        conditions, exceptions, applies, satisfied = self._traces[i] or self.traces(i)
        because: list[RuleProof] = []
        if depth < 3 and (s.reads or s.reads_permits):
            for name, settling in s.reads:
                for j in settling:
                    # the rules that may make it hold; when it fails, every rule shows why
                    value = self.c.get(name)
                    if self.applies[j] is not False or value is False:
                        shown_as = self.shape.condition_effects.get((name, value)) or Effect(
                            "condition", name, value
                        )
                        because.append(self.rule_proof(j, shown_as, depth + 1))
            for permit in s.reads_permits:
                because.extend(self.permit(permit).grounds[:3])
        return _new(
            RuleProof,
            (
                s.rule,
                s.cites,
                s.status,
                effect,
                applies,
                applies,
                conditions,
                exceptions,
                tuple(because),
                "",
                "",
                s.note,
                s.source,
                s.gloss,
                s.role,
                satisfied,
                "",
                self.provisions,
            ),
        )

    def _effect(self, i: int, permit: str) -> Effect:
        cr = self.p.rules[i]
        if cr.role == "requirement":
            demanded = self.demanded(i)
            return self.shape.demanded_effects.get((permit, i, demanded)) or Effect(
                "requirement", permit, demanded, cr.demands_text
            )
        return Effect(cr.role, permit)

    def _weighed(self, ps: _PermitShape, i: int, effect: Effect | None = None) -> RuleProof:
        """A contender's proof, with what prevails over it: set aside only by a rule that applies;
        where that rule's applicability is unknown, the proof says it waits for it. `effect`: how it
        is shown, when not as its own effect on the permit (a grant shown as the refusal's closure)."""
        own, beaten = ps.weigh[i]
        if effect is None:
            effect = own if own is not None else self._effect(i, ps.permit)
        key = (i, effect, 0)
        proof = self._proofs.get(key)
        if proof is None:
            proof = self._proofs[key] = self._rule_proof(i, effect, 0)
        if not beaten:
            return proof
        winner = next(((j, pr) for j, pr in beaten if self.applies[j] is True), None)
        if winner is not None:
            j, principle = winner
            changed = list(proof)
            changed[_STANDS] = False if proof.applies is not None else None
            changed[_OVERRIDDEN_BY] = self.shape.rules[j].rule
            changed[_PREVAILS_BY] = principle
            return _new(RuleProof, changed)
        pending = next(((j, pr) for j, pr in beaten if self.applies[j] is None), None)
        if pending is not None and proof.applies is not False:
            j, principle = pending
            changed = list(proof)
            changed[_STANDS] = None
            changed[_WAITS_FOR] = self.shape.rules[j].rule
            changed[_PREVAILS_BY] = principle
            return _new(RuleProof, changed)
        return proof

    def _sanction(
        self, plan: PermitPlan, ps: _PermitShape, failing: list[int], stands: dict[int, Tri]
    ) -> list[RuleProof]:
        """The refusal ground the law gives for unsubmitted materials, beside each unmet document requirement."""
        if not plan.sanctions:
            return []
        docs = [i for i in failing if i in ps.asks_document]
        if not docs:
            return []
        held = self.held()
        standing = k_or([stands[i] for i in docs])
        # what each unmet requirement demands, not held; the same for every sanction of the permit
        conditions = tuple(
            [
                _new(ConditionTrace, (self.shape.unheld[i], k_not(self.demanded(i)), {"holds": held}))
                for i in docs
            ]
        )
        because = tuple([self._weighed(ps, i) for i in docs])
        out = []
        for s in plan.sanctions:
            sh = self.shape.rules[s]
            out.append(
                _new(
                    RuleProof,
                    (
                        sh.rule,
                        sh.cites,
                        sh.status,
                        ps.sanctioned,
                        standing,
                        standing,
                        conditions,
                        (),
                        because,
                        "",
                        "",
                        sh.note,
                        sh.source,
                        sh.gloss,
                        "refusal_ground",
                        None,
                        "",
                        self.provisions,
                    ),
                )
            )
        return out

    # ------------------------------------------------------------------ permits
    def permit(self, permit: str) -> PermitDecision:
        if permit in self._permits:
            return self._permits[permit]
        plan = self.p.plans.get(permit)
        if plan is None:
            return PermitDecision(permit, "undetermined", detail={"note": "unknown permit"})
        ps = self.shape.permits[permit]
        outcome = self.o[permit]  # read from the evaluation, never recomputed
        stands = self.stands(permit)
        requirement = ps.requirements
        grounds: list[RuleProof] = []
        unmet: list[RuleProof] = []
        detail: dict[str, Any] = {}
        if outcome is True:
            grounds = [self._weighed(ps, i) for i in plan.grants if stands[i] is True]
            # every requirement that binds this application, met (or set aside by an explicit clause)
            grounds += [self._weighed(ps, i) for i in requirement if self.scope(i) is True]
            grounds += [
                self._weighed(ps, i)
                for i in plan.restricts
                if i not in requirement and self.applies[i] is not False
            ]
        elif outcome is False:
            failing = [i for i in plan.restricts if stands[i] is True]
            grounds = [self._weighed(ps, i) for i in failing] + self._sanction(plan, ps, failing, stands)
            if failing:
                unmet = [self._weighed(ps, i) for i in plan.grants]
            else:
                # refused because no ground of grant applies: the grants' unmet conditions are the grounds
                grounds = [self._weighed(ps, i, ps.closing) for i in plan.grants]
            if not plan.grants:
                detail["note"] = "no provision in force on this date grants this permit"
        else:
            open_ = [i for i in plan.restricts if stands[i] is not False]
            # a grant that stands waits only for what is open
            grounds = [self._weighed(ps, i) for i in plan.grants if stands[i] is True]
            grounds += [self._weighed(ps, i) for i in open_] + self._sanction(
                plan, ps, [i for i in open_ if stands[i] is None], stands
            )
            unmet = [self._weighed(ps, i) for i in plan.grants if stands[i] is not True]
        if ps.contrary:
            conflicts = [
                (i, j) for i in plan.grants for j in ps.contrary if stands[i] is True and stands[j] is True
            ]
            if conflicts:
                detail["unresolved_conflicts"] = sorted(
                    {f"{self.p.rules[i].rule.id} ⟷ {self.p.rules[j].rule.id}" for i, j in conflicts}
                )
        if ps.values:
            detail.update(self._values(ps))
        if plan.obligations:
            obligations = [self._obligation(i) for i in plan.obligations if self.applies[i] is True]
            if obligations:
                detail["obligations"] = obligations
        missing: tuple[str, ...] = ()
        if outcome is None:
            support = set(self.permit_support(permit))
            missing = tuple(sorted(s for s in support if not s.startswith(_NOT_AT_HAND)))
            if any(
                s.startswith(_NOT_AT_HAND) for s in support
            ):  # what the outcome waits for that no fact can supply
                detail["not_at_hand"] = sorted(
                    s[len(_NOT_AT_HAND) :] for s in support if s.startswith(_NOT_AT_HAND)
                )
        # no advice to obtain what is granted, nor what the law says the applicant need not apply for
        # (a `needed = false` value: the permanent-residence card under 法 第四十八条)
        advised = outcome is not True and detail.get("needed") is not False
        decision = PermitDecision(
            permit,
            _LABEL[outcome],
            tuple(grounds),
            tuple(unmet),
            missing,
            detail,
            self.pathway(plan) if advised else (),
        )
        self._permits[permit] = decision
        return decision

    def cancellation(self, permit: str) -> PermitDecision:
        """Whether a status the foreigner holds is cancelled (法 第四十九条): the grounds that stand; when
        none can, every ground examined; otherwise the open grounds and the facts they wait for."""
        indices = self.p.cancellation_grounds.get(permit, [])
        outcome = self.ev.cancelled(permit)  # read from the evaluation, never recomputed
        if outcome is True:
            grounds = [
                self.rule_proof(i, Effect("cancels", permit)) for i in indices if self.applies[i] is True
            ]
        elif outcome is False:
            grounds = [self.rule_proof(i, Effect("not_made_out", permit)) for i in indices]
        else:
            grounds = [
                self.rule_proof(i, Effect("cancels", permit)) for i in indices if self.applies[i] is None
            ]
        detail: dict[str, Any] = (
            {} if indices else {"note": "no provision in force on this date cancels this status"}
        )
        support = (
            {s for i in indices if self.applies[i] is None for s in self.rule_support(i)}
            if outcome is None
            else set()
        )
        if any(s.startswith(_NOT_AT_HAND) for s in support):
            detail["not_at_hand"] = sorted(
                s[len(_NOT_AT_HAND) :] for s in support if s.startswith(_NOT_AT_HAND)
            )
        return PermitDecision(
            permit,
            _CANCELLATION[outcome],
            tuple(grounds),
            (),
            tuple(sorted(s for s in support if not s.startswith(_NOT_AT_HAND))),
            detail,
            kind="cancellation",
        )

    def _values(self, ps: _PermitShape) -> dict[str, Any]:
        out: dict[str, Any] = {}
        applies = self.applies
        for attr, contenders in ps.values:
            standing = [
                i
                for i, beaten in contenders
                if (sem.stands(PY, applies[i], [applies[j] for j in beaten]) if beaten else applies[i])
                is True
            ]
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
        return {
            "duty": c.name,
            "deadline": json_value(self._value(c.expr)),
            "rule": cr.rule.id,
        }  # cited by the renderers

    # ------------------------------------------------------------------ the advisory pathway
    def pathway(self, plan: PermitPlan) -> tuple[PathwayStep, ...]:
        """Documents the permit's requirements ask for that the applicant does not hold (or may not),
        each after the documents its own issue requires: what to obtain, in what order, from whom."""
        if not self.shape.permits[plan.permit].documents:
            return ()
        held = self.fact("holds")
        steps: dict[str, PathwayStep] = {}
        self._visit(
            plan.permit, frozenset({plan.permit}), held if isinstance(held, frozenset) else frozenset(), steps
        )
        return tuple(steps.values())

    def _visit(
        self, permit: str, trail: frozenset[str], held: frozenset[str], steps: dict[str, PathwayStep]
    ) -> None:
        """The pathway's steps for `permit`'s documents, each after those its issuing permit asks for
        (a method, not a closure: a closure that calls itself is a reference cycle, which would keep
        every decision's proofs alive until the cyclic garbage collector runs)."""
        for i, document, issuer, title, authority, grants in self.shape.permits[permit].documents:
            if document in steps or document in held:
                continue
            if self.scope(i) is not True:
                continue  # the requirement does not bind this application (or may not: see missing facts)
            if issuer and issuer not in trail:
                self._visit(issuer, trail | {issuer}, held, steps)
            steps[document] = _new(
                PathwayStep,
                (document, title, issuer, authority, _LABEL[self.o.get(issuer)] if issuer else "", grants),
            )

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
        stands = self.stands(permit)
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
        return self._memo(
            "rule", str(i), lambda: [x for node in self.shape.support(i) for x in self.support(node)]
        )

    def support(self, node: _Support) -> list[str]:
        """The unknown facts behind an unknown condition (nothing for a known one)."""
        if node.truth(self.f, self.o, self.c, self.pt) is not None:
            return []
        kind = node.kind
        if kind == "junction":
            return [x for o in node.children for x in self.support(o)]
        if kind == "not_at_hand":
            return [_NOT_AT_HAND + node.name]
        if kind == "met":
            name = node.name
            return self._memo(
                "condition",
                name,
                lambda: [
                    x
                    for j in self.p.condition_rules.get(name, [])
                    if self.applies[j] is None
                    for x in self.rule_support(j)
                ],
            )
        if kind == "permit":
            return self.permit_support(node.name)
        return self._leaf_support(node)

    def _leaf_support(self, node: _Support) -> list[str]:
        out: list[str] = []
        for path in node.paths:
            out += self._fact_support(path)
        for kind, name, called in node.calls:
            if kind == "points":
                lo_hi = self.pt["#" + name]
                for paths, (lo, hi) in zip(self.shape.points_reads[name], lo_hi, strict=True):
                    if lo != hi:
                        for path in paths:
                            out += self._fact_support(path)
            elif kind == "met":
                assert called is not None
                out += self.support(called)
            elif kind in ("eligible", "ineligible"):
                out += self.permit_support(name)
        return out

    def _fact_support(self, path: str) -> list[str]:
        if path.startswith("params.") or path == "decision_date" or self.fact(path) is not None:
            return []
        sources = self.p.derived_sources.get(path)
        if sources is None:
            return [path] if path in self.law.facts else []
        # a derived fact: its unknown sources; if all are known (a division by zero), all of them
        return [s for s in sources if self.fact(s) is None] or list(sources)
