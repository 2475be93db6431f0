"""lexgraph: China's immigration regulations as code.

The package maps the project's folders: ``lexgraph.engine`` (the language and its
evaluation), ``lexgraph.compliance`` (decisions, analysis, amendments, audit, the edges),
``lexgraph.grammar`` and ``lexgraph.regulations`` (package data).
"""

__version__ = "0.1.0"
