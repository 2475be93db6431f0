"""Monitor reports: JSON (for machines and the service), text (Chinese legal style, English glosses)
and HTML — each obligation with its citation, the verbatim text and, where the law gives one, the
consequence with the fine it allows."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from lexgraph.engine import model as m
from lexgraph.engine.evaluate import provision_zh
from lexgraph.engine.obligations import EVENTS

from .monitor import Watched

STATUS_ZH = {
    "met": "已履行",
    "open": "待履行",
    "breached": "已违反",
    "lapsed": "已终止",
    "not_sought": "未申请（期限已过）",
    "violated": "违反禁止性规定",
}


def cited_as(law: Any, c: m.Citation | None, source: str = "") -> str:
    """The provision as Chinese legal citation names it (one renderer: the engine's)."""
    if c is None:
        return f"（无条文依据；来源：{source}）" if source else ""
    inst = law.instruments.get(c.instrument)
    return f"{inst.title_zh if inst else c.instrument} {provision_zh(law, c)}"


def provision_text(law: Any, c: m.Citation | None) -> str:
    """The verbatim text: an item with the lead-in of its paragraph, a paragraph, or a whole article."""
    if c is None:
        return ""
    article = law.articles.get((c.instrument, c.article))
    if article is None:
        return ""
    if not c.paragraph:
        return str(article.full_text())
    para = next((p for p in article.paragraphs if p.number == c.paragraph), None)
    if para is None:
        return ""
    if c.item:
        item = next((i for i in para.items if i.number == c.item), None)
        return para.text + (item.text if item else "")
    return para.text + "".join(i.text for i in para.items)


def _day(n: int | None) -> str | None:
    return dt.date.fromordinal(n).isoformat() if n is not None else None


def _fine(f: m.Fine | None, w: Watched, as_of: int) -> dict[str, Any] | None:
    if f is None:
        return None
    out: dict[str, Any] = {"currency": "CNY", "min": f.amount, "max": f.upper or f.amount}
    if f.per:
        out["per"], out["rate"] = f.per, f.amount
        out["cap"] = f.cap or None
    if f.per == "day" and w.status == "breached" and w.due is not None:
        # days of illegal residence: from the day after the due date through the day of the discharge
        # (the exit), or through the as-of day while it lasts
        end = w.late_day if w.late_day is not None else as_of
        days = max(end - w.due, 0)
        out["days"] = days
        out["max"] = min(f.amount * days, f.cap) if f.cap else f.amount * days
        out["min"] = 0
    elif f.per == "person":
        out["persons"] = 1
        out["max"] = min(f.amount, f.cap) if f.cap else f.amount
    return out


def watched_json(w: Watched, law: Any, as_of: int) -> dict[str, Any]:
    d = w.duty.definition
    out: dict[str, Any] = {
        "duty": w.duty.id,
        "kind": w.duty.kind,
        "bearer": list(d.bearers),
        "status": w.status,
        "citation": f"{d.citation.instrument}/{d.citation.path}" if d.citation else None,
        "cited_as": cited_as(law, d.citation, d.source),
        "text": provision_text(law, d.citation),
        "source": d.source or None,
        "gloss": d.gloss,
        "note": d.note or None,
        "trigger": {"line": w.line, "date": _day(w.triggered), "type": d.trigger.type if d.trigger else ""},
        "due": _day(w.due),
        "status_date": _day(w.status_day),
    }
    if w.status == "breached" and w.duty.kind == "duty":
        out["breached_on"] = _day(w.status_day)
    if w.by_line is not None:
        out["by_line"] = w.by_line
    if w.late_day is not None:
        out["discharged_late"] = {"date": _day(w.late_day), "line": w.late_line}
    if w.missing:
        out["missing"] = [{"holding": h, "title_zh": law.holdings[h].title_zh} for h in w.missing]
    c = d.consequence
    out["consequence"] = (
        None
        if c is None or w.status not in ("breached", "violated")
        else {
            "citation": f"{c.citation.instrument}/{c.citation.path}",
            "cited_as": cited_as(law, c.citation),
            "text": provision_text(law, c.citation),
            "fine": _fine(c.fine, w, as_of),
        }
    )
    return out


def report_json(results: dict[str, list[Watched]], law: Any, as_of: dt.date) -> dict[str, Any]:
    day = as_of.toordinal()
    cases = []
    employers: dict[str, set[str]] = {}
    for case in sorted(results):
        items = [watched_json(w, law, day) for w in results[case]]
        counts: dict[str, int] = {}
        for item in items:
            counts[item["status"]] = counts.get(item["status"], 0) + 1
        cases.append({"case": case, "obligations": items, "counts": counts})
    for case, watched in results.items():
        for w in watched:
            if w.duty.kind == "prohibition" and "employer" in w.duty.definition.bearers:
                employers.setdefault(w.duty.id, set()).add(case)
    return {
        "as_of": as_of.isoformat(),
        "law": {"digest": law.digest},
        "cases": cases,
        "illegally_employed": {k: sorted(v) for k, v in sorted(employers.items())},
    }


def render(results: dict[str, list[Watched]], law: Any, as_of: dt.date, fmt: str) -> str:
    data = report_json(results, law, as_of)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return render_html(data)
    return render_text(data)


def _line(item: dict[str, Any]) -> str:
    status = item["status"]
    head = f"[{STATUS_ZH[status]} {status}] {item['duty'].split('/', 1)[1]} — {item['cited_as']}"
    trig = item["trigger"]
    when = f"on {EVENTS[trig['type']][0]} {trig['type']} {trig['date']} (line {trig['line']})"
    if status == "met":
        when += f"; met {item['status_date']} (line {item['by_line']})"
    elif status == "open":
        when += f"; due {item['due']}" if item["due"] else "; no period stated by the law at hand"
    elif status == "breached":
        when += f"; due {item['due']}, breached {item['status_date']}"
        if "discharged_late" in item:
            when += f", done late {item['discharged_late']['date']} (line {item['discharged_late']['line']})"
    elif status == "lapsed":
        when += f"; lapsed {item['status_date']} (line {item['by_line']})"
    elif status == "not_sought":
        when += f"; window closed {item['status_date']} (owed only if sought)"
    elif status == "violated":
        missing = ", ".join(f"{h['title_zh']} ({h['holding']})" for h in item.get("missing", []))
        when += "; without " + missing if missing else ""
    lines = [f"  {head}", f"      bearer: {', '.join(item['bearer'])}; {when}", f"      {item['gloss']}"]
    if item["text"]:
        lines.append(f"      「{item['text']}」")
    elif item["source"]:
        lines.append(f"      source: {item['source']} (no article text at hand)")
    c = item.get("consequence")
    if c:
        lines.append(f"      consequence: {c['cited_as']}「{c['text']}」")
        f = c.get("fine")
        if f:
            lines.append("      fine: " + _fine_text(f))
    return "\n".join(lines)


def _fine_text(f: dict[str, Any]) -> str:
    if f.get("per") == "day" and "days" in f:
        return (
            f"¥{f['rate']:,} × {f['days']} day(s) = up to ¥{f['max']:,}"
            if f["min"] == 0
            else f"¥{f['max']:,}"
        ) + (f" (cap ¥{f['cap']:,}; in serious cases — otherwise a warning)" if f.get("cap") else "")
    if f.get("per") == "person":
        return (
            f"¥{f['min']:,} per person illegally employed (total at most ¥{f['cap']:,})"
            if f.get("cap")
            else f"¥{f['min']:,} per person"
        )
    if f["min"] == 0:
        return f"up to ¥{f['max']:,}"
    return f"¥{f['min']:,} to ¥{f['max']:,}"


def render_text(data: dict[str, Any]) -> str:
    out = [f"obligations as of {data['as_of']} (law {data['law']['digest'][:12]})", ""]
    for case in data["cases"]:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(case["counts"].items())) or "nothing triggered"
        out.append(f"case {case['case']}: {counts}")
        for item in case["obligations"]:
            out.append(_line(item))
        out.append("")
    for duty, cases in data["illegally_employed"].items():
        out.append(f"{duty}: {len(cases)} person(s) illegally employed: {', '.join(cases)}")
    return "\n".join(out).rstrip() + "\n"


def render_html(data: dict[str, Any]) -> str:
    """The obligations as one page (compliance/templates/monitor.html)."""
    from .pages import render_page

    rows = []
    for case in data["cases"]:
        for item in case["obligations"]:
            c = item.get("consequence") or {}
            rows.append(
                {
                    "case": case["case"],
                    "duty": item["duty"].split("/", 1)[1],
                    "status": item["status"],
                    "status_zh": STATUS_ZH[item["status"]],
                    "bearer": item["bearer"],
                    "triggered": item["trigger"]["date"] or "",
                    "due": item["due"] or "",
                    "on": item["status_date"] or "",
                    "cited_as": item["cited_as"],
                    "text": item["text"],
                    "consequence_cited_as": c.get("cited_as", ""),
                    "consequence_text": c.get("text", ""),
                    "fine": _fine_text(c["fine"]) if c.get("fine") else "",
                }
            )
    return render_page("monitor.html", as_of=data["as_of"], rows=rows)
