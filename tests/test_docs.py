"""The docs agree with the code: the Sphinx build (-W) renders every instrument, article and rule
of the corpus; every block of the DSL reference parses and together they use every keyword of the
grammar; each user guide's walk-through runs; the parameter defaults the docs state are the code's."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lexgraph.api import load_law
from lexgraph.compliance.workbench.law import anchor
from lexgraph.engine.syntax import parse

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _blocks(text: str, language: str) -> list[str]:
    return [m.group(1) for m in re.finditer(rf"^```{language}\n(.*?)^```", text, re.S | re.M)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html")
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(DOCS), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return out


def test_every_instrument_article_and_rule_is_on_a_generated_page(built: Path) -> None:
    law = load_law().law
    assert law.instruments
    for inst in law.instruments.values():
        page = built / "corpus" / f"{inst.id}.html"
        assert page.exists(), f"no page for {inst.id}"
        text = page.read_text(encoding="utf-8")
        assert html.escape(inst.title_zh) in text
        assert "<svg" in text and "rulegraph" in text  # the figure, drawn at build time
        for (iid, number), article in law.articles.items():
            if iid != inst.id:
                continue
            assert f'id="art-{number}"' in text, f"{inst.id} article {number}"
            for p in article.paragraphs:  # each paragraph and item on its own line, verbatim
                assert f'<p class="zh">{html.escape(p.text)}</p>' in text or not p.text
                for i in p.items:
                    assert f'<p class="zh">{html.escape(i.text)}</p>' in text
        for rule in law.rules.values():
            if rule.instrument == inst.id:
                assert f'id="{anchor(rule.id)}"' in text, rule.id
    sample = (built / "corpus" / "entry_exit_regulations.html").read_text(encoding="utf-8")
    assert 'class="highlight-lexgraph' in sample and '<span class="kd">rule</span>' in sample  # our lexer


def test_dsl_reference_parses_and_shows_every_keyword() -> None:
    text = (DOCS / "dsl.md").read_text(encoding="utf-8")
    blocks = _blocks(text, "lexgraph")
    assert len(blocks) >= 7
    for i, block in enumerate(blocks):
        tree, diagnostics = parse(block, f"docs/dsl.md block {i + 1}")
        assert tree is not None and not diagnostics, [str(d) for d in diagnostics]
    keywords = set(
        re.findall(r'"([a-z_]+)"', (ROOT / "grammar" / "lexgraph.lark").read_text(encoding="utf-8"))
    )
    used = set(re.findall(r"[a-z_]+", "\n".join(re.sub(r'"[^"]*"', "", b) for b in blocks)))
    assert not keywords - used, f"keywords with no example in docs/dsl.md: {sorted(keywords - used)}"


@pytest.mark.parametrize("guide", ["guide-drafter.md", "guide-integrator.md", "guide-auditor.md"])
def test_guide_walkthrough_runs(guide: str) -> None:
    blocks = _blocks((DOCS / guide).read_text(encoding="utf-8"), "bash")
    assert blocks
    script = "set -euo pipefail\n" + "\n".join(blocks)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, f"{guide}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"


def test_parameter_defaults_in_the_docs_are_the_code() -> None:
    from lexgraph.engine.pipeline import load_law

    amended = load_law(None, [ROOT / "regulations" / "amendments" / "independent_application.lex"], {})
    defaults = {k: str(v.default) for k, v in amended.parameters.items()}
    stated: list[tuple[str, str, str]] = []
    for doc in [*DOCS.glob("*.md"), ROOT / "README.md"]:
        # a line that edits a default on purpose (the drafter's guide) states none
        text = "\n".join(
            line for line in doc.read_text(encoding="utf-8").splitlines() if not line.startswith("sed ")
        )
        stated += [(doc.name, n, v) for n, v in re.findall(r"parameter (\w+): integer = (\d+)", text)]
        stated += [(doc.name, n, v) for n, v in re.findall(r"^\| `(\w+)` \| (\d+) \|", text, re.M)]
    assert any(n == "pass_mark" for _, n, _ in stated)
    wrong = [(doc, n, v, defaults[n]) for doc, n, v in stated if n in defaults and defaults[n] != v]
    assert not wrong, wrong
