"""The numbering in force: items an amendment inserts move every later item down by one
(对条文序号作相应调整, 国务院令第814号), so a provision is cited by the numbering of the text in force.

Rules keep the ids of the numbering they were written in: a rule of an instrument is written in the
instrument's own (original) numbering, a rule of an amendment citing the instrument it amends in the
numbering that amendment leaves. `Numbering` maps both to the numbering of a set of active amendments
and gives the consolidated text of the articles they touch. It reads only the model, so the checker,
the evaluator and the diff share it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from . import model as m

_ZH_DIGITS = "零一二三四五六七八九"
_ENUMERATOR = re.compile(r"^([(（])[零一二三四五六七八九十百]+([)）])")


def zh_number(n: int) -> str:
    """Chinese numerals as statutes write them (第九十三条, 第一百零一条)."""
    if n < 10:
        return _ZH_DIGITS[n]
    if n < 20:
        return "十" + (_ZH_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _ZH_DIGITS[n // 10] + "十" + (_ZH_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = (
        ""
        if rest == 0
        else (
            "零" + _ZH_DIGITS[rest]
            if rest < 10
            else ("一" + zh_number(rest) if rest < 20 else zh_number(rest))
        )
    )
    return _ZH_DIGITS[n // 100] + "百" + tail


def renumbered_text(text: str, number: int) -> str:
    """An item's text under its new number: the enumerator `(十二)` becomes `(十三)`, in the same brackets."""
    return _ENUMERATOR.sub(lambda mt: f"{mt.group(1)}{zh_number(number)}{mt.group(2)}", text, count=1)


def application_order(instruments: Mapping[str, m.Instrument]) -> list[str]:
    """Amendments in the order they apply: adopted ones by the date they take effect, proposals after."""
    amendments = [i for i in instruments.values() if i.kind == "amendment"]
    return [
        i.id
        for i in sorted(
            amendments, key=lambda i: (not i.dated, i.in_force or i.proposed or dt.date.max, i.id)
        )
    ]


def basis(rule_instrument: str, citation: m.Citation, instruments: Mapping[str, m.Instrument]) -> str:
    """The amendment whose numbering a citation is written in ("" = the instrument's own)."""
    inst = instruments.get(rule_instrument)
    if inst is not None and inst.kind == "amendment" and citation.instrument != rule_instrument:
        return rule_instrument
    return ""


@dataclass(frozen=True)
class Numbering:
    """The numbering left by `inserts` (insert_item operations, in the order they apply)."""

    inserts: tuple[m.AmendOp, ...]
    order: Mapping[str, int]
    base: Mapping[tuple[str, int], m.Article]

    def cite(self, citation: m.Citation, written_in: str = "") -> m.Citation:
        """`citation`, written in the numbering of `written_in`, in this numbering."""
        after = self.order.get(written_in, -1) if written_in else -1
        c = citation
        for op in self.inserts:
            if self.order[op.amendment] <= after or op.item is None:
                continue
            if (op.instrument, op.article_number, op.paragraph) == (
                c.instrument,
                c.article,
                c.paragraph,
            ) and c.item >= op.item.number:
                c = replace(c, item=c.item + 1)
        return c

    def cite_rule(self, rule: m.Rule, instruments: Mapping[str, m.Instrument]) -> m.Citation | None:
        if rule.citation is None:
            return None
        return self.cite(rule.citation, basis(rule.instrument, rule.citation, instruments))

    def article(self, instrument: str, number: int) -> m.Article | None:
        """The article as these insertions leave it (its items renumbered, their enumerators too)."""
        article = self.base.get((instrument, number))
        if article is None:
            return None
        for op in self.inserts:
            if (op.instrument, op.article_number) != (instrument, number) or op.item is None:
                continue
            paragraphs = []
            for p in article.paragraphs:
                if p.number == op.paragraph:
                    new = op.item.number
                    moved = [
                        replace(i, number=i.number + 1, text=renumbered_text(i.text, i.number + 1))
                        if i.number >= new
                        else i
                        for i in p.items
                    ]
                    p = replace(p, items=tuple(sorted([*moved, op.item], key=lambda i: i.number)))
                paragraphs.append(p)
            article = replace(article, paragraphs=tuple(paragraphs))
        return article

    @property
    def touched(self) -> list[tuple[str, int]]:
        """The articles whose numbering these insertions change."""
        return sorted({(op.instrument, op.article_number) for op in self.inserts})


def numbering(
    instruments: Mapping[str, m.Instrument],
    ops: Iterable[m.AmendOp],
    articles: Mapping[tuple[str, int], m.Article],
    active: Iterable[str] | None = None,
) -> Numbering:
    """The numbering left by the item insertions of the `active` amendments (all of them when None)."""
    order = {a: n for n, a in enumerate(application_order(instruments))}
    wanted = set(order) if active is None else set(active) & set(order)
    inserts = sorted(
        (op for op in ops if op.kind == "insert_item" and op.amendment in wanted),
        key=lambda op: order[op.amendment],
    )
    return Numbering(tuple(inserts), order, articles)


def up_to(instruments: Mapping[str, m.Instrument], amendment: str) -> list[str]:
    """The amendments applied up to and including `amendment`: the numbering a rule of it is written in."""
    order = application_order(instruments)
    return order[: order.index(amendment) + 1] if amendment in order else []
