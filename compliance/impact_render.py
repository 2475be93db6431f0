"""The impact report in words: text for a terminal, and one self-contained HTML page
(compliance/templates/impact.html) with charts of the flips (counts and rates per 1,000)."""

from __future__ import annotations

from typing import Any

from .impact import AGE_BANDS


def render_impact_text(report: dict[str, Any]) -> str:
    lines = [
        f"修改影响评估 Amendment impact — {report['population']['applicants']} applicants; "
        f"amendments: {', '.join(report['law']['amendments']) or 'none'}; "
        f"parameters: {report['law']['parameters_overridden'] or 'defaults'}",
        "",
    ]
    lines.append(f"{'permit':28} {'before':>9} {'after':>9} {'gained':>8} {'lost':>8}")
    for p, r in report["permits"].items():
        lines.append(
            f"{p:28} {r['eligible_before']:>9} {r['eligible_after']:>9} {r['gained']:>8} {r['lost']:>8}"
        )
    for q in report["quotas"]:
        lines.append(
            f"\nquota {q['parameter']} = {q['limit']} on {q['permit']}: {q['needing_quota']} needing the quota, "
            f"{q['granted']} granted, {q['refused_over_quota']} refused over quota (ranked by {q['ranked_by']})"
        )
    for p, r in report["permits"].items():
        if not r["by_rule"]:
            continue
        lines.append(f"\n{p}: by the rule that made the difference")
        for e in r["by_rule"]:
            lines.append(
                f"  {e['direction']:7} {e['count']:>8}  {e['rule']}  e.g. {', '.join(e['examples'])}"
            )
    for ex in report["examples"]:
        lines.append(f"\n=== example {ex['id']}: {ex['permit']} {ex['direction']} ({ex['rule']})")
        lines.append("--- before")
        lines.append(ex["before_text"].rstrip())
        lines.append("--- after")
        lines.append(ex["after_text"].rstrip())
    return "\n".join(lines) + "\n"


def render_impact_html(report: dict[str, Any]) -> str:
    """The report as one self-contained page (compliance/templates/impact.html): the tables, and
    charts of the flips by permit, rule, nationality and age band (counts and rates per 1,000)."""
    from .pages import flips_chart, render_page

    permits = report["permits"]
    applicants = int(report["population"]["applicants"])
    charts = [("Flips by permit", [(p, r["gained"], r["lost"]) for p, r in permits.items()])]
    by_rule: dict[str, list[int]] = {}
    for r in permits.values():
        for x in r["by_rule"]:
            slot = by_rule.setdefault(x["rule"], [0, 0])
            slot[0 if x["direction"] == "gained" else 1] += x["count"] if x["direction"] != "other" else 0
    charts.append(
        (
            "Flips by rule",
            sorted(((k, g, lst) for k, (g, lst) in by_rule.items()), key=lambda t: (-(t[1] + t[2]), t[0])),
        )
    )
    bands = [label for _, _, label in AGE_BANDS]
    for key, title in (("by_nationality", "Flips by nationality"), ("by_age_band", "Flips by age band")):
        totals: dict[str, list[int]] = {}
        for r in permits.values():
            for k, v in r[key].items():
                slot = totals.setdefault(k, [0, 0])
                slot[0] += v["gained"]
                slot[1] += v["lost"]
        rows = [(k, g, lst) for k, (g, lst) in totals.items()]
        if key == "by_nationality":
            rows.sort(key=lambda t: (-(t[1] + t[2]), t[0]))
        else:  # the bands in the order of age, youngest first
            rows.sort(key=lambda t: bands.index(t[0]) if t[0] in bands else len(bands))
        charts.append((title, rows))
    return render_page(
        "impact.html",
        applicants=applicants,
        amendments=report["law"]["amendments"],
        parameters=str(report["law"]["parameters"]),
        permits=permits,
        quotas=report["quotas"],
        charts=[{"title": title, "svg": flips_chart(title, rows, applicants)} for title, rows in charts],
        examples=report["examples"],
    )
