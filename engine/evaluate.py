"""Stage 5c — evaluate: a Program (plan + generated code) + application facts + Tracer → Evaluation.

A `Program` is the law compiled for one set of instruments in force: the rules, their conditions
as Python functions, and the order in which permits and named conditions are settled. Programs
are cached per set of instruments in force; nothing in a Program depends on the decision's date,
which travels with each Evaluation (so one warm process decides exactly as a fresh one).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property, lru_cache
from typing import Any

from . import model as m
from . import semantics as sem
from .check import Law
from .citation import cited_text, law_numbering, provision_zh, render_citation, source_slice, zh_number
from .compile import RUNTIME, ExprCompiler, RuleTrace, RuleTraceLayout, generate, joined
from .graph import RuleGraph
from .plan import PermitPlan, Plan, PlannedRule, RuleSheet
from .semantics import PY, Tri
from .trace import Decision, Tracer
from .typer import typing_of

__all__ = [  # the citation helpers are re-exported: callers import them from here
    "Evaluation",
    "Evaluator",
    "PermitPlan",
    "Plan",
    "PlannedRule",
    "Program",
    "RuleSheet",
    "Tri",
    "cited_text",
    "k_and",
    "k_not",
    "k_or",
    "law_numbering",
    "provision_zh",
    "render_citation",
    "source_slice",
    "zh_number",
]


def k_and(values: Iterable[Tri]) -> Tri:
    return PY.and_(list(values))


def k_or(values: Iterable[Tri]) -> Tri:
    return PY.or_(list(values))


def k_not(v: Tri) -> Tri:
    return PY.not_(v)


class Program:
    """The law of one set of instruments in force (and the amendments applied): its plan, and the
    plan compiled to Python (engine/compile.py)."""

    def __init__(self, law: Law, graph: RuleGraph, active: tuple[str, ...], plan: Plan | None = None):
        self.plan = plan = plan or Plan(law, graph, active)
        self.law, self.graph, self.active = law, graph, active
        self.instruments, self.numbering, self.rules_in_force = (
            plan.instruments,
            plan.numbering,
            plan.rules_in_force,
        )
        self.derived_sources = plan.derived_sources
        self.rules, self.plans, self.condition_rules, self.order = (
            plan.rules,
            plan.plans,
            plan.condition_rules,
            plan.order,
        )
        self.compiler = ExprCompiler(typing_of(law), law.facts, plan.derived, law.parameter_values)
        generated = generate(plan, self.compiler)
        self.run_fast, self.run_traced = generated.run_fast, generated.run_traced
        self.read_facts, self.read_rest = generated.read_facts, generated.read_rest
        self.fact_names, self.source = generated.fact_names, generated.source
        self.trace_layout = RuleTraceLayout.of(plan)
        self._functions: dict[tuple[m.Expr, str], Callable[..., Any]] = {}
        self._functions_lock = threading.Lock()
        # what a later stage builds once per program (the proof's shape), kept as long as the program
        self.stages: dict[str, Any] = {}

    @property
    def defaulted_facts(self) -> tuple[m.FactDecl, ...]:
        return self.plan.defaulted_facts

    @property
    def sheets(self) -> tuple[RuleSheet, ...]:
        return self.plan.sheets

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

    def run(self, application: dict[str, Any], as_of: dt.date, tracer: Tracer | None = None) -> Evaluation:
        """Evaluate every rule in force; a ProofTracer receives each condition's truth value."""
        if tracer is not None and tracer.enabled:
            evaluation = self.traced(application, as_of)
            tracer.record(evaluation.recorded)  # type: ignore[arg-type]
            return evaluation
        return self.untraced(application, as_of)

    def traced(self, application: dict[str, Any], as_of: dt.date) -> Evaluation:
        """Every rule in force, every condition's truth value recorded (the traced run)."""
        o, c, pt, applies, flat, known = self.run_traced(application)
        return Evaluation(
            self,
            application,
            as_of,
            None,
            o,
            c,
            pt,
            None,
            RuleTrace(None, self.trace_layout, flat),
            applies,
            known,
        )

    def untraced(self, application: dict[str, Any], as_of: dt.date) -> Evaluation:
        """Every rule in force, nothing recorded (the fast run)."""
        o, c, pt, applies, _ = self.run_fast(application)
        return Evaluation(self, application, as_of, None, o, c, pt, None, None, applies)

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
        """`semantics.stands` over the evaluation's applicabilities."""
        return sem.stands(PY, applies[i], [applies[j] for j, _ in plan.beaten_by.get(i, ())])


class Evaluation:
    """One application evaluated under one Program on one date: every rule's applicability, each
    permit's outcome, and (when traced) every condition's truth value.

    The facts (`fact_values`, in the order of program.fact_names; None = unknown) are what the run
    read: a traced run returns those it read (`known`, in parts) and the others are read from the
    application when a proof first asks for them (`Program.read_rest`); an untraced run leaves them
    all behind, and they are read again by the same generated reader (`Program.read_facts`)."""

    __slots__ = (
        "program",
        "application",
        "as_of",
        "_facts",
        "_known",
        "o",
        "c",
        "pt",
        "applies",
        "_applies_parts",
        "recorded",
        "__dict__",
    )

    def __init__(
        self,
        program: Program,
        application: dict[str, Any],
        as_of: dt.date,
        fact_values: tuple[Any, ...] | None,  # None: read from the application when first asked for
        o: dict[str, Tri],
        c: dict[str, Tri],
        pt: dict[str, Any],
        applies: tuple[Tri, ...] | None,  # None: joined from `applies_parts` when first read
        recorded: RuleTrace | None,  # what a traced run recorded (None: untraced)
        applies_parts: tuple[tuple[Tri, ...], ...] = (),  # how a generated run returns them
        known: tuple[tuple[Any, ...], ...] | None = None,  # the facts a traced run read, in parts
    ):
        self.program = program
        self.application = application
        self.as_of = as_of
        self._facts = fact_values
        self._known = known
        self.o = o
        self.c = c
        self.pt = pt
        if applies is not None:
            self.applies = applies
        self._applies_parts = applies_parts
        self.recorded = recorded

    def __repr__(self) -> str:
        return f"Evaluation({self.application.get('id', '')!r}, {self.as_of}, {self.o!r})"

    applies: tuple[Tri, ...]  # every rule's applicability, in the order of program.rules

    def __getattr__(self, name: str) -> Any:  # only while `applies` is unset: joined once, then a slot
        if name != "applies":
            raise AttributeError(name)
        self.applies = applies = joined(self._applies_parts)
        return applies

    @property
    def fact_values(self) -> tuple[Any, ...]:
        """The facts the run read, application and derived, in the order of program.fact_names."""
        facts = self._facts
        if facts is None:
            known = self._known
            facts = self._facts = (
                self.program.read_facts(self.application)
                if known is None
                else self.program.read_rest(self.application, known)
            )
        return facts

    @cached_property
    def trace(self) -> dict[int, tuple[Any, ...]] | None:
        """Rule i → (condition values, exception values); -1-i → (what requirement i demands,)."""
        return self.recorded.as_dict() if self.recorded is not None else None

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
        return _proof_stage()(self, requested)


class Evaluator:
    """Decides applications against one Law; plans (and compiles) once per set of instruments in force."""

    def __init__(self, law: Law, graph: RuleGraph):
        self.law = law
        self.graph = graph
        self._plans: dict[tuple[str, ...], Plan] = {}
        self._programs: dict[tuple[str, ...], Program] = {}
        self._active: dict[dt.date, tuple[str, ...]] = {}
        # an application's decision_date as written → (the day, its program): read once per date
        self._dated: dict[str, tuple[dt.date, Program]] = {}

    def _key(self, as_of: dt.date) -> tuple[str, ...]:
        key = self._active.get(as_of)
        if key is None:
            key = self._active[as_of] = self.law.active_on(as_of)
        return key

    def plan(self, as_of: dt.date) -> Plan:
        """The plan of the law in force on `as_of` (what the column evaluator and z3 run)."""
        key = self._key(as_of)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = Plan(self.law, self.graph, key)
        return plan

    def program(self, as_of: dt.date) -> Program:
        key = self._key(as_of)
        program = self._programs.get(key)
        if program is None:
            program = self._programs[key] = Program(self.law, self.graph, key, self.plan(as_of))
        return program

    def evaluate(
        self, application: dict[str, Any], as_of: dt.date | None = None, trace: bool = True
    ) -> Evaluation:
        """Evaluate, recording every condition's truth value when `trace` is on."""
        if as_of is None:
            raw = application["decision_date"]
            dated = self._dated.get(raw) if type(raw) is str else None
            if dated is None:
                day = dt.date.fromisoformat(raw)
                dated = (day, self.program(day))
                if type(raw) is str:
                    self._dated[raw] = dated
            day, program = dated
        else:
            day, program = as_of, self.program(as_of)
        return program.traced(application, day) if trace else program.untraced(application, day)

    def outcomes(self, application: dict[str, Any], as_of: dt.date | None = None) -> dict[str, Tri]:
        """The untraced path: permit → True (eligible) / False (ineligible) / None (undetermined)."""
        return self.evaluate(application, as_of, trace=False).o

    def decide(
        self, application: dict[str, Any], as_of: dt.date | None = None, trace: bool = True
    ) -> Decision:
        return self.evaluate(application, as_of, trace).decision()


@lru_cache(maxsize=1)
def _proof_stage() -> Callable[[Evaluation, list[str] | None], Decision]:
    """The next stage's entry point, imported once on first use (it imports this module; an import
    statement run per decision costs a microsecond)."""
    from .proof import build_decision

    return build_decision
