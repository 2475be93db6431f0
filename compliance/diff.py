"""`lexgraph diff`: what an amendment changes — a 修改对照表 (article by article, old text | new
text), the rules added, changed and repealed, the permits whose decisions can change (from the
rule graph), and the conflicts between competing rules that the amendment introduces or resolves.

The one public entry point is `diff(baseline, amended) -> AmendmentDiff`; renderers turn it into
canonical JSON, text or a self-contained HTML page. Everything is sorted, so output is deterministic.

Longer than ~400 lines: the diff and its three renderers of the same 修改对照表; the HTML renderer moves
to the package templates with the other HTML pages (issue 17 part B).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lexgraph.engine import model as m
from lexgraph.engine.check import Law
from lexgraph.engine.evaluate import law_numbering, render_citation, zh_number
from lexgraph.engine.graph import PRINCIPLE_ZH, Priority, competitors, decide_priority
from rich.cells import cell_len

from .decisions import LawContext
from .render import dumps

CHANGE_ZH = {
    "inserted": "新增",
    "replaced": "修改",
    "repealed": "废止",
    "added": "新增",
    "changed": "修改",
    "renumbered": "序号调整",
}
CONFLICT_ZH = {
    "introduced": "新增冲突",
    "resolved": "冲突消除",
    "reopened": "冲突重现",
    "reversed": "优先顺序改变",
}


# ------------------------------------------------------------------ the diff


@dataclass(frozen=True)
class ArticleChange:
    instrument: str
    instrument_title: str
    number: int
    change: str  # inserted | replaced | repealed
    old_text: str
    new_text: str
    by: str  # the amendment that makes the change

    @property
    def heading(self) -> str:
        return f"{self.instrument_title} 第{zh_number(self.number)}条"


@dataclass(frozen=True)
class RuleChange:
    rule: str
    change: str  # added | changed | repealed | renumbered (the same rule, cited by the new numbering)
    citation: str
    conclusions: tuple[str, ...]
    source: str = ""
    overrides: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()  # for `changed`: what differs
    replaces: str = ""
    replaced_by: str = ""
    gloss: str = ""
    old_citation: str = ""  # for `renumbered`: the citation before


@dataclass(frozen=True)
class PermitImpact:
    permit: str
    title: str
    rules: tuple[str, ...]  # the changed rules whose effect reaches the permit


@dataclass(frozen=True)
class Resolution:
    winner: str
    loser: str
    principle: str

    @staticmethod
    def of(p: Priority | None) -> Resolution | None:
        return None if p is None else Resolution(p.winner, p.loser, p.principle)


@dataclass(frozen=True)
class ConflictChange:
    permit: str
    attribute: str
    rules: tuple[str, str]
    status: str  # introduced | resolved | reopened | reversed
    before: Resolution | None
    after: Resolution | None
    present_before: bool
    present_after: bool

    def outcome(self, when: str) -> str:
        present = self.present_before if when == "before" else self.present_after
        res = self.before if when == "before" else self.after
        if not present:
            return "no conflict"
        if res is None:
            return "unresolved — the restrictive side stands"
        return f"{res.winner} prevails ({res.principle}: {PRINCIPLE_ZH[res.principle]})"


@dataclass(frozen=True)
class ParameterInfo:
    name: str
    type: str
    default: Any
    value: Any
    doc: str
    owner: str


@dataclass(frozen=True)
class AmendmentDiff:
    amendments: tuple[dict[str, Any], ...]
    parameters: tuple[ParameterInfo, ...]
    articles: tuple[ArticleChange, ...]
    rules: tuple[RuleChange, ...]
    permits: tuple[PermitImpact, ...]
    conflicts: tuple[ConflictChange, ...]
    summary: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        def res(r: Resolution | None) -> dict[str, str] | None:
            return None if r is None else {"winner": r.winner, "loser": r.loser, "principle": r.principle}

        return {
            "amendments": list(self.amendments),
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type,
                    "default": p.default,
                    "value": p.value,
                    "doc": p.doc,
                    "owner": p.owner,
                }
                for p in self.parameters
            ],
            "articles": [
                {
                    "instrument": a.instrument,
                    "instrument_title": a.instrument_title,
                    "article": a.number,
                    "heading": a.heading,
                    "change": a.change,
                    "old_text": a.old_text,
                    "new_text": a.new_text,
                    "by": a.by,
                }
                for a in self.articles
            ],
            "rules": [
                _drop_empty(
                    {
                        "rule": r.rule,
                        "change": r.change,
                        "citation": r.citation,
                        "conclusions": list(r.conclusions),
                        "source": r.source,
                        "overrides": list(r.overrides),
                        "fields": list(r.fields),
                        "replaces": r.replaces,
                        "replaced_by": r.replaced_by,
                        "gloss": r.gloss,
                        "old_citation": r.old_citation,
                    }
                )
                for r in self.rules
            ],
            "permits_affected": [
                {"permit": p.permit, "title": p.title, "rules": list(p.rules)} for p in self.permits
            ],
            "conflicts": [
                {
                    "permit": c.permit,
                    "attribute": c.attribute,
                    "rules": list(c.rules),
                    "status": c.status,
                    "before": res(c.before),
                    "after": res(c.after),
                    "present_before": c.present_before,
                    "present_after": c.present_after,
                    "outcome_before": c.outcome("before"),
                    "outcome_after": c.outcome("after"),
                }
                for c in self.conflicts
            ],
            "summary": dict(self.summary),
        }


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in ("", [], ())}


def _conclusion(c: m.Conclusion) -> str:
    permits = ", ".join(c.permits)
    if c.kind in ("eligible", "ineligible", "cancelled"):
        return f"{c.kind} {permits}"
    if c.kind == "requires":
        return f"requires {c.name or 'that …'} for {permits}"
    if c.kind == "condition":
        return f"condition {c.name}"
    if c.kind == "value":
        return f"value {permits}.{c.name}"
    return f"obligation {c.name} for {permits}"


_RULE_FIELDS = ("conclusions", "when", "unless", "overrides", "strict", "citation", "source", "note", "gloss")


def _consolidated(law: Law) -> dict[tuple[str, int], m.Article]:
    """Every article as the law's amendments leave it: items inserted, later items renumbered."""
    numbers = law_numbering(law)
    out = dict(law.articles)
    for key in numbers.touched:
        article = numbers.article(*key)
        if article is not None:
            out[key] = article
    return out


def _articles(baseline: Law, amended: Law) -> list[ArticleChange]:
    by_op = {
        (op.instrument, op.article_number): op.amendment
        for op in amended.amend_ops
        if op.kind != "repeal_rule"
    }
    before, after = _consolidated(baseline), _consolidated(amended)

    def title(law: Law, inst: str) -> str:
        i = law.instruments.get(inst)
        return i.title_zh if i else inst

    out = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        change = "inserted" if old is None else "repealed" if new is None else "replaced"
        inst = key[0]
        by = by_op.get(key) or (
            inst if inst in amended.instruments and amended.instruments[inst].kind == "amendment" else ""
        )
        out.append(
            ArticleChange(
                inst,
                title(amended if new else baseline, inst),
                key[1],
                change,
                old.full_text() if old else "",
                new.full_text() if new else "",
                by,
            )
        )
    return out


def _rules(baseline: Law, amended: Law) -> tuple[list[RuleChange], set[str], set[str]]:
    """Rule changes; also the ids to trace through each graph (amended side, baseline side)."""
    replaced_by = {
        r.replaces: r.id for r in amended.rules.values() if r.replaces and r.replaces in baseline.rules
    }
    out: list[RuleChange] = []
    new_side: set[str] = set()
    old_side: set[str] = set()
    old_numbers, new_numbers = law_numbering(baseline), law_numbering(amended)
    for rid in sorted(set(baseline.rules) | set(amended.rules)):
        old, new = baseline.rules.get(rid), amended.rules.get(rid)
        if old == new:
            assert old is not None and new is not None
            was, now = render_citation(baseline, old, old_numbers), render_citation(amended, new, new_numbers)
            if was != now:  # the same rule under the numbering the amendment leaves (对条文序号作相应调整)
                out.append(
                    RuleChange(
                        rid,
                        "renumbered",
                        now,
                        tuple(_conclusion(c) for c in new.conclusions),
                        new.source,
                        gloss=new.gloss,
                        old_citation=was,
                    )
                )
            continue
        rule = new or old
        assert rule is not None
        law = amended if new else baseline
        fields: tuple[str, ...] = ()
        if old is None:
            change = "added"
            new_side.add(rid)
        elif new is None:
            change = "repealed"
            old_side.add(rid)
        else:
            change = "changed"
            fields = tuple(f for f in _RULE_FIELDS if getattr(old, f) != getattr(new, f))
            new_side.add(rid)
            old_side.add(rid)
        out.append(
            RuleChange(
                rid,
                change,
                render_citation(law, rule),
                tuple(_conclusion(c) for c in rule.conclusions),
                rule.source,
                rule.overrides,
                fields,
                rule.replaces if new else "",
                replaced_by.get(rid, "") if new is None else "",
                rule.gloss,
            )
        )
    return out, new_side, old_side


def _pairs(law: Law) -> dict[tuple[str, str, tuple[str, str]], Priority | None]:
    out: dict[tuple[str, str, tuple[str, str]], Priority | None] = {}
    for a, b, permit, attr in competitors(law):
        ids = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        out[(permit, attr, ids)] = decide_priority(law, a, b)
    return out


def _conflicts(baseline: Law, amended: Law) -> list[ConflictChange]:
    before, after = _pairs(baseline), _pairs(amended)
    out = []
    for key in sorted(set(before) | set(after)):
        permit, attr, ids = key
        was, now = key in before, key in after
        pb, pa = before.get(key), after.get(key)
        status = ""
        if now and not was:
            status = "introduced"
        elif was and pb is None and (not now or pa is not None):
            status = "resolved"  # by a new priority, or because a side was repealed
        elif was and now and pb is not None and pa is None:
            status = "reopened"
        elif was and now and pb is not None and pa is not None and pb.winner != pa.winner:
            status = "reversed"
        if status:
            out.append(
                ConflictChange(permit, attr, ids, status, Resolution.of(pb), Resolution.of(pa), was, now)
            )
    return out


def diff(baseline: LawContext, amended: LawContext) -> AmendmentDiff:
    """What `amended` changes relative to `baseline` (normally the same corpus with `--with`)."""
    old, new = baseline.law, amended.law
    articles = _articles(old, new)
    rules, new_side, old_side = _rules(old, new)
    reaches: dict[str, set[str]] = {}
    for graph, ids in ((amended.graph, new_side), (baseline.graph, old_side)):
        for rid in sorted(ids):
            for permit in graph.permits_affected_by({rid}):
                reaches.setdefault(permit, set()).add(rid)
    permits_law = {**old.permits, **new.permits}
    permits = [PermitImpact(p, permits_law[p].title_zh, tuple(sorted(r))) for p, r in sorted(reaches.items())]
    conflicts = _conflicts(old, new)
    amendments = tuple(
        _drop_empty(
            {
                "id": i.id,
                "title_zh": i.title_zh,
                "title_en": i.title_en,
                "status": i.status,
                "amends": list(i.amends),
                "source": i.source,
                "proposed": i.proposed.isoformat() if i.proposed else "",
                "number": i.number,
                "in_force": i.in_force.isoformat() if i.in_force else "",
            }
        )
        for i in sorted(new.instruments.values(), key=lambda i: i.id)
        if i.kind == "amendment" and i.id not in old.instruments
    )
    parameters = tuple(
        ParameterInfo(
            p.name, str(p.type), p.default, new.parameter_values.get(p.name, p.default), p.doc, p.owner
        )
        for p in sorted(new.parameters.values(), key=lambda p: p.name)
        if p.name not in old.parameters
    )
    summary = {
        "articles_inserted": sum(a.change == "inserted" for a in articles),
        "articles_replaced": sum(a.change == "replaced" for a in articles),
        "articles_repealed": sum(a.change == "repealed" for a in articles),
        "rules_added": sum(r.change == "added" for r in rules),
        "rules_changed": sum(r.change == "changed" for r in rules),
        "rules_repealed": sum(r.change == "repealed" for r in rules),
        "rules_renumbered": sum(r.change == "renumbered" for r in rules),
        "permits_affected": len(permits),
        **{f"conflicts_{s}": sum(c.status == s for c in conflicts) for s in CONFLICT_ZH},
        "conflicts_introduced_unresolved": sum(
            c.status == "introduced" and c.after is None for c in conflicts
        ),
    }
    return AmendmentDiff(
        amendments, parameters, tuple(articles), tuple(rules), tuple(permits), tuple(conflicts), summary
    )


# ------------------------------------------------------------------ text


_NO_LINE_START = set("、，。；：？！）》」』”’%")


def _wrap(text: str, width: int) -> list[str]:
    """Wrap by display width (CJK characters take two cells); paragraphs stay on their own lines.

    Lines break two cells early so that closing punctuation never starts a line (避头点)."""
    lines: list[str] = []
    for para in text.split("\n") if text else ["—"]:
        line, w = "", 0
        for ch in para:
            cw = cell_len(ch)
            if w + cw > width - 2 and not (ch in _NO_LINE_START and w + cw <= width):
                lines.append(line)
                line, w = "", 0
            line += ch
            w += cw
        lines.append(line)
    return lines


def _pad(s: str, width: int) -> str:
    return s + " " * (width - cell_len(s))


def render_text(d: AmendmentDiff, column: int = 44) -> str:
    out: list[str] = []
    for a in d.amendments:
        label = "修改决定 amending decision" if a.get("status") == "adopted" else "修改建议 amendment"
        out.append(
            f"{label}: {a['id']} — {a['title_zh']} [{a.get('status', '')}]"
            + (f" {a['number']}" if a.get("number") else "")
            + (f", 施行 in force {a['in_force']}" if a.get("in_force") else "")
        )
        if a.get("amends"):
            out.append(f"  amends: {', '.join(a['amends'])}")
        if a.get("source"):
            out.append(f"  source: {a['source']}")
    if d.parameters:
        out.append("")
        out.append("参数 parameters:")
        for p in d.parameters:
            shown = f"{p.value}" + ("" if p.value == p.default else f" (default {p.default})")
            out.append(f"  {p.name}: {p.type} = {shown}")
    s = d.summary
    out += [
        "",
        f"摘要 summary: articles +{s['articles_inserted']} ~{s['articles_replaced']} -{s['articles_repealed']}; "
        f"rules +{s['rules_added']} ~{s['rules_changed']} -{s['rules_repealed']} renumbered {s['rules_renumbered']}; permits affected {s['permits_affected']}; "
        f"conflicts introduced {s['conflicts_introduced']} (unresolved {s['conflicts_introduced_unresolved']}), "
        f"resolved {s['conflicts_resolved']}, reopened {s['conflicts_reopened']}, reversed {s['conflicts_reversed']}",
    ]

    out += ["", "一、修改对照表 articles (old text | new text)"]
    rule_line = "  +" + "-" * (column + 2) + "+" + "-" * (column + 2) + "+"
    for art in d.articles:
        out.append("")
        out.append(
            f"  {CHANGE_ZH[art.change]} {art.change}: {art.heading} ({art.instrument}/art_{art.number})"
            + (f" — by {art.by}" if art.by else "")
        )
        out.append(rule_line)
        out.append(f"  | {_pad('原条文 old', column)} | {_pad('修改后条文 new', column)} |")
        out.append(rule_line)
        left, right = _wrap(art.old_text, column), _wrap(art.new_text, column)
        for i in range(max(len(left), len(right))):
            lt = left[i] if i < len(left) else ""
            rt = right[i] if i < len(right) else ""
            out.append(f"  | {_pad(lt, column)} | {_pad(rt, column)} |")
        out.append(rule_line)
    if not d.articles:
        out.append("  (no article changes)")

    out += ["", "二、规则 rules added / changed / repealed"]
    for r in d.rules:
        out.append(f"  {CHANGE_ZH.get(r.change, r.change)} {r.change}: {r.rule}")
        out.append(f"      {r.citation}; {'; '.join(r.conclusions)}")
        if r.overrides:
            out.append(f"      overrides: {', '.join(r.overrides)}")
        if r.fields:
            out.append(f"      differs in: {', '.join(r.fields)}")
        if r.replaces:
            out.append(f"      replaces: {r.replaces}")
        if r.replaced_by:
            out.append(f"      replaced by: {r.replaced_by}")
        if r.old_citation:
            out.append(f"      was: {r.old_citation}")
    if not d.rules:
        out.append("  (no rule changes)")

    out += ["", "三、可能改变决定的许可 permits whose decisions can change"]
    for impact in d.permits:
        out.append(f"  {impact.permit} {impact.title}: via {', '.join(impact.rules)}")
    if not d.permits:
        out.append("  (none)")

    out += ["", "四、规则冲突 conflicts introduced or resolved"]
    for c in d.conflicts:
        attr = f".{c.attribute}" if c.attribute else ""
        out.append(f"  {CONFLICT_ZH[c.status]} {c.status}: {c.permit}{attr}: {c.rules[0]} × {c.rules[1]}")
        out.append(f"      before: {c.outcome('before')}")
        out.append(f"      after:  {c.outcome('after')}")
    if not d.conflicts:
        out.append("  (none)")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ html


def render_html(d: AmendmentDiff) -> str:
    """The comparison table as one self-contained page (compliance/templates/diff.html)."""
    from .pages import render_page

    return render_page(
        "diff.html",
        title="、".join(a["title_zh"] for a in d.amendments) or "amendment",
        amendments=[
            {
                "id": a["id"],
                "status": a.get("status", ""),
                "amends": a.get("amends", []),
                "source": a.get("source", ""),
            }
            for a in d.amendments
        ],
        parameters=[
            {"name": p.name, "type": p.type, "value": str(p.value), "default": str(p.default), "doc": p.doc}
            for p in d.parameters
        ],
        articles=[
            {
                "heading": art.heading,
                "instrument": art.instrument,
                "number": art.number,
                "change": art.change,
                "change_zh": CHANGE_ZH[art.change],
                "old_text": art.old_text,
                "new_text": art.new_text,
            }
            for art in d.articles
        ],
        rules=[
            {
                "rule": r.rule,
                "change": r.change,
                "change_zh": CHANGE_ZH.get(r.change, r.change),
                "citation": r.citation,
                "old_citation": r.old_citation,
                "conclusions": r.conclusions,
                "overrides": r.overrides,
            }
            for r in d.rules
        ],
        permits=d.permits,
        conflicts=[
            {
                "status": c.status,
                "status_zh": CONFLICT_ZH[c.status],
                "permit": c.permit,
                "rules": c.rules,
                "before": c.outcome("before"),
                "after": c.outcome("after"),
                "cls": "unresolved" if c.present_after and c.after is None else "resolved",
            }
            for c in d.conflicts
        ],
    )


# ------------------------------------------------------------------ rendering by format


def render(d: AmendmentDiff, fmt: str) -> str:
    if fmt == "json":
        return dumps(d.to_json())
    if fmt == "html":
        return render_html(d)
    return render_text(d)
