"""lexgraph: China's immigration regulations as code.

The package maps the project's folders: ``lexgraph.engine`` (the language and its
evaluation), ``lexgraph.compliance`` (decisions, analysis, amendments, audit, the edges),
``lexgraph.grammar`` and ``lexgraph.regulations`` (package data). The public API is
``lexgraph.api``, re-exported here (``from lexgraph import load_law, decide``) and imported on
first use: the engine reads ``__version__`` from here, and must not load the API with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import *  # noqa: F403


def __getattr__(name: str) -> Any:
    api = importlib.import_module("lexgraph.api")
    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module 'lexgraph' has no attribute {name!r}")
