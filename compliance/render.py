"""Stage 6 — render: Decision → contract JSON, reasoned text (Chinese legal style with English
glosses) and a self-contained HTML page."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from lexgraph.engine.trace import (
    ConditionTrace,
    Decision,
    Effect,
    PathwayStep,
    PermitDecision,
    Provision,
    RuleProof,
)

OUTCOME_ZH = {
    "eligible": "符合条件，准予办理",
    "ineligible": "不符合条件，不予办理",
    "undetermined": "事实不全，尚不能决定",
    "cancelled": "有法定情形，取消其资格",
    "not_cancelled": "无法定取消情形，不予取消",
}
PERMIT_ZH = {
    "work_permit": "外国人工作许可",
    "talent_confirmation_letter": "外国高端人才确认函",
    "z_visa": "Z字签证",
    "r_visa": "R字签证",
    "work_residence_permit": "工作类居留证件",
    "permanent_residence": "在中国永久居留资格",
    "d_visa": "D字签证",
    "job_seeking_visa": "求职签证",
    "k_visa": "K字签证",
    "q1_visa": "Q1字签证",
    "q2_visa": "Q2字签证",
    "s1_visa": "S1字签证",
    "s2_visa": "S2字签证",
    "x1_visa": "X1字签证",
    "x2_visa": "X2字签证",
    "reunion_residence_permit": "团聚类居留证件",
    "private_affairs_residence_permit": "私人事务类居留证件",
    "study_residence_permit": "学习类居留证件",
    "work_study_endorsement": "居留证件加注勤工助学或者实习信息",
}
_MARK = {True: "✓", False: "✗", None: "?"}
# What a rule does, by the kind of its effect ({s}: the permit, or the named condition)
_EFFECT = {
    "grant": "准予 grants {s}",
    "contrary": "不予 refuses {s}",
    "refusal_ground": "不予 refuses (拒绝理由 refusal ground) {s}",
    "closure": "准予条件未满足 conditions of grant not met: {s}",
    "sanction": "不予 refuses {s} (不能提交相关材料 materials not submitted)",
    "cancels": "取消 cancels {s}",
    "not_made_out": "取消情形不成立 ground of cancellation not made out: {s}",
    "stored": "{s}",
}
_REQUIREMENT = {True: "已满足 met", False: "未满足 unmet", None: "待定 unknown"}
_CONDITION = {True: "met", False: "not met", None: "unknown"}


@functools.lru_cache(maxsize=4096)  # a law has few distinct effects; a decision shows dozens
def effect_words(e: Effect) -> str:
    """What a rule does in a decision, in words (the proof carries only its kind)."""
    if e.kind == "requirement":
        return f"须 requires {e.demands} for {e.subject} — {_REQUIREMENT[e.holds]}"
    if e.kind == "condition":
        return f"condition {e.subject}: {_CONDITION[e.holds]}"
    return _EFFECT.get(e.kind, e.kind + " {s}").format(s=e.subject)


def pathway_rule(rule: str, provisions: Mapping[str, Provision]) -> str:
    """A rule of the advisory pathway, as cited: 外国人来华工作分类标准 … (work_permit_classification/…)."""
    p = provisions.get(rule)
    return f"{p.citation if p else ''} ({rule})"


_STATUS = {"proposed": "建议 proposed", "adopted": "已通过 adopted", "in_force": "施行 in force"}


def ground_json(p: RuleProof) -> dict[str, Any]:
    # the service renders dozens of these per decision: fields read once, in the order they print
    provision = p.provisions.get(p.rule)
    out: dict[str, Any] = {
        "rule": p.rule,
        "citation": provision.citation if provision else "",
        "effect": effect_words(p.effect),
        "status": p.status,
        "applies": p.applies,
        "stands": p.stands,
        "role": p.role,
    }
    if p.role == "requirement":
        out["satisfied"] = p.satisfied
    if provision and provision.text:
        out["text"] = provision.text
    if p.overridden_by:
        out["overridden_by"] = p.overridden_by
    if p.waits_for:
        out["waits_for"] = p.waits_for
    if p.prevails_by:
        out["principle"] = p.principle
    if p.note:
        out["note"] = p.note
    if p.source:
        out["source"] = p.source
    if p.gloss:
        out["gloss"] = p.gloss
    out["conditions"] = conditions_json(p.conditions)
    if p.exceptions:
        out["exceptions"] = conditions_json(p.exceptions)
    if p.because:
        out["because"] = [ground_json(b) for b in p.because]
    return out


def conditions_json(conditions: tuple[ConditionTrace, ...]) -> list[dict[str, Any]]:
    return [{"expr": c.expr, "holds": c.holds, "facts": c.facts} for c in conditions]


def detail_json(d: PermitDecision, provisions: Mapping[str, Provision]) -> dict[str, Any]:
    """A decision's detail, each obligation cited by the provision of the rule that sets it."""
    if "obligations" not in d.detail:
        return d.detail
    return {
        **d.detail,
        "obligations": [
            {"citation": provisions[o["rule"]].citation, **o} if o["rule"] in provisions else o
            for o in d.detail["obligations"]
        ],
    }


def permit_json(d: PermitDecision, provisions: Mapping[str, Provision] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "permit": d.permit,
        "outcome": d.outcome,
        "grounds": [ground_json(g) for g in d.grounds],
    }
    if d.kind != "grant":
        out["kind"] = d.kind
    if d.unmet:
        out["unmet"] = [ground_json(g) for g in d.unmet]
    if d.missing_facts:
        out["missing_facts"] = list(d.missing_facts)
    if d.detail:
        out["detail"] = detail_json(d, provisions or {})
    if d.pathway:
        out["pathway"] = [
            step._asdict() | {"rules": [pathway_rule(r, provisions or {}) for r in step.rules]}
            for step in d.pathway
        ]
    return out


def decision_json(decision: Decision) -> dict[str, Any]:
    law: dict[str, Any] = {
        "as_of": decision.as_of,
        "digest": decision.digest,
        "instruments": list(decision.instruments),
    }
    if decision.engine:
        law["engine"] = dict(decision.engine)
    if decision.origin:
        law["origin"] = decision.origin
    if decision.amendments:
        law["amendments"] = list(decision.amendments)
        law["amendment_status"] = dict(decision.amendment_status)
    if decision.parameters:
        law["parameters"] = decision.parameters
    out_defaults = {"defaults": dict(decision.defaults)} if decision.defaults else {}
    return {
        "application_id": decision.application_id,
        "law": law,
        **out_defaults,
        "decisions": [permit_json(d, decision.provisions) for d in decision.decisions],
    }


_PROOF_TREE = ("conditions", "exceptions", "because")


def summary_of(full: dict[str, Any]) -> dict[str, Any]:
    """A decision's summary (the service's `explain=summary`), from its full JSON without rendering it
    again (the service logs the full form and answers with the summary): each ground without its
    proof tree (conditions, exceptions, the reasons because)."""

    def ground(g: dict[str, Any]) -> dict[str, Any]:
        out = g.copy()  # copied in C, keys in order; then the tree's few keys go
        for key in _PROOF_TREE:
            out.pop(key, None)
        return out

    def permit(p: dict[str, Any]) -> dict[str, Any]:
        out = p.copy()
        for key in ("grounds", "unmet"):
            if key in out:
                out[key] = [ground(g) for g in out[key]]
        return out

    return {**full, "decisions": [permit(p) for p in full["decisions"]]}


def decision_from_json(data: dict[str, Any]) -> Decision:
    """The inverse of `decision_json`: the Decision a stored decision JSON came from, so it renders
    exactly as it did (a record logged before a field existed rebuilds with that field empty). The
    stored words are kept: each rule's citation and text in the provisions table, each effect as
    stored (a stored record carries words, not references)."""
    law = data["law"]
    provisions: dict[str, Provision] = {}
    for d in data["decisions"]:
        for step in d.get("pathway", ()):
            for shown in step["rules"]:
                citation, _, rule = shown.rpartition(" (")
                provisions.setdefault(rule[:-1], Provision(citation, ""))

        def collect(g: dict[str, Any]) -> None:
            if g["rule"] not in provisions or not provisions[g["rule"]].text:
                provisions[g["rule"]] = Provision(g["citation"], g.get("text", ""))
            for b in g.get("because", ()):
                collect(b)

        for g in (*d["grounds"], *d.get("unmet", ())):
            collect(g)
    return Decision(
        application_id=data["application_id"],
        as_of=law["as_of"],
        digest=law["digest"],
        instruments=tuple(law["instruments"]),
        amendments=tuple(law.get("amendments", ())),
        parameters=dict(law.get("parameters", {})),
        amendment_status=dict(law.get("amendment_status", {})),
        engine=dict(law.get("engine", {})),
        defaults=dict(data.get("defaults", {})),
        origin=law.get("origin", ""),
        decisions=tuple(
            PermitDecision(
                permit=d["permit"],
                outcome=d["outcome"],
                grounds=tuple(_proof(g, provisions) for g in d["grounds"]),
                unmet=tuple(_proof(g, provisions) for g in d.get("unmet", ())),
                missing_facts=tuple(d.get("missing_facts", ())),
                detail=dict(d.get("detail", {})),
                kind=d.get("kind", "grant"),
                pathway=tuple(
                    PathwayStep(**{**s, "rules": tuple(r.rpartition(" (")[2][:-1] for r in s["rules"])})
                    for s in d.get("pathway", ())
                ),
            )
            for d in data["decisions"]
        ),
        provisions=provisions,
    )


def _proof(g: dict[str, Any], provisions: Mapping[str, Provision]) -> RuleProof:
    def conditions(key: str) -> tuple[ConditionTrace, ...]:
        return tuple(ConditionTrace(c["expr"], c["holds"], dict(c["facts"])) for c in g.get(key, ()))

    return RuleProof(
        rule=g["rule"],
        cites=None,
        status=g["status"],
        effect=Effect("stored", g["effect"]),
        applies=g["applies"],
        stands=g["stands"],
        conditions=conditions("conditions"),
        exceptions=conditions("exceptions"),
        because=tuple(_proof(b, provisions) for b in g.get("because", ())),
        overridden_by=g.get("overridden_by", ""),
        prevails_by=g.get("principle", "").split(":", 1)[0],
        note=g.get("note", ""),
        source=g.get("source", ""),
        gloss=g.get("gloss", ""),
        role=g.get("role", ""),
        satisfied=g.get("satisfied"),
        waits_for=g.get("waits_for", ""),
        provisions=provisions,
    )


def dumps(data: Any) -> str:
    """Canonical JSON: sorted keys, UTF-8 text, so the same input gives the same bytes."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------ text


def _facts(facts: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in facts.items())


def _proof_lines(
    p: RuleProof, indent: str, lines: list[str], depth: int = 0, shown: set[str] | None = None
) -> None:
    shown = set() if shown is None else shown
    if depth and p.rule in shown:
        lines.append(f"{indent}• {p.citation} ({p.rule}): {effect_words(p.effect)} — see above")
        return
    shown.add(p.rule)
    status = {"in_force": "现行有效", "proposed": "建议（未施行）", "repealed": "已废止"}[p.status]
    lines.append(f"{indent}• {p.citation}  [{status}]  ({p.rule})")
    if p.text:
        lines.append(f"{indent}  「{p.text}」")
    if p.gloss:
        lines.append(f"{indent}  — {p.gloss}")
    if p.note:
        lines.append(f"{indent}  注 note: {p.note}")
    for c in p.conditions:
        facts = f"   [{_facts(c.facts)}]" if c.facts else ""
        lines.append(f"{indent}    {_MARK[c.holds]} {c.expr}{facts}")
    for c in p.exceptions:
        facts = f"   [{_facts(c.facts)}]" if c.facts else ""
        lines.append(f"{indent}    除外 unless {_MARK[c.holds]} {c.expr}{facts}")
    if p.overridden_by:
        lines.append(f"{indent}    ↳ 被 {p.overridden_by} 排除适用 (set aside by {p.principle})")
    elif p.waits_for:
        lines.append(
            f"{indent}    ↳ 待定：{p.waits_for} 若适用则排除本条 (waits for {p.waits_for}, which would set it aside by {p.principle})"
        )
    if depth < 2:
        for b in p.because:
            _proof_lines(b, indent + "      ", lines, depth + 1, shown)


def render_text(decision: Decision, explain: bool = False) -> str:
    engine = (
        f"; engine {decision.engine['version']} (grammar {decision.engine['grammar']})"
        if decision.engine
        else ""
    )
    lines = [
        f"决定 Decision — 申请 application {decision.application_id}",
        f"适用法律 law as of {decision.as_of}; digest {decision.digest[:16]}…{engine}"
        + (f"; read from {decision.origin}" if decision.origin else ""),
        f"现行有效文件 instruments in force: {', '.join(decision.instruments)}",
    ]
    if decision.defaults:
        defaults = ", ".join(
            f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in decision.defaults.items()
        )
        lines.append(f"程序性默认 procedural defaults (absent in the application): {defaults}")
    if decision.amendments:
        applied = ", ".join(
            f"{a} ({_STATUS.get(decision.amendment_status.get(a, ''), decision.amendment_status.get(a, ''))})"
            for a in decision.amendments
        )
        lines.append(
            f"适用的修改 amendments applied (not law in force unless adopted): {applied} {decision.parameters or ''}"
        )
    numerals = "一二三四五六七八九十"
    for n, d in enumerate(decision.decisions):
        lines.append("")
        asked = "（取消 cancellation）" if d.kind == "cancellation" else ""
        lines.append(
            f"{numerals[n % 10]}、{PERMIT_ZH.get(d.permit, d.permit)}{asked} ({d.permit})：{OUTCOME_ZH[d.outcome]} — {d.outcome}"
        )
        for key, value in detail_json(d, decision.provisions).items():
            if key != "grounds_of_values":
                lines.append(f"    {key}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}")
        shown: set[str] = set()
        if d.grounds:
            lines.append("  依据 grounds:")
            for g in d.grounds:
                _proof_lines(g, "    ", lines, 0, shown)
        if d.unmet and (explain or d.outcome != "eligible"):
            lines.append("  未满足的条件 why not (rules that would have granted it):")
            for g in d.unmet if explain else d.unmet[:8]:
                _proof_lines(g, "    ", lines, 0, shown)
            if not explain and len(d.unmet) > 8:
                lines.append(f"    … {len(d.unmet) - 8} more (lexgraph explain --permit {d.permit})")
        if d.missing_facts:
            lines.append(f"  待补充的事实 missing facts: {', '.join(d.missing_facts)}")
        if d.pathway:
            lines.append("  办理路径（建议，非决定依据） pathway (advice, not a ground of this decision):")
            for n, step in enumerate(d.pathway, 1):
                source = (
                    (
                        f"随{PERMIT_ZH.get(step.issued_with, step.issued_with)}签发 issued with {step.issued_with}"
                        f" by {step.authority or '—'}; on this application: {step.outcome}"
                    )
                    if step.issued_with
                    else "no permit of this law issues it"
                )
                lines.append(f"    {n}. {step.title_zh} ({step.document}) — {source}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ html


def render_html(decision: Decision) -> str:
    """One self-contained page: the proof tree per permit, why and why not, the missing facts and
    the pathway (the workbench's templates; styles inline, no network)."""
    from .workbench.law import decision_page

    return decision_page(decision)
