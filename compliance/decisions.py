"""Deciding applications: the law, its rule graph and an evaluator, assembled once and reused.

`LawContext.load` is the one law cache of the process: contexts are kept by the content they were
built from (the baseline's sources, each amendment's sources, the parameters and where the law was
read from), least recently used dropped first (engine/pipeline.py's LRU, thread-safe). The
engine's own caches below it keep parsed files, checked baselines, amendment values and amended
laws by their digests, so a new `--set` value builds a new plan without parsing anything again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from lexgraph.engine.check import Law
from lexgraph.engine.diagnostics import Diagnostic, LexgraphError
from lexgraph.engine.evaluate import Evaluator
from lexgraph.engine.graph import RuleGraph, build_graph
from lexgraph.engine.loader import default_regulations
from lexgraph.engine.model import SourceFile
from lexgraph.engine.pipeline import (
    LRU,
    amended,
    amendment_of,
    baseline_of,
    content_key,
    load_keyed,
    read_files,
    with_parameters,
)
from lexgraph.engine.trace import Decision

from .applications import validate_application

CONTEXTS_KEPT = 16


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
    def load(
        cls,
        law_dirs: list[Path] | None = None,
        amendments: list[Path] | None = None,
        parameters: dict[str, str] | None = None,
        exclude: list[Path] | None = None,
    ) -> LawContext:
        """The context of this law, from the process's law cache when its content was seen before."""
        key, law = load_keyed(law_dirs, amendments, parameters, exclude)
        return CONTEXTS.get(key, lambda: cls(law))

    @classmethod
    def from_content(cls, content: LawContent) -> LawContext:
        """The context of a law sent by content (a worker's): its sources checked against its digests,
        then built through the same caches."""
        content.verify()
        key = content.key
        return CONTEXTS.get(key, lambda: cls(content.law()))

    def decide(
        self, application: dict[str, Any], as_of: dt.date | None = None, trace: bool = True
    ) -> Decision:
        validate_application(application)
        return self.evaluator.decide(application, as_of, trace)

    @cached_property
    def permits(self) -> list[str]:
        return sorted(self.law.permits)


CONTEXTS: LRU[tuple[str, ...], LawContext] = LRU(CONTEXTS_KEPT)


@dataclass(frozen=True)
class LawContent:
    """A law by its content — the baseline's and each amendment's sources, the parameters — and the
    digests they must have: what travels to a worker instead of a path it would read on its own disk."""

    baseline: tuple[SourceFile, ...]
    amendments: tuple[tuple[SourceFile, ...], ...]
    parameters: tuple[tuple[str, str], ...]
    origin: str
    digests: tuple[str, ...]  # content_key of the baseline, then of each amendment

    @classmethod
    def of(
        cls, law_dirs: list[Path] | None, amendments: Iterable[Path], parameters: dict[str, str]
    ) -> LawContent:
        """Read here, once: the sources of the baseline and of each amendment."""
        default, origin = default_regulations()
        if law_dirs:
            origin = ", ".join(str(d) for d in law_dirs)
        loaded = read_files(list(law_dirs or [default]))
        if loaded.diagnostics:
            raise LexgraphError(loaded.diagnostics)
        values = [a.sources for a in loaded.amendments(amendments)]
        return cls(
            tuple(loaded.sources),
            tuple(values),
            tuple(sorted(parameters.items())),
            origin,
            (content_key(loaded.sources), *(content_key(v) for v in values)),
        )

    @property
    def key(self) -> tuple[str, ...]:
        return (*self.digests, repr(sorted(self.parameters)), self.origin)

    def verify(self) -> None:
        """Each source set has the digest it was sent with; else LexgraphError (`digest_mismatch`)."""
        got = (content_key(self.baseline), *(content_key(v) for v in self.amendments))
        if got != self.digests:
            raise LexgraphError(
                [
                    Diagnostic(
                        "digest_mismatch",
                        "the law received does not have the digest it was sent with: "
                        f"expected {', '.join(d[:12] for d in self.digests)}, got {', '.join(d[:12] for d in got)}",
                    )
                ]
            )

    def law(self) -> Law:
        baseline = baseline_of(self.baseline)
        law = amended(baseline, self.digests[0], tuple(amendment_of(v) for v in self.amendments))
        return replace(with_parameters(law, dict(self.parameters)), origin=self.origin)

    def without_amendments(self) -> LawContent:
        return LawContent(self.baseline, (), (), self.origin, self.digests[:1])
