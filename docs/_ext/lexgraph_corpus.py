"""A Sphinx directive that renders the bundled corpus: instruments, verbatim articles and their rules."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


class CorpusDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        from lexgraph.compliance.decisions import LawContext
        from lexgraph.engine.evaluate import render_citation

        law = LawContext.load().law
        out: list[nodes.Node] = []
        for inst in sorted(law.instruments.values(), key=lambda i: i.id):
            section = nodes.section(ids=[f"instrument-{inst.id}"])
            section += nodes.title(text=f"{inst.title_zh} ({inst.id})")
            meta = ", ".join(f"{k}: {v}" for k, v in (("rank", inst.rank), ("issuer", inst.issuer), ("number", inst.number),
                                                      ("in force", inst.in_force), ("implements", ", ".join(inst.implements)),
                                                      ("enacted under", ", ".join(inst.enacted_under))) if v)
            section += nodes.paragraph(text=meta)
            rules_by_article: dict[int, list[Any]] = {}
            for rule in law.rules.values():
                if rule.instrument == inst.id:
                    rules_by_article.setdefault(rule.citation.article if rule.citation else 0, []).append(rule)
            for (iid, number), article in sorted(law.articles.items()):
                if iid != inst.id:
                    continue
                section += nodes.literal_block(text=f"第{number}条\n" + article.full_text())
                items = nodes.bullet_list()
                for rule in rules_by_article.get(number, []):
                    items += nodes.list_item("", nodes.paragraph(text=f"{rule.id} — {render_citation(law, rule)} {rule.gloss}"))
                section += items
            unnumbered = rules_by_article.get(0, [])
            if unnumbered:
                section += nodes.paragraph(text="Rules whose text is not at hand:")
                items = nodes.bullet_list()
                for rule in unnumbered:
                    items += nodes.list_item("", nodes.paragraph(text=f"{rule.id} — source: {rule.source}. {rule.note}"))
                section += items
            out.append(section)
        return out


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("lexgraph-corpus", CorpusDirective)
    return {"parallel_read_safe": True}
