"""Sphinx configuration for the lexgraph documentation."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "lexgraph"
author = "the lexgraph engineers"
extensions = ["myst_parser", "lexgraph_corpus"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
html_theme = "alabaster"
language = "zh_CN"
suppress_warnings = ["myst.header"]
html_static_path = ["_static"]
html_theme_options = {"page_width": "1200px"}
