"""lexgraph: China's immigration regulations as code.

The package maps the project's folders: ``lexgraph.engine`` (the language and its
evaluation), ``lexgraph.compliance`` (decisions, analysis, amendments, audit, the edges),
``lexgraph.grammar`` and ``lexgraph.regulations`` (package data). The public API is
``lexgraph.api``, re-exported here: ``from lexgraph import load_law, decide``.
"""

__version__ = "0.1.0"

from .api import *  # noqa: E402, F403  (the public API; it imports no optional library)
from .api import __all__ as _api

__all__ = ["__version__", *_api]
