"""The HTML reports (compliance/templates/, compliance/pages.py): hostile text in every field a
page shows is escaped, charts are inline SVG without script or network, bands keep their order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

from lexgraph.compliance.analysis import ALL_KINDS, Finding, Report
from lexgraph.compliance.analysis import render_html as analysis_html
from lexgraph.compliance.decisions import LawContext
from lexgraph.compliance.diff import diff
from lexgraph.compliance.diff import render_html as diff_html
from lexgraph.compliance.impact import AGE_BANDS
from lexgraph.compliance.impact_render import render_impact_html
from lexgraph.compliance.monitor_render import render_html as monitor_html
from lexgraph.compliance.pages import flips_chart

ROOT = Path(__file__).resolve().parents[1]
AMENDMENTS = ROOT / "tests" / "amendments"
EVIL = "<script>alert('x')</script>\"'&<img src=x onerror=alert(1)>"


def _safe(page: str) -> None:
    assert "<script" not in page and "<img" not in page, "hostile text reached the page unescaped"
    assert "&lt;script&gt;" in page
    no_namespaces = re.sub(r'xmlns(:\w+)?="http://www\.w3\.org/[^"]*"', "", page)
    assert not re.search(r"https?://", no_namespaces), "a page that reaches the network"


def test_the_analysis_page_escapes_findings() -> None:
    finding = Finding(
        ALL_KINDS[0],
        (EVIL, "r2"),
        (EVIL, "c2"),
        {"id": EVIL},
        permit=EVIL,
        detail={"explanation": EVIL},
        acknowledged=EVIL,
    )
    report = Report(dt.date(2024, 6, 1), "d", (EVIL,), [finding], [], {"note": EVIL})
    page = analysis_html(report)
    _safe(page)
    assert page.count("&lt;script&gt;") >= 6 and "no article text" in page


def test_the_diff_page_escapes_the_amendment() -> None:
    d = diff(
        LawContext.load([AMENDMENTS / "baseline"]),
        LawContext.load([AMENDMENTS / "baseline"], [AMENDMENTS / "fixture_amendment.lex"]),
    )
    d.amendments[0]["title_zh"] = EVIL
    d.amendments[0]["source"] = EVIL
    first = dataclasses.replace(d.articles[0], new_text=EVIL, instrument_title=EVIL)
    page = diff_html(dataclasses.replace(d, articles=(first, *d.articles[1:])))
    _safe(page)
    assert "修改对照表" in page and page.count("&lt;script&gt;") >= 4


def _impact_report(label: str) -> dict[str, Any]:
    bands = {band: {"gained": i + 1, "lost": i} for i, (_, _, band) in enumerate(reversed(AGE_BANDS))}
    permit = {
        "eligible_before": 10,
        "eligible_after": 12,
        "undetermined_before": 0,
        "undetermined_after": 0,
        "gained": 3,
        "lost": 1,
        "transitions": {},
        "by_rule": [{"direction": "gained", "rule": label, "count": 3, "examples": [label]}],
        "by_nationality": {label: {"gained": 3, "lost": 1}},
        "by_age_band": bands,
    }
    return {
        "population": {"applicants": 200},
        "law": {"amendments": [label], "parameters": {label: label}},
        "permits": {label: permit},
        "quotas": [
            {
                "parameter": label,
                "limit": 1,
                "permit": label,
                "needing_quota": 2,
                "granted": 1,
                "refused_over_quota": 1,
                "ranked_by": label,
            }
        ],
        "examples": [
            {
                "id": label,
                "permit": label,
                "direction": "gained",
                "rule": label,
                "before_text": label,
                "after_text": label,
            }
        ],
    }


def test_the_impact_page_escapes_and_draws_inline_svg() -> None:
    page = render_impact_html(_impact_report(EVIL))
    _safe(page)
    assert page.count("<svg") == 4  # by permit, rule, nationality, age band
    assert "‰" in page  # rates beside the counts


def test_the_age_bands_are_drawn_youngest_first() -> None:
    page = render_impact_html(_impact_report("p"))
    chart = page[page.index("Flips by age band</h3>") :]
    chart = chart[: chart.index("</svg>")]
    labels = [band for _, _, band in AGE_BANDS]
    seen = list(
        dict.fromkeys(t for t in map(html.unescape, re.findall(r">([^<>]+)</text>", chart)) if t in labels)
    )
    # pygal lays the categories out from the bottom up, in the order given: the chart is given
    # them oldest first, so that it reads youngest first from the top
    assert seen == list(reversed(labels))


def test_the_monitor_page_escapes_obligations() -> None:
    item = {
        "duty": "law/" + EVIL,
        "status": "open",
        "bearer": [EVIL],
        "trigger": {"date": "2024-01-01"},
        "due": EVIL,
        "status_date": None,
        "cited_as": EVIL,
        "text": EVIL,
        "consequence": {"cited_as": EVIL, "text": EVIL},
    }
    page = monitor_html({"as_of": EVIL, "cases": [{"case": EVIL, "obligations": [item]}]})
    _safe(page)
    assert page.count("&lt;script&gt;") >= 7


def test_a_chart_without_rows_says_so() -> None:
    assert str(flips_chart("t", [], 10)) == "<p>no flips</p>"
