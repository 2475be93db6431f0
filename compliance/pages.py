"""HTML reports: Jinja2 templates shipped as package data (compliance/templates/, autoescaped:
every value is escaped unless a template says otherwise), and charts drawn by pygal as inline
SVG — no script, no network.

`render_page(template, **values)` renders one page; `flips_chart(...)` draws gained / lost by
category, counts beside rates, the categories in the order given."""

from __future__ import annotations

import functools
import json
import xml.etree.ElementTree as ET
from typing import Any

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
GAINED, LOST = "#2a9d8f", "#e76f51"


@functools.cache
def environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("lexgraph.compliance", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["json"] = lambda value: json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return env


def render_page(template: str, **values: Any) -> str:
    """One page of compliance/templates/, rendered with these values (escaped)."""
    return str(environment().get_template(template).render(**values))


def flips_chart(title: str, rows: list[tuple[str, int, int]], applicants: int, limit: int = 20) -> Any:
    """Gained and lost by category as a horizontal bar chart (inline SVG markup): one bar per
    direction, each labelled with its count and its rate per 1,000 applicants. Rows are drawn in
    the order given (ordered bands stay ordered), at most `limit` of them."""
    import pygal
    from markupsafe import Markup
    from pygal.style import Style

    rows = rows[:limit]
    if not rows:
        return Markup("<p>no flips</p>")
    per_mille = 1000 / applicants if applicants else 0.0
    style = Style(
        background="white",
        plot_background="white",
        colors=(GAINED, LOST),
        font_family="sans-serif",
        label_font_size=11,
        major_label_font_size=11,
        value_font_size=10,
        legend_font_size=11,
        title_font_size=13,
    )
    top = max(max(g, lst) for _, g, lst in rows)
    step = max(1, -(-top // 6))  # whole applicants on the value axis, six ticks or so
    chart = pygal.HorizontalBar(
        style=style,
        js=[],
        disable_xml_declaration=True,
        width=820,
        height=110 + 36 * len(rows),
        print_values=True,
        truncate_label=-1,
        show_y_guides=False,
        legend_at_bottom=True,
        margin_left=8,
        y_labels=list(range(0, top + step + 1, step)),
        formatter=lambda v: f"{v:,} ({v * per_mille:.1f}‰)" if v else "",
    )
    chart.title = None  # the page's heading names the chart
    chart.x_labels = [_label(label) for label, _, _ in reversed(rows)]
    chart.add("gained", [g for _, g, _ in reversed(rows)])
    chart.add("lost", [lst for _, _, lst in reversed(rows)])
    return Markup(_without_scripts(chart.render(is_unicode=True)))


def _label(text: str, width: int = 48) -> str:
    """A category label short enough to read beside its bar: a long rule id keeps its end."""
    return text if len(text) <= width else "…" + text[-(width - 1) :]


def _without_scripts(svg: str) -> str:
    """The chart as pygal drew it, less its scripts (tooltips; pygal also embeds its configuration
    in one): parsed and re-serialised, so nothing in a label can end an element early."""
    ET.register_namespace("", SVG)
    ET.register_namespace("xlink", XLINK)
    root = ET.fromstring(svg)
    for parent in root.iter():
        for child in [c for c in parent if c.tag in (f"{{{SVG}}}script", "script")]:
            parent.remove(child)
    return ET.tostring(root, encoding="unicode")
