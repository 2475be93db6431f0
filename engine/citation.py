"""Citations: a rule's provision by the numbering in force, and the verbatim text it cites.

Rendering only: nothing here decides. Used by the plan (each rule's proof sheet), the proof and the
edges (diff, service, workbench)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from . import model as m
from .check import Law
from .numbering import Numbering, numbering, zh_number

__all__ = ["cited_text", "law_numbering", "provision_zh", "render_citation", "source_slice", "zh_number"]


def law_numbering(law: Law, active: Iterable[str] | None = None) -> Numbering:
    """The numbering in force for the `active` instruments and amendments (every amendment when None)."""
    return numbering(law.instruments, law.amend_ops, law.articles, active)


def render_citation(law: Law, rule: m.Rule, numbers: Numbering | None = None) -> str:
    """The rule's provision, cited by the numbering in force (`numbers`; the latest when None)."""
    inst = law.instruments[rule.instrument]
    if rule.citation is None:
        return f"{inst.title_zh}（条文未收录；依据：{rule.source}）"
    if inst.kind == "amendment" and inst.status == "proposed" and rule.source:
        # a proposal's passages carry no article numbers of their own: cite the paper's passage
        return f"{inst.title_zh}（{rule.source}）"
    numbers = numbers or law_numbering(law)
    c = numbers.cite_rule(rule, law.instruments)
    assert c is not None
    return f"{law.instruments[c.instrument].title_zh} {provision_zh(law, c, numbers)}"


def provision_zh(law: Law, c: m.Citation, numbers: Numbering | None = None) -> str:
    """第六条第十二项: the paragraph is named only when the article has more than one, as Chinese
    legal citation does (rule ids keep `para_1`, so they do not change). `c` is in the numbering `numbers`."""
    article = (
        numbers.article(c.instrument, c.article) if numbers else law.articles.get((c.instrument, c.article))
    )
    single = article is not None and len(article.paragraphs) <= 1
    out = f"第{zh_number(c.article)}条"
    if c.paragraph and not single:
        out += f"第{zh_number(c.paragraph)}款"
    if c.item:
        out += f"第{zh_number(c.item)}项"
    return out


def cited_text(law: Law, citation: m.Citation | None, numbers: Numbering | None = None) -> str:
    """The verbatim text of the cited provision (an item, a paragraph's lead, or a whole article);
    `citation` is in the numbering `numbers` (the instruments' own when None)."""
    if citation is None:
        return ""
    article = (
        numbers.article(citation.instrument, citation.article)
        if numbers
        else law.articles.get((citation.instrument, citation.article))
    )
    if article is None:
        return ""
    if not citation.paragraph:
        return article.full_text()
    para = next((p for p in article.paragraphs if p.number == citation.paragraph), None)
    if para is None:
        return ""
    if citation.item:
        item = next((i for i in para.items if i.number == citation.item), None)
        return item.text if item else ""
    return para.text or "".join(i.text for i in para.items)


@lru_cache(maxsize=4096)
def _source_lines(text: str) -> list[str]:
    return text.splitlines()


def source_slice(law: Law, span: Any) -> str:
    text = next((s.text for s in law.sources if s.path == span.path), "")
    lines = list(_source_lines(text))
    if not lines or span.line <= 0:
        return ""
    chunk = lines[span.line - 1 : span.end_line]
    if len(chunk) == 1:
        chunk[0] = chunk[0][span.column - 1 : span.end_column - 1]
    else:
        chunk[0] = chunk[0][span.column - 1 :]
        chunk[-1] = chunk[-1][: span.end_column - 1]
    return re.sub(r"\s+", " ", " ".join(chunk)).strip().rstrip(",")
