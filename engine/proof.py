"""Stage 6 — proof: an Evaluation → a Decision (proof trees, missing facts, the advisory pathway).

The proof reads every outcome and every rule's applicability from the evaluation; it never decides
anything itself. Where it must look inside a condition (which part is unknown, which facts could
still change the outcome) it evaluates the sub-expression with a function the program's own code
generator compiled (`Program.function`), so the proof and the decision share one semantics.

The proof of each program is itself compiled, once, from its `Shape` (engine/proof_code.py; the
search for missing facts: engine/proof_support.py): the generated functions build each permit's
decision from the traced run's flat record; this module holds the shape, the per-decision builder
they share and the paths only some decisions take.
(Over 400 lines: the shape and the builder read one evaluation together.)
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable, Mapping
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any, NamedTuple

from lexgraph import __version__

from . import model as m
from .compile import UNREAD
from .evaluate import Evaluation, Program, Tri
from .expressions import fact_paths
from .proof_code import ProofCode, frozen, generate, json_value
from .proof_support import fact_reads, split_found
from .trace import Cited, ConditionTrace, Decision, Effect, PermitDecision, Provision, RuleProof

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
    contender's effect, the pathway's document steps and the header's parameter overrides; and the proof
    compiled from these (`code`: engine/proof_code.py). A decision keeps nothing across decisions."""

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
        self.shown = tuple(shown)
        self.unheld = tuple(
            f"not {cr.demands_text}" for cr in program.rules
        )  # a sanction's condition on requirement i
        # per set of facts shown, where each fact lies in the decision's facts (-1: a points table's
        # total and factors, `points(name)`); the sets with a points table
        self.readers = tuple(
            tuple((p, -1 if p.startswith("points(") else self.fact_at.get(p, self.unknown_at)) for p in paths)
            for paths in self.shown
        )
        self.with_points = frozenset(
            k for k, paths in enumerate(self.shown) if any(p.startswith("points(") for p in paths)
        )
        self.points_factors = {
            name: tuple(fa.name for fa in table.factors) for name, table in law.points.items()
        }
        self.holds_at = self.fact_at.get("holds", self.unknown_at)  # the documents held, for the pathway
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
        self.points_reads = {
            name: tuple(
                fact_reads(
                    program,
                    self.fact_at,
                    [p for band in factor.bands for p in fact_paths(band.when) + fact_paths(band.value)],
                )
                for factor in table.factors
            )
            for name, table in law.points.items()
        }
        self._program = weakref.ref(program)
        self._demands: dict[int, Callable[..., Tri] | None] = {}
        # the facts that have a documented default: (path, its parts), for the decision's header
        self.defaulted = tuple((fact.path, tuple(fact.path.split("."))) for fact in program.defaulted_facts)
        self.overrides = dict(
            sorted((k, v) for k, v in law.parameter_values.items() if law.parameters[k].default != v)
        )
        self.amendment_status = {a: law.instruments[a].status for a in law.applied_amendments}
        self.code: ProofCode = generate(self, program)  # the proof compiled from all of the above

    def demand(self, i: int) -> Callable[..., Tri] | None:
        """What requirement i demands, compiled (None for a rule that demands nothing); read only where
        the traced run did not read it (the requirement cannot bind), so compiled on first use."""
        got = self._demands.get(i, _UNSET)
        if got is _UNSET:
            program = self._program()
            assert program is not None  # a Shape lives only as long as its program
            demands = program.rules[i].demands
            got = self._demands[i] = program.function(demands) if demands is not None else None
        return got  # type: ignore[return-value]


_UNSET = -1  # a memo slot not yet filled (a compiled function is never an int)


def shape(program: Program) -> Shape:
    """The program's `Shape`, built on its first proof (and kept with the program)."""
    found: Shape | None = program.stages.get("proof")
    if found is None:
        found = program.stages["proof"] = Shape(program)
    return found


def build_decision(ev: Evaluation, requested: list[str] | None = None) -> Decision:
    """The one public entry point of this stage."""
    program = ev.program
    law = program.law
    builder = _ProofBuilder(ev)
    code = builder.code
    application = ev.application
    # statuses held whose cancellation is asked about; asked alone, nothing else is decided
    asked = application.get("cancellation_of")
    cancellations = list(dict.fromkeys(asked)) if asked else []
    wanted = requested or application.get("requested")
    if wanted:
        decisions = tuple(builder.permit(p) for p in wanted)
    else:
        decisions = () if cancellations else code.all(builder)
    if cancellations:
        decisions += tuple(builder.cancellation(p) for p in cancellations)
    return frozen(
        Decision,
        application_id=str(application.get("id", "")),
        as_of=ev.as_of.isoformat(),
        digest=law.digest,
        instruments=program.instruments,
        decisions=decisions,
        amendments=law.applied_amendments,
        parameters=dict(builder.shape.overrides),
        amendment_status=dict(builder.shape.amendment_status),
        engine=engine_identity(),
        defaults=code.defaults(application, builder.values),
        origin=law.origin,
        provisions=builder.shape.provisions,
    )


class _ProofBuilder:
    """One decision: the evaluation read once, and what the program's generated proof functions
    (`Shape.code`, engine/proof_code.py) share within it — each rule's condition traces (`T`), each
    set of facts shown (`S`), each permit's decision — and the paths they call for what only some
    decisions need. Nothing here outlives the decision."""

    def __init__(self, ev: Evaluation):
        self.ev = ev
        self.p: Program = ev.program
        self.o, self.c, self.pt = ev.o, ev.c, ev.pt
        self.applies = ev.applies
        self.shape = shape(ev.program)
        self.code = self.shape.code
        self.values = ev.fact_values
        # the traced run's flat record (an untraced evaluation's is read the same way, see `_record`)
        self.flat: tuple[Any, ...] = ev.recorded.flat if ev.recorded is not None else self._record()
        self.T: list[tuple[tuple[ConditionTrace, ...], tuple[ConditionTrace, ...], Tri, Tri] | None] = [
            None
        ] * len(self.shape.rules)
        # the sets of facts conditions show (`Shape.shown`): all but those with a points table, at once
        # (those where a proof first shows them, `proof_code._points_set_code`)
        self.S: list[dict[str, Any] | None] = self.code.shown(self.values)
        self.permits: dict[str, PermitDecision] = {}
        self.points: dict[str, dict[str, Any]] = {}  # each points table as shown (`proof_code._points_code`)
        # the documents the applicant holds: as a decision shows them, and for the advisory pathway
        # (none known: none held)
        held = self.values[self.shape.holds_at] if self.shape.holds_at < self.shape.unknown_at else None
        self.held_facts = {"holds": json_value(held)}  # what a sanction's conditions show, shared
        self.held_documents: frozenset[str] = held if isinstance(held, frozenset) else frozenset()
        # proofs memoised: (rule, effect, depth) by `rule_proof`; (rule, the effect's place, depth) by the code
        self.proofs: dict[tuple[int, Effect | int, int], RuleProof] = {}
        self._support: dict[int | str, list[str]] = {}  # the search for missing facts, memoised

    # ------------------------------------------------------------------ reading the evaluation
    @property
    def f(self) -> dict[str, Any]:
        """The known facts by path (what the program's compiled functions read)."""
        return self.ev.f

    def truth(self, expr: m.Expr) -> Tri:
        """A condition's truth value on this application, by the program's own compiled semantics."""
        truth: Tri = self.p.function(expr)(self.f, self.o, self.c, self.pt)
        return truth

    def _record(self) -> tuple[Any, ...]:
        """An untraced evaluation's record, laid out as the traced run's (`RuleTraceLayout`): every
        condition and exception by the program's compiled functions; what a requirement demands is
        left unread, and read where a proof asks (`unread`)."""
        out: list[Any] = []
        for cr in self.p.rules:
            out += [self.truth(x) for x in cr.conditions]
            out += [self.truth(u) for u in cr.rule.unless]
            if cr.demands is not None:
                out.append(UNREAD)
        return tuple(out)

    def unread(self, i: int) -> Tri:
        """What requirement i demands where the run did not read it (the requirement cannot bind), by
        its compiled function."""
        fn = self.shape.demand(i)
        return fn(self.f, self.o, self.c, self.pt) if fn is not None else None

    # ------------------------------------------------------------------ rule proofs
    def rule_proof(self, i: int, effect: Effect, depth: int = 0) -> RuleProof:
        """A rule's proof (immutable, so shared wherever it recurs)."""
        key = (i, effect, depth)
        got = self.proofs.get(key)
        if got is None:
            got = self.proofs[key] = self.code.proofs[i](self, effect, depth)
        return got

    # ------------------------------------------------------------------ permits
    def permit(self, permit: str) -> PermitDecision:
        """A permit's decision, by the program's generated proof of it (once per decision)."""
        got = self.permits.get(permit)
        if got is not None:
            return got
        build = self.code.permits.get(permit)
        if build is None:
            return PermitDecision(permit, "undetermined", detail={"note": "unknown permit"})
        return build(self)

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
        search = self.code.support.rules
        found = (
            [s for i in indices if self.applies[i] is None for s in search[i](self)]
            if outcome is None
            else []
        )
        missing = split_found(found, detail)
        return PermitDecision(
            permit,
            _CANCELLATION[outcome],
            tuple(grounds),
            (),
            missing,
            detail,
            kind="cancellation",
        )
