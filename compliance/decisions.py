"""Deciding applications: the law, its rule graph and an evaluator, assembled once and reused."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from lexgraph.engine.check import Law
from lexgraph.engine.evaluate import Evaluator
from lexgraph.engine.graph import RuleGraph, build_graph
from lexgraph.engine.pipeline import load_law
from lexgraph.engine.trace import Decision

from .applications import validate_application


@dataclass
class LawContext:
    """One law (baseline, or baseline plus amendments and parameters) ready to decide."""

    law: Law
    graph: RuleGraph = field(init=False)
    evaluator: Evaluator = field(init=False)

    def __post_init__(self) -> None:
        self.graph = build_graph(self.law)
        self.evaluator = Evaluator(self.law, self.graph)

    @classmethod
    def load(cls, law_dirs: list[Path] | None = None, amendments: list[Path] | None = None,
             parameters: dict[str, str] | None = None, exclude: list[Path] | None = None) -> LawContext:
        return cls(load_law(law_dirs, amendments, parameters, exclude))

    def decide(self, application: dict[str, Any], as_of: dt.date | None = None, trace: bool = True) -> Decision:
        validate_application(application)
        return self.evaluator.decide(application, as_of, trace)

    @cached_property
    def permits(self) -> list[str]:
        return sorted(self.law.permits)
