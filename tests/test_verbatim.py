"""Every article text in regulations/ equals the reference text, character for character
(whitespace aside); nothing is quoted from a paraphrase; proposals quote their seed verbatim."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from lexgraph.api import load_law
from lexgraph.engine import model as m

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "references"  # vendored with the code (see references/README.md)
# ../shared beside the checkout (as tests/test_diff.py finds the seeds), else the workplace's copy
SHARED = next(
    (p for p in (ROOT.parent / "shared", Path("/work/shared")) if p.is_dir()), ROOT.parent / "shared"
)
UPSTREAM = SHARED / "reference"  # where updates come from
SEEDS = SHARED / "seeds"  # scholarly papers: not vendored
_ZH_NUM = {c: i for i, c in enumerate("零一二三四五六七八九")}


def test_the_reference_texts_ship_with_the_code() -> None:
    assert REFERENCE.is_dir() and len(list(REFERENCE.glob("*.md"))) >= 9, (
        "references/ is missing from the checkout"
    )


@pytest.mark.skipif(
    not UPSTREAM.is_dir() and os.environ.get("CI") != "true",
    reason="../shared/reference is not beside the checkout",
)
def test_vendored_references_match_upstream() -> None:
    assert UPSTREAM.is_dir(), "../shared/reference must be beside the checkout in CI"
    for upstream in sorted(UPSTREAM.glob("*.md")):
        if upstream.name == "README.md":
            continue
        vendored = REFERENCE / upstream.name
        assert vendored.is_file(), f"references/{upstream.name} is missing: copy it from ../shared/reference"
        assert vendored.read_bytes() == upstream.read_bytes(), (
            f"references/{upstream.name} differs from upstream: copy it"
        )


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _zh_to_int(text: str) -> int:
    if "百" in text:
        head, _, rest = text.partition("百")
        return _ZH_NUM[head] * 100 + (_zh_to_int(rest.lstrip("零")) if rest else 0)
    if "十" in text:
        head, _, rest = text.partition("十")
        return (_ZH_NUM[head] if head else 1) * 10 + (_ZH_NUM[rest] if rest else 0)
    return _ZH_NUM[text]


def reference_articles(path: Path) -> dict[int, list[str]]:
    """Article number → its paragraphs (items joined to the paragraph that introduces them)."""
    body = path.read_text(encoding="utf-8").split("<!-- INFO END -->", 1)[-1]
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)
    body = body.replace("……（本款其余文字未收录）", "")  # the reference's editorial marker, not law text
    articles: dict[int, list[str]] = {}
    current: list[str] | None = None
    for block in (b.strip() for b in body.split("\n\n")):
        if not block or block.startswith("#"):
            continue
        head = re.match(r"^第([零一二三四五六七八九十百]+)条\s*", block)
        if head:
            current = articles.setdefault(_zh_to_int(head.group(1)), [])
            current.append(block[head.end() :])
        elif current is not None:
            if re.match(r"^[（(][一二三四五六七八九十]+[)）]", block):
                current[-1] += block
            else:
                current.append(block)
    return articles


SOURCES = {
    "exit_entry_law": "exit_entry_administration_law_2012.md",
    "entry_exit_regulations": "foreigners_entry_exit_regulations_2013.md",
    "pr_measures": "pr_measures_2004.md",
    "talent_visa_measures": "talent_visa_measures_2017.md",
}
PARAPHRASES = sorted(p for p in REFERENCE.glob("*summary*.md"))

BASELINE = load_law().law
ARTICLES = sorted(BASELINE.articles.values(), key=lambda a: (a.instrument, a.number))


# Adopted amending decisions are not articled like a statute (一、二、 and two closing clauses): each
# paragraph and each item they insert is a contiguous passage of the decision's reference text.
DECISIONS = {"decision_2025_k_visa": "entry_exit_regulations_amendment_2025_k_visa.md"}


def _decision_text(instrument: str) -> str:
    return _squash(
        (REFERENCE / DECISIONS[instrument]).read_text(encoding="utf-8").split("<!-- INFO END -->", 1)[-1]
    )


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: f"{a.instrument}/art_{a.number}")
def test_article_text_is_verbatim(article: m.Article) -> None:
    if article.instrument in DECISIONS:
        for para in article.paragraphs:
            assert para.text and _squash(para.text) in _decision_text(article.instrument), (
                f"paragraph {para.number}"
            )
        return
    assert article.instrument in SOURCES, f"{article.instrument}: no reference text is at hand to quote"
    reference = reference_articles(REFERENCE / SOURCES[article.instrument])
    assert article.number in reference, f"article {article.number} is not in the reference"
    paragraphs = reference[article.number]
    assert len(article.paragraphs) == len(paragraphs), "every paragraph of an encoded article is encoded"
    for para in article.paragraphs:
        encoded = para.text + "".join(item.text for item in para.items)
        assert _squash(encoded) == _squash(paragraphs[para.number - 1]), f"paragraph {para.number}"


def test_nothing_is_quoted_from_a_paraphrase() -> None:
    paraphrase = "".join(_squash(p.read_text(encoding="utf-8")) for p in PARAPHRASES)
    for article in ARTICLES:
        for para in article.paragraphs:
            for text in [para.text, *(i.text for i in para.items)]:
                if len(_squash(text)) > 12 and _squash(text) in paraphrase:
                    reference = _squash((REFERENCE / SOURCES[article.instrument]).read_text(encoding="utf-8"))
                    assert _squash(text) in reference


def test_rules_without_text_say_what_grounds_them() -> None:
    for rule in BASELINE.rules.values():
        if rule.citation is None:
            assert rule.source, rule.id
            if "summary" in rule.source:  # grounded on a paraphrase: it must say the text is not at hand
                assert "not at hand" in rule.note, rule.id


@pytest.mark.skipif(
    not SEEDS.is_dir() and os.environ.get("CI") != "true", reason="../shared/seeds is not beside the checkout"
)
def test_proposal_texts_quote_the_seeds() -> None:
    assert SEEDS.is_dir(), "../shared/seeds must be beside the checkout in CI"
    reform = load_law(None, [ROOT / "regulations/amendments/independent_application.lex"]).law
    seeds = "".join(_squash(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt"))
    proposed = [a for a in reform.articles.values() if reform.instruments[a.instrument].status == "proposed"]
    assert proposed
    for article in proposed:
        for para in article.paragraphs:
            assert _squash(para.text) in seeds, (
                f"{article.instrument} art {article.number}: not verbatim from a seed"
            )


def test_inserted_items_are_verbatim_from_their_decision() -> None:
    inserts = [op for op in BASELINE.amend_ops if op.kind == "insert_item"]
    assert {op.amendment for op in inserts} == set(DECISIONS)
    for op in inserts:
        assert op.item is not None and op.item.text
        assert "“" + _squash(op.item.text) + "”" in _decision_text(op.amendment), op.item.text
