"""The law beside its code: a Sphinx extension that renders the bundled corpus.

At `builder-inited` it writes one page per instrument under docs/corpus/ (generated, gitignored),
each holding a `lexgraph-instrument` directive. The directive lays each article out as the law
does (paragraphs and items on their own lines, wrapping), with the English gloss, the DSL source
of every rule citing it (highlighted by the project's Pygments lexer, `lexgraph.compliance.lexer`),
cross-links between rules, and the instrument's rule graph as a figure drawn at build time. What is
shown is assembled by `lexgraph.compliance.workbench.law`, the same functions as the workbench."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

GENERATED = "corpus"


def _law() -> Any:
    from lexgraph.api import load_law

    return load_law()


def write_pages(app: Any) -> None:
    """One page per instrument, written only when its text changes (Sphinx then rereads it)."""
    context = _law()
    folder = Path(app.srcdir) / GENERATED
    folder.mkdir(exist_ok=True)
    wanted = set()
    for inst in sorted(context.law.instruments.values(), key=lambda i: i.id):
        path = folder / f"{inst.id}.md"
        wanted.add(path.name)
        text = f"# {inst.title_zh}\n\n{inst.title_en}\n\n```{{lexgraph-instrument}} {inst.id}\n```\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    for stale in folder.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()


def always_reread(app: Any, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """The corpus pages depend on regulations/ and the engine, which Sphinx does not watch."""
    return [d for d in env.found_docs if d.startswith(f"{GENERATED}/") or d == GENERATED]


def _lines(lines: list[dict[str, Any]]) -> nodes.container:
    box = nodes.container(classes=["lawtext"])
    for line in lines:
        block = nodes.container(classes=["lawline", line["kind"]], ids=[line["id"]] if line["id"] else [])
        block += nodes.paragraph(text=line["text"], classes=["zh"])
        if line.get("gloss"):
            block += nodes.paragraph(text=line["gloss"], classes=["en"])
        if line.get("note"):
            block += nodes.paragraph(text=f"注 note: {line['note']}", classes=["note"])
        box += block
    return box


def _rule(rule: dict[str, Any], pages: dict[str, str]) -> nodes.section:
    section = nodes.section(ids=[rule["anchor"]], classes=["rule"])
    section += nodes.title(text=rule["id"])
    para = nodes.paragraph()
    para += nodes.strong(text=rule["citation"])
    if rule["gloss"]:
        para += nodes.Text(f" — {rule['gloss']}")
    section += para
    if rule["source"]:
        section += nodes.paragraph(text=f"来源 source: {rule['source']}", classes=["note"])
    if rule["note"]:
        section += nodes.paragraph(text=f"注 note: {rule['note']}", classes=["note"])
    code = nodes.literal_block(rule["code"], rule["code"], language="lexgraph")
    section += code
    for title, edges in (("reads / depends on", rule["uses"]), ("used by", rule["used_by"])):
        if not edges:
            continue
        line = nodes.paragraph(text=f"{title}: ")
        for i, edge in enumerate(edges):
            if i:
                line += nodes.Text(" · ")
            kind, _, name = edge["node"].partition(":")
            target = pages.get(name) if kind == "rule" else None
            label = f"{edge['kind']} {edge['node']}"
            line += nodes.reference(text=label, refuri=target) if target else nodes.literal(text=label)
        section += line
    return section


class InstrumentDirective(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        from lexgraph.compliance.workbench.law import anchor, instrument_page, rule_view

        context = _law()
        law = context.law
        # where each rule is shown: its instrument's page, at its anchor
        pages = {r.id: f"{r.instrument}.html#{anchor(r.id)}" for r in law.rules.values()}

        def link(node: str) -> str:
            kind, _, name = node.partition(":")
            return pages.get(name, "") if kind == "rule" else f"{name}.html" if kind == "instrument" else ""

        data = instrument_page(context, self.arguments[0], link)
        if data is None:
            raise self.error(f"no instrument `{self.arguments[0]}` in the corpus")
        out: list[nodes.Node] = []
        meta = nodes.field_list()
        for key, value in data["meta"].items():
            meta += nodes.field(
                "", nodes.field_name(text=key), nodes.field_body("", nodes.paragraph(text=str(value)))
            )
        out.append(meta)
        figure = nodes.container(classes=["rulegraph"])
        figure += nodes.raw("", data["figure"], format="html")
        figure += nodes.paragraph(
            text=f"规则图 The rule graph of {data['instrument']['id']}: what its rules read (left), "
            "the rules (middle), what they conclude, require or override (right).",
            classes=["caption"],
        )
        out.append(figure)
        inst_id = data["instrument"]["id"]
        rules_by_article: dict[int, list[Any]] = {}
        for rule in law.rules.values():
            if rule.instrument == inst_id and rule.citation and rule.citation.instrument == inst_id:
                rules_by_article.setdefault(rule.citation.article, []).append(rule)
        for article in data["articles"]:
            section = nodes.section(ids=[f"art-{article['number']}"])
            section += nodes.title(text=f"{article['heading']} (art. {article['number']})")
            section += _lines(article["lines"])
            for rule in sorted(
                rules_by_article.get(article["number"], []),
                key=lambda r: (r.citation.paragraph, r.citation.item, r.id),
            ):
                section += _rule(rule_view(context, rule), pages)
            out.append(section)
        others = [
            r
            for r in law.rules.values()
            if r.instrument == inst_id and (r.citation is None or r.citation.instrument != inst_id)
        ]
        if others:
            section = nodes.section(ids=["rules-without-text"])
            section += nodes.title(text="条文未收录的规则 Rules whose text is not at hand")
            section += nodes.paragraph(text="These rules name their real source and quote nothing.")
            for rule in sorted(others, key=lambda r: r.id):
                section += _rule(rule_view(context, rule), pages)
            out.append(section)
        return out


class CorpusDirective(SphinxDirective):
    """The list of instruments (each links to its generated page)."""

    def run(self) -> list[nodes.Node]:
        law = _law().law
        items = nodes.bullet_list()
        for inst in sorted(law.instruments.values(), key=lambda i: i.id):
            articles = sum(1 for (i, _) in law.articles if i == inst.id)
            rules = sum(1 for r in law.rules.values() if r.instrument == inst.id)
            para = nodes.paragraph()
            para += nodes.reference(text=inst.title_zh, refuri=f"{GENERATED}/{inst.id}.html")
            para += nodes.Text(f" ({inst.id}) — {inst.title_en}; {articles} articles, {rules} rules")
            items += nodes.list_item("", para)
        return [items]


def setup(app: Any) -> dict[str, Any]:
    from lexgraph.compliance.lexer import LexgraphLexer

    app.add_lexer("lexgraph", LexgraphLexer)
    app.add_directive("lexgraph-corpus", CorpusDirective)
    app.add_directive("lexgraph-instrument", InstrumentDirective)
    app.connect("builder-inited", write_pages)
    app.connect("env-get-outdated", always_reread)
    app.add_css_file("lexgraph.css")
    return {"parallel_read_safe": True}
