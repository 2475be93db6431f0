"""What the workbench pages show, assembled from the public functions of the engine and compliance
modules (no semantics of its own): articles with their rules, searches, decision forms and views,
amendment diffs, impact reports and audit records. Also used by the docs (docs/_ext).

(Over 400 lines: one view-model per workbench page, kept in one module so that every page shows
the law in the same words.)"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

from lexgraph.engine.evaluate import render_citation, zh_number
from lexgraph.engine.schema import contract_schema

from ..decisions import LawContext
from ..lexer import highlight_html

# ------------------------------------------------------------------ the law


def instruments(context: LawContext, day: dt.date) -> list[dict[str, Any]]:
    law = context.law
    in_force = set(law.instruments_in_force(day))
    out = []
    for inst in sorted(law.instruments.values(), key=lambda i: i.id):
        articles = sorted(n for (i, n) in law.articles if i == inst.id)
        rules = sum(1 for r in law.rules.values() if r.instrument == inst.id)
        out.append(
            {
                "id": inst.id,
                "title_zh": inst.title_zh,
                "title_en": inst.title_en,
                "rank": inst.rank,
                "kind": inst.kind,
                "in_force": inst.id in in_force,
                "articles": articles,
                "rules": rules,
            }
        )
    return out


def source_text(law: Any, span: Any) -> str:
    """The lines of a source that `span` covers."""
    text = next((s.text for s in law.sources if s.path == span.path), "")
    lines = text.splitlines()
    if not lines or span.line <= 0:
        return ""
    return "\n".join(lines[span.line - 1 : max(span.end_line, span.line)])


def article_lines(article: Any) -> list[dict[str, Any]]:
    """The article as the law lays it out: each paragraph, then each item on its own line."""
    out: list[dict[str, Any]] = []
    if article.text:
        out.append({"kind": "text", "id": "", "text": article.text, "gloss": article.gloss})
    for p in article.paragraphs:
        out.append(
            {
                "kind": "paragraph",
                "id": f"para_{p.number}",
                "number": p.number,
                "text": p.text,
                "gloss": p.gloss,
                "note": p.note,
            }
        )
        for i in p.items:
            out.append(
                {
                    "kind": "item",
                    "id": f"para_{p.number}__item_{i.number}",
                    "number": i.number,
                    "text": i.text,
                    "gloss": i.gloss,
                    "note": i.note,
                }
            )
    return out


def rule_view(context: LawContext, rule: Any) -> dict[str, Any]:
    g = context.graph.g
    node = f"rule:{rule.id}"
    uses: list[dict[str, str]] = []
    used_by: list[dict[str, str]] = []
    if node in g:
        for _, b, d in g.out_edges(node, data=True):
            if d.get("kind") not in ("part_of", "cites"):
                uses.append({"node": b, "kind": str(d.get("kind", ""))})
        for a, _, d in g.in_edges(node, data=True):
            used_by.append({"node": a, "kind": str(d.get("kind", ""))})
        # rules that read what this rule concludes depend on it
        for _, b, d in g.out_edges(node, data=True):
            if d.get("kind") == "concludes" and not b.startswith("permit:"):
                used_by += [
                    {"node": a, "kind": str(d2.get("kind", ""))}
                    for a, _, d2 in g.in_edges(b, data=True)
                    if a != node and a.startswith("rule:") and d2.get("kind") != "concludes"
                ]
    return {
        "id": rule.id,
        "citation": render_citation(context.law, rule),
        "gloss": rule.gloss,
        "note": rule.note,
        "source": rule.source,
        "strict": rule.strict,
        "anchor": anchor(rule.id),
        "path": rule.citation.path if rule.citation else "",
        "conclusions": [f"{c.kind} {' '.join(c.permits) or c.name}".strip() for c in rule.conclusions],
        "code": source_text(context.law, rule.span),
        "code_html": highlight_html(source_text(context.law, rule.span)),
        "uses": sorted(uses, key=lambda e: (e["kind"], e["node"])),
        "used_by": sorted(
            {(e["node"], e["kind"]): e for e in used_by}.values(), key=lambda e: (e["kind"], e["node"])
        ),
    }


def anchor(rule_id: str) -> str:
    return "rule-" + re.sub(r"[^A-Za-z0-9_-]", "-", rule_id)


def node_href(node: str) -> str:
    """Where a graph node is shown: a rule under its article, an article at its page."""
    kind, _, name = node.partition(":")
    if kind == "provision":
        m = re.match(r"([a-z0-9_]+)/art_(\d+)", name)
        return f"/law/{m.group(1)}/{m.group(2)}" if m else ""
    if kind == "instrument":
        return f"/law/{name}"
    if kind in ("rule", "permit"):
        return f"/law/search?q={name}"
    return ""


def instrument_page(
    context: LawContext, inst_id: str, link: Callable[[str], str] | None = None
) -> dict[str, Any] | None:
    law = context.law
    inst = law.instruments.get(inst_id)
    if inst is None:
        return None
    rules = [r for r in law.rules.values() if r.instrument == inst_id]
    articles = []
    for (iid, number), article in sorted(law.articles.items()):
        if iid == inst_id:
            articles.append(
                {
                    "number": number,
                    "heading": f"第{zh_number(number)}条",
                    "lines": article_lines(article),
                    "rules": sorted(r.id for r in rules if r.citation and r.citation.article == number),
                }
            )
    unnumbered = [rule_view(context, r) for r in sorted(rules, key=lambda r: r.id) if r.citation is None]
    meta = {
        k: v
        for k, v in (
            ("rank", inst.rank),
            ("issuer", inst.issuer),
            ("number", inst.number),
            ("in force", inst.in_force),
            ("repealed", inst.repealed),
            ("implements", ", ".join(inst.implements)),
            ("enacted under", ", ".join(inst.enacted_under)),
            ("source", inst.source if hasattr(inst, "source") else ""),
        )
        if v
    }
    return {
        "instrument": {
            "id": inst.id,
            "title_zh": inst.title_zh,
            "title_en": inst.title_en,
            "kind": inst.kind,
        },
        "meta": meta,
        "articles": articles,
        "unnumbered": unnumbered,
        "figure": graph_svg(context, [f"rule:{r.id}" for r in rules], link=link),
    }


def findings(context: LawContext, day: dt.date) -> dict[str, Any]:
    """`lexgraph analyze` for this law and day, through the service's one cache and z3 lock."""
    from ..service import run_analysis

    return run_analysis(context, day)


_DIFFS: dict[tuple[str, str], Any] = {}


def amendments_touching(
    laws: Any, context: LawContext, inst_id: str, number: int, rule_ids: set[str]
) -> list[dict[str, Any]]:
    """Each known amendment that inserts, replaces or repeals this article or one of its rules."""
    from ..diff import diff

    out = []
    for name, path in sorted(laws.known().items()):
        key = (context.law.digest, str(path))
        if key not in _DIFFS:
            try:
                amended = laws.get([name], {})[0]
            except Exception:  # an uploaded amendment that no longer loads is simply not listed
                continue
            _DIFFS[key] = diff(context, amended)
        d = _DIFFS[key]
        arts = [asdict(a) for a in d.articles if a.instrument == inst_id and a.number == number]
        rules = [
            asdict(r)
            for r in d.rules
            if r.rule in rule_ids or r.replaces in rule_ids or any(o in rule_ids for o in r.overrides)
        ]
        if arts or rules:
            out.append({"amendment": name, "articles": arts, "rules": rules})
    return out


def article_page(
    context: LawContext, inst_id: str, number: int, report: dict[str, Any], laws: Any
) -> dict[str, Any] | None:
    law = context.law
    article = law.articles.get((inst_id, number))
    inst = law.instruments.get(inst_id)
    if article is None or inst is None:
        return None
    rules = sorted(
        (
            r
            for r in law.rules.values()
            if r.citation and r.citation.instrument == inst_id and r.citation.article == number
        ),
        key=lambda r: (r.citation.paragraph, r.citation.item, r.id),
    )
    ids = {r.id for r in rules}
    involved = [f for f in report.get("findings", []) if ids & set(f.get("rules", []))]
    numbers = sorted(n for (i, n) in law.articles if i == inst_id)
    at = numbers.index(number)
    return {
        "instrument": {"id": inst.id, "title_zh": inst.title_zh, "title_en": inst.title_en},
        "number": number,
        "heading": f"第{zh_number(number)}条",
        "lines": article_lines(article),
        "gloss": article.gloss,
        "note": article.note,
        "rules": [rule_view(context, r) for r in rules],
        "findings": involved,
        "amendments_touching": amendments_touching(laws, context, inst_id, number, ids),
        "previous": numbers[at - 1] if at > 0 else None,
        "next": numbers[at + 1] if at + 1 < len(numbers) else None,
        "figure": graph_svg(context, [f"provision:{inst_id}/art_{number}"] + [f"rule:{r.id}" for r in rules]),
    }


ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
CITE = re.compile(
    r"第([零〇一二两三四五六七八九十百千\d]+)条(?:第([零〇一二两三四五六七八九十百千\d]+)款)?"
    r"(?:第([零〇一二两三四五六七八九十百千\d]+)项)?"
)


def zh_to_int(text: str) -> int:
    """第四十七条 → 47: Chinese or Arabic numerals."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for ch in text:
        if ch in ZH_DIGITS:
            digit = ZH_DIGITS[ch]
        else:
            total += (digit or 1) * ZH_UNITS[ch]
            digit = 0
    return total + digit


def search(context: LawContext, query: str) -> list[dict[str, Any]]:
    """By citation (条例 第六条, 第四十七条第一款), by rule id (or part of one) and by permit."""
    law = context.law
    hits: list[dict[str, Any]] = []
    if not query:
        return hits
    m = CITE.search(query)
    if m:
        number = zh_to_int(m.group(1))
        para = zh_to_int(m.group(2)) if m.group(2) else 0
        item = zh_to_int(m.group(3)) if m.group(3) else 0
        words = query[: m.start()].strip()
        for (iid, n), _article in sorted(law.articles.items()):
            inst = law.instruments[iid]
            if n == number and (
                not words or words in inst.title_zh or words in iid or words in inst.title_en
            ):
                frag = f"#para_{para}" + (f"__item_{item}" if item else "") if para else ""
                hits.append(
                    {
                        "kind": "article",
                        "label": f"{inst.title_zh} 第{zh_number(n)}条",
                        "href": f"/law/{iid}/{n}",
                        "anchor": frag,
                    }
                )
        return hits
    q = query.lower()
    for rule in sorted(law.rules.values(), key=lambda r: r.id):
        if q == rule.id.lower() or (len(q) > 2 and q in rule.id.lower()):
            href = (
                f"/law/{rule.citation.instrument}/{rule.citation.article}"
                if rule.citation
                else f"/law/{rule.instrument}"
            )
            hits.append(
                {
                    "kind": "rule",
                    "label": f"{rule.id} — {render_citation(law, rule)}",
                    "href": href,
                    "anchor": "#" + anchor(rule.id),
                }
            )
    for permit in sorted(law.permits):
        info = law.permits[permit]
        title = getattr(info, "title_zh", "") or getattr(info, "title", "")
        if q in permit.lower() or (title and query in title):
            for rule in sorted(law.rules.values(), key=lambda r: r.id):
                if any(permit in c.permits for c in rule.conclusions):
                    href = (
                        f"/law/{rule.citation.instrument}/{rule.citation.article}"
                        if rule.citation
                        else f"/law/{rule.instrument}"
                    )
                    hits.append(
                        {
                            "kind": f"permit {permit}",
                            "label": f"{rule.id} — {render_citation(law, rule)}",
                            "href": href,
                            "anchor": "#" + anchor(rule.id),
                        }
                    )
    return hits


# ------------------------------------------------------------------ the figure


def graph_svg(
    context: LawContext, centre: list[str], width: int = 1020, link: Callable[[str], str] | None = None
) -> str:
    """The rule-graph neighbourhood of `centre` as an inline SVG: what the centre's nodes read or
    depend on, and what points at them (left), the nodes themselves (middle), what they conclude,
    require or override (right).
    Drawn here, on the server: no script and no network."""
    g = context.graph.g
    mid = [n for n in centre if n in g]
    left: list[str] = []
    right: list[str] = []
    edges: list[tuple[str, str, str]] = []
    for n in mid:
        for a, _, d in g.in_edges(n, data=True):
            if a not in mid and d.get("kind") not in ("part_of",):
                if a not in left:
                    left.append(a)
                edges.append((a, n, str(d.get("kind", ""))))
        for _, b, d in g.out_edges(n, data=True):
            kind = str(d.get("kind", ""))
            if b in mid or kind in ("part_of", "cites"):
                continue
            if kind in ("reads", "depends_on"):  # what the rule reads is drawn on the left
                if b not in left:
                    left.append(b)
                edges.append((b, n, kind))
            else:
                if b not in right:
                    right.append(b)
                edges.append((n, b, kind))
    left, right = left[:40], right[:40]
    row = 22
    height = max(len(left), len(mid), len(right), 1) * row + 30
    xs = {0: 10, 1: width // 3 + 10, 2: 2 * width // 3 + 10}
    pos: dict[str, tuple[int, int]] = {}
    for col, nodes in ((0, left), (1, mid), (2, right)):
        top = (height - len(nodes) * row) // 2
        for i, n in enumerate(nodes):
            pos[n] = (xs[col], top + i * row + 15)
    colour = {
        "rule": "#1f5fa8",
        "provision": "#6b4e16",
        "permit": "#1e7b34",
        "fact": "#555",
        "document": "#8a3b8f",
        "condition": "#b35900",
        "instrument": "#333",
        "points": "#b35900",
    }
    lines = [
        {
            "x1": pos[a][0] + width // 3 - 30,
            "y1": pos[a][1] - 4,
            "x2": pos[b][0] - 4,
            "y2": pos[b][1] - 4,
            "kind": kind,
        }
        for a, b, kind in edges
        if a in pos and b in pos
    ]
    texts = []
    for n, (x, y) in pos.items():
        kind, _, name = n.partition(":")
        texts.append(
            {
                "node": n,
                "kind": kind,
                "x": x,
                "y": y,
                "colour": colour.get(kind, "#000"),
                "label": name if len(name) <= 44 else "…" + name[-43:],
                "href": (link or node_href)(n),
            }
        )
    from ..pages import render_page  # compliance/templates/rulegraph.svg

    return render_page("rulegraph.svg", width=width, height=height, edges=lines, nodes=texts).strip()


# ------------------------------------------------------------------ the decision form


class FormError(Exception):
    def __init__(self, problems: list[tuple[str, str]], values: dict[str, str]):
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))
        self.problems, self.values = problems, values


_FIELDS: list[dict[str, Any]] | None = None


def form_fields() -> list[dict[str, Any]]:
    """One field per leaf of contract/application.schema.json: its path, kind and choices."""
    global _FIELDS
    if _FIELDS is None:
        schema = contract_schema()
        defs = schema.get("$defs", {})
        out: list[dict[str, Any]] = []

        def resolve(node: dict[str, Any]) -> dict[str, Any]:
            while "$ref" in node:
                node = defs[node["$ref"].split("/")[-1]]
            return node

        def walk(node: dict[str, Any], path: list[str], required: bool) -> None:
            node = resolve(node)
            if "properties" in node:
                for key, sub in node["properties"].items():
                    walk(sub, [*path, key], key in node.get("required", []))
                return
            types = node.get("type")
            types = [types] if isinstance(types, str) else list(types or [])
            kind = "text"
            choices: list[str] = []
            if "enum" in node:
                kind, choices = "enum", [str(v) for v in node["enum"] if v is not None]
            elif "boolean" in types:
                kind = "bool"
            elif "integer" in types or "number" in types:
                kind = "integer" if "integer" in types else "number"
            elif node.get("format") == "date":
                kind = "date"
            elif "array" in types:
                items = resolve(node.get("items", {}))
                kind, choices = "set", [str(v) for v in items.get("enum", [])]
            out.append(
                {
                    "path": ".".join(path),
                    "kind": kind,
                    "choices": choices,
                    "required": required,
                    "description": node.get("description", ""),
                    "group": path[0] if len(path) > 1 else "application",
                }
            )

        walk(schema, [], True)
        _FIELDS = out
    return _FIELDS


def _set_path(target: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    for k in keys[:-1]:
        nxt = target.get(k)
        if not isinstance(nxt, dict):
            nxt = target[k] = {}
        target = nxt
    target[keys[-1]] = value


def _del_path(target: dict[str, Any], path: str) -> None:
    keys = path.split(".")
    for k in keys[:-1]:
        nxt = target.get(k)
        if not isinstance(nxt, dict):
            return
        target = nxt
    target.pop(keys[-1], None)


def _flatten(data: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(data, dict):
        for k, v in data.items():
            _flatten(v, f"{prefix}.{k}" if prefix else k, out)
    else:
        out[prefix] = data


def application_from_form(
    form: dict[str, list[str]], fields: list[dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The application the form says: pasted JSON (if any) as the base, then each filled field,
    then each missing fact filled in the answer (`fill.PATH`). An empty field is an absent fact."""
    from ..applications import ApplicationError, validate_application

    problems: list[tuple[str, str]] = []
    application: dict[str, Any] = {}
    pasted = (form.get("json") or [""])[0].strip()
    if pasted:
        try:
            loaded = json.loads(pasted)
        except json.JSONDecodeError as error:
            raise FormError([(f"json:{error.lineno}:{error.colno}", error.msg)], {}) from None
        if not isinstance(loaded, dict):
            raise FormError([("json", "an application is a JSON object")], {})
        application = loaded
    by_path = {f["path"]: f for f in fields}
    if form.get("shown"):  # the fields showed this application: a field emptied makes its fact unknown
        for path in by_path:
            if not any(v.strip() for v in form.get(f"f.{path}", [])):
                _del_path(application, path)
    raw: dict[str, str] = {}
    for key, given in form.items():
        path = key[5:] if key.startswith("fill.") else key[2:] if key.startswith("f.") else ""
        if path in by_path and given and given[-1].strip() != "":
            if by_path[path]["kind"] == "set":
                raw[path] = ",".join(v for v in given if v.strip())
            else:
                raw[path] = given[-1].strip()
    for key in [k for k in form if k.startswith("fill.")]:  # a missing fact filled in the answer wins
        path = key[5:]
        if path in by_path and form[key] and form[key][-1].strip():
            raw[path] = form[key][-1].strip() if by_path[path]["kind"] != "set" else ",".join(form[key])
    for path, text in raw.items():
        f = by_path[path]
        value: Any = text
        if f["kind"] == "bool":
            if text not in ("true", "false"):
                problems.append((f"$.{path}", "expected true or false"))
                continue
            value = text == "true"
        elif f["kind"] in ("integer", "number"):
            try:
                value = int(text) if f["kind"] == "integer" else float(text)
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
            except ValueError:
                problems.append(
                    (f"$.{path}", f"expected a{'n integer' if f['kind'] == 'integer' else ' number'}")
                )
                continue
        elif f["kind"] == "set":
            value = [v.strip() for v in text.split(",") if v.strip()] if text != "[]" else []
        _set_path(application, path, value)
    flat: dict[str, Any] = {}
    _flatten(application, "", flat)
    values = {
        k: (
            (",".join(v) or "[]") if isinstance(v, list) else json.dumps(v) if isinstance(v, bool) else str(v)
        )
        for k, v in flat.items()
        if k in by_path and v is not None
    }
    if problems:
        raise FormError(problems, values)
    try:
        application = validate_application(application)
    except ApplicationError as error:
        raise FormError(list(error.problems), values) from None
    return application, values


def decision_view(decision: Any) -> dict[str, Any]:
    """The decision as JSON (render.decision_json), the text the applicant is told, and for each
    missing fact the form field to fill in."""
    from ..render import decision_json, render_text

    data = decision_json(decision)
    by_path = {f["path"]: f for f in form_fields()}
    for d in data["decisions"]:
        d["missing_fields"] = [
            by_path.get(p, {"path": p, "kind": "text", "choices": []}) | {"path": p}
            for p in d.get("missing_facts", [])
        ]
    return {"json": data, "text": render_text(decision, explain=True)}


def decision_page(decision: Any) -> str:
    """A decision as one self-contained HTML page (`lexgraph decide --format html`): the proof
    tree per permit, why and why not, the missing facts and the pathway; styles inline."""
    from . import _templates

    static = Path(str(resources.files("lexgraph.compliance.workbench"))) / "static"
    css = "\n".join((static / name).read_text(encoding="utf-8") for name in ("workbench.css", "pygments.css"))
    return str(
        _templates().get_template("decision_page.html").render(result=decision_view(decision), css=css)
    )


# ------------------------------------------------------------------ amendments and impact


def amendment_view(
    base: LawContext, amended: LawContext, name: str, params: dict[str, str]
) -> dict[str, Any]:
    from ..diff import diff, render_text

    d = diff(base, amended)
    day = dt.date.today()
    before, after = findings(base, day), findings(amended, day)
    ids_before = {f["id"] for f in before.get("findings", [])}
    ids_after = {f["id"] for f in after.get("findings", [])}
    parameters = [
        {
            "name": k,
            "default": v.default,
            "value": amended.law.parameter_values.get(k),
            "note": getattr(v, "note", "") or getattr(v, "description", ""),
        }
        for k, v in sorted(amended.law.parameters.items())
    ]
    return {
        "diff": d.to_json(),
        "diff_text": render_text(d),
        "amendment_parameters": parameters,
        "params": params,
        "introduced": [f for f in after.get("findings", []) if f["id"] not in ids_before],
        "resolved": [f for f in before.get("findings", []) if f["id"] not in ids_after],
    }


def impact_run(
    law_dirs: list[Path] | None,
    amendment: Path,
    params: dict[str, str],
    size: int,
    seed: int,
    progress: Callable[[int, int], None],
) -> dict[str, Any]:
    """The impact report of one amendment on a generated population of `size` (one process,
    in chunks, so the page can show progress)."""
    from ..decisions import LawContent
    from ..impact import LawSpec, build_report, run_chunks
    from ..population import generate

    table = generate(size, seed)
    spec = LawSpec(LawContent.of(law_dirs, [amendment], params))
    spec.contexts()
    chunk = max(1000, -(-size // 20))
    merged = run_chunks(spec, table, workers=1, chunk_rows=chunk, progress=progress)
    return build_report(spec, table, merged, examples=2, source=f"generated: {size} applicants, seed {seed}")


def _band_key(band: str) -> tuple[int, str]:
    m = re.match(r"(\d+)", band)
    return (int(m.group(1)) if m else 10_000, band)


def _bar(key: str, counts: dict[str, int]) -> dict[str, Any]:
    gained, lost = int(counts.get("gained", 0)), int(counts.get("lost", 0))
    return {"key": key, "gained": gained, "lost": lost, "total": gained + lost}


def impact_view(report: dict[str, Any]) -> dict[str, Any]:
    """The report with rates, and breakdowns ordered (age bands by age)."""
    n = max(1, report["population"]["applicants"])
    permits = []
    for name, p in sorted(report["permits"].items()):
        permits.append(
            {
                "permit": name,
                **p,
                "rate_before": p["eligible_before"] / n,
                "rate_after": p["eligible_after"] / n,
                "by_age_band": [
                    _bar(k, v) for k, v in sorted(p["by_age_band"].items(), key=lambda kv: _band_key(kv[0]))
                ],
                "by_nationality": sorted(
                    (_bar(k, v) for k, v in p["by_nationality"].items()),
                    key=lambda r: (-r["total"], r["key"]),
                ),
            }
        )
    return {"report": report, "permits": permits, "n": report["population"]["applicants"]}


# ------------------------------------------------------------------ audit


def record_view(context: LawContext, record: dict[str, Any]) -> dict[str, Any]:
    from ..render import decision_from_json, render_text

    told = render_text(decision_from_json(record["decision"]))  # as `lexgraph show` prints it
    return {
        "record": record,
        "told": told,
        "application_json": json.dumps(record["application"], ensure_ascii=False, indent=2),
    }


def verify_view(result: Any) -> dict[str, Any]:
    return asdict(result)
