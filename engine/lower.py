"""Stage 2 — lower: Lark tree → typed model (one FileModel per source file).

Longer than ~400 lines: one lowering per rule of the grammar, in the grammar's order; split, each
part would be a fragment of one tree walk."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lark import Token, Tree

from . import model as m
from .diagnostics import Diagnostic, Span, excerpt_of

_META_KEYS = {
    "title_zh",
    "title_en",
    "rank",
    "issuer",
    "number",
    "adopted",
    "in_force",
    "repealed",
    "proposed",
    "jurisdiction",
    "enacted_under",
    "implements",
    "amends",
    "status",
    "source",
    "note",
}
_DATE_KEYS = {"adopted", "in_force", "repealed", "proposed"}
_LIST_KEYS = {"enacted_under", "implements", "amends"}


def _unquote(token: Any) -> str:
    raw = str(token)[1:-1]
    return raw.replace('\\"', '"').replace("\\\\", "\\")


class _Lowerer:
    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text
        self.diagnostics: list[Diagnostic] = []
        self.owner: str = ""  # the instrument / amendment opened last in this file
        self.owner_kind: str = ""
        self.out: dict[str, list[Any]] = {
            k: []
            for k in (
                "imports",
                "instruments",
                "facts",
                "derived",
                "permits",
                "documents",
                "parameters",
                "articles",
                "rules",
                "points",
                "amend_ops",
                "duties",
                "holdings",
                "quotas",
            )
        }

    # -------------------------------------------------------------- helpers
    def span(self, node: Tree[Any] | Token) -> Span:
        meta = node if isinstance(node, Token) else node.meta
        line = getattr(meta, "line", 0) or 0
        column = getattr(meta, "column", 0) or 0
        return Span(
            self.path,
            line,
            column,
            getattr(meta, "end_line", line) or line,
            getattr(meta, "end_column", column) or column,
        )

    def error(self, code: str, message: str, node: Tree[Any] | Token) -> None:
        span = self.span(node)
        self.diagnostics.append(Diagnostic(code, message, span, excerpt_of(self.text, span.line)))

    def need_owner(self, what: str, node: Tree[Any]) -> bool:
        if not self.owner:
            self.error(
                "no_instrument",
                f"{what} must follow an `instrument` or `amendment` declaration in its file",
                node,
            )
            return False
        return True

    # -------------------------------------------------------------- top level
    def run(self, tree: Tree[Any]) -> m.FileModel:
        for decl in tree.children:
            assert isinstance(decl, Tree)
            getattr(self, "d_" + str(decl.data))(decl)
        o = self.out
        return m.FileModel(path=self.path, **{k: tuple(v) for k, v in o.items()})

    def d_import_decl(self, node: Tree[Any]) -> None:
        self.out["imports"].append((_unquote(node.children[0]), self.span(node)))

    def _meta(self, node: Tree[Any], kind: str) -> None:
        name = str(node.children[0])
        values: dict[str, Any] = {"jurisdiction": "national"}
        for meta in node.children[1:]:
            key = str(meta.children[0])
            if key not in _META_KEYS:
                self.error(
                    "unknown_metadata",
                    f"unknown metadata key `{key}`; expected one of: {', '.join(sorted(_META_KEYS))}",
                    meta,
                )
                continue
            raw = [self._meta_value(v, key) for v in meta.children[1:]]
            if key in _LIST_KEYS:
                values[key] = tuple(str(v) for v in raw if v is not None)
            elif key in _DATE_KEYS:
                values[key] = raw[0]
            else:
                values[key] = raw[0] if raw[0] is not None else ""
        if "rank" in values and values["rank"] not in m.RANKS:
            self.error(
                "unknown_rank",
                f"unknown rank `{values['rank']}`; expected one of: {', '.join(m.RANKS)}",
                node,
            )
        if kind == "amendment":
            values.setdefault("rank", "proposal")
            values.setdefault("status", "proposed")
            if values["status"] not in ("proposed", "adopted"):
                self.error("bad_metadata", "an amendment's status is `proposed` or `adopted`", node)
            elif values["status"] == "adopted" and not values.get("in_force"):
                self.error(
                    "missing_metadata",
                    f"adopted amendment `{name}` needs `in_force`: it applies from that date",
                    node,
                )
        elif values.get("status") not in (None, "in_force", "repealed"):
            self.error("bad_metadata", "an instrument's status is `in_force` or `repealed`", node)
        if "title_zh" not in values:
            self.error("missing_metadata", f"{kind} `{name}` needs a `title_zh`", node)
            values["title_zh"] = name
        self.owner, self.owner_kind = name, kind
        self.out["instruments"].append(m.Instrument(id=name, kind=kind, span=self.span(node), **values))  # type: ignore[arg-type]

    def _meta_value(self, node: Tree[Any], key: str) -> Any:
        kind = node.data
        if kind == "meta_none":
            return None
        if key in _DATE_KEYS:
            if kind != "meta_date":
                self.error("bad_metadata", f"`{key}` takes a date (YYYY-MM-DD) or `none`", node)
                return None
            return self._date(node.children[0])
        if kind == "meta_string":
            return _unquote(node.children[0])
        if kind == "meta_date":
            return str(node.children[0])
        return "/".join(str(t) for t in node.children)

    def _date(self, token: Any) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(token))
        except ValueError:
            self.error("bad_date", f"`{token}` is not a calendar date", token)
            return None

    def d_instrument_decl(self, node: Tree[Any]) -> None:
        self._meta(node, "instrument")

    def d_part_decl(self, node: Tree[Any]) -> None:
        """`part of INSTRUMENT`: the rules that follow belong to an instrument declared in another file."""
        self.owner, self.owner_kind = str(node.children[0]), "instrument"

    def d_amendment_decl(self, node: Tree[Any]) -> None:
        self._meta(node, "amendment")

    def d_fact_decl(self, node: Tree[Any]) -> None:
        path, type_node, *rest = node.children
        default = next(
            (self.expr(x.children[0]) for x in rest if isinstance(x, Tree) and x.data == "fact_default"), None
        )
        doc = [x for x in rest if isinstance(x, Token)]
        self.out["facts"].append(
            m.FactDecl(
                ".".join(map(str, path.children)),
                self._type(type_node),
                _unquote(doc[0]) if doc else "",
                self.span(node),
                default,
            )
        )

    def _type(self, node: Tree[Any]) -> m.FactType:
        kind = str(node.data)[2:]
        if kind == "money":
            return m.FactType("money", currency=str(node.children[0]))
        if kind == "enum":
            ordered = (
                bool(node.children)
                and isinstance(node.children[0], Tree)
                and node.children[0].data == "ordered"
            )
            members = tuple(str(c) for c in node.children if isinstance(c, Token))
            return m.FactType("enum", members=members, ordered=ordered)
        if kind == "set":
            return m.FactType("set", element=str(node.children[0]))
        return m.FactType(kind)

    def d_permit_decl(self, node: Tree[Any]) -> None:
        name, title, *rest = node.children
        authority = next((_unquote(t.children[0]) for t in rest if t.data == "authority"), "")
        issues = next((tuple(str(x) for x in t.children) for t in rest if t.data == "issues"), ())
        self.out["permits"].append(
            m.PermitDecl(str(name), _unquote(title), issues, self.span(node), authority)
        )

    def d_document_decl(self, node: Tree[Any]) -> None:
        name, title, *rest = node.children
        authority = _unquote(rest[0].children[0]) if rest else ""
        self.out["documents"].append(m.DocumentDecl(str(name), _unquote(title), self.span(node), authority))

    def d_derive_decl(self, node: Tree[Any]) -> None:
        name, type_node, expr = node.children
        self.out["derived"].append(
            m.Derived(str(name), self._type(type_node), self.expr(expr), self.span(node))
        )

    def d_parameter_decl(self, node: Tree[Any]) -> None:
        name, type_node, literal, *doc = node.children
        lit = self.expr(literal)
        value = lit.value if isinstance(lit, m.Lit) else None
        self.out["parameters"].append(
            m.Parameter(
                str(name),
                self._type(type_node),
                value,
                _unquote(doc[0]) if doc else "",
                self.owner,
                self.span(node),
            )
        )

    # -------------------------------------------------------------- text
    def _texts(self, children: list[Any]) -> dict[str, str]:
        out = {"text": "", "gloss": "", "note": ""}
        for child in children:
            if isinstance(child, Tree) and child.data in ("text_stmt", "gloss_stmt", "note_stmt"):
                key = str(child.data)[:-5]
                if out[key]:
                    self.error("duplicate_statement", f"`{key}` given twice", child)
                out[key] = _unquote(child.children[0])
        return out

    def _article(self, number: Any, parts: list[Any], node: Tree[Any], instrument: str) -> m.Article:
        paragraphs = []
        for p in parts:
            if isinstance(p, Tree) and p.data == "paragraph":
                items = tuple(
                    m.Item(int(str(i.children[0])), span=self.span(i), **self._texts(i.children[1:]))
                    for i in p.children[1:]
                    if isinstance(i, Tree) and i.data == "item"
                )
                paragraphs.append(
                    m.Paragraph(
                        int(str(p.children[0])), items=items, span=self.span(p), **self._texts(p.children[1:])
                    )
                )
        return m.Article(
            instrument,
            int(str(number)),
            paragraphs=tuple(paragraphs),
            span=self.span(node),
            **self._texts(parts),
        )

    def d_article_decl(self, node: Tree[Any]) -> None:
        if self.need_owner("an article", node):
            self.out["articles"].append(self._article(node.children[0], node.children[1:], node, self.owner))

    # -------------------------------------------------------------- rules
    def _citation(self, node: Tree[Any]) -> m.Citation:
        names = [str(t) for t in node.children if isinstance(t, Token) and t.type == "NAME"]
        numbers = [int(str(t)) for t in node.children if not (isinstance(t, Token) and t.type == "NAME")]
        numbers += [0] * (3 - len(numbers))
        if names and self.owner_kind != "amendment":
            self.error(
                "bad_citation",
                "`at INSTRUMENT art …` cites another instrument's provision: only an amendment may, "
                "for a provision it inserts or amends",
                node,
            )
        return m.Citation(names[0] if names else self.owner, numbers[0], numbers[1], numbers[2])

    def d_rule_decl(self, node: Tree[Any]) -> None:
        if not self.need_owner("a rule", node):
            return
        strict = False
        label = ""
        citation = None
        stmts: list[Tree[Any]] = []
        for child in node.children:
            if isinstance(child, Tree) and child.data in ("strict", "defeasible"):
                strict = child.data == "strict"
            elif isinstance(child, Token):
                label = str(child)
            elif child.data == "citation":
                citation = self._citation(child)
            else:
                stmts.append(child)
        if citation is None and not label:
            self.error("rule_without_id", "a rule needs a citation (`at art N …`) or a label", node)
            return
        path = citation.path if citation else ""
        if citation and citation.instrument != self.owner:  # an amendment citing the instrument it amends
            path = f"{citation.instrument}__{path}"
        rule_id = self.owner + "/" + "__".join(x for x in (path, label) if x)
        conclusions: list[m.Conclusion] = []
        when: m.Expr | None = None
        unless: list[m.Expr] = []
        overrides: list[str] = []
        fields = {"replaces": "", "source": "", "note": "", "gloss": ""}
        sanctions_documents = False
        for stmt in stmts:
            kind = str(stmt.data)
            if kind == "sanction_stmt":
                sanctions_documents = True
            elif kind == "conclude_stmt":
                conclusions.append(self._conclusion(stmt.children[0]))
            elif kind == "when_stmt":
                if when is not None:
                    self.error(
                        "duplicate_statement", "`when` given twice; join the conditions with `and`", stmt
                    )
                when = self.expr(stmt.children[0])
            elif kind == "unless_stmt":
                unless.append(self.expr(stmt.children[0]))
            elif kind == "overrides_stmt":
                overrides.extend(self._ref(r) for r in stmt.children)
            elif kind == "replaces_stmt":
                fields["replaces"] = self._ref(stmt.children[0])
            else:
                key = kind[:-5]
                fields[key] = _unquote(stmt.children[0])
        if not conclusions:
            self.error(
                "rule_without_conclusion", f"rule `{rule_id}` concludes nothing; add `conclude …`", node
            )
        self.out["rules"].append(
            m.Rule(
                id=rule_id,
                instrument=self.owner,
                label=label,
                citation=citation,
                strict=strict,
                conclusions=tuple(conclusions),
                when=when,
                unless=tuple(unless),
                overrides=tuple(overrides),
                sanctions_documents=sanctions_documents,
                span=self.span(node),
                **fields,
            )
        )

    def _ref(self, node: Tree[Any]) -> str:
        return "/".join(str(t) for t in node.children)

    def _conclusion(self, node: Tree[Any]) -> m.Conclusion:
        kind = str(node.data)[2:]
        names = [str(t) for t in node.children if isinstance(t, Token)]
        span = self.span(node)
        if kind in ("eligible", "ineligible"):
            return m.Conclusion(kind, permits=tuple(names), span=span)  # type: ignore[arg-type]
        if kind in ("refusal_ground", "cancelled"):
            return m.Conclusion(kind, permits=tuple(names), span=span)  # type: ignore[arg-type]
        if kind == "requires":
            return m.Conclusion("requires", permits=tuple(names[1:]), name=names[0], span=span)
        if kind == "requires_that":
            return m.Conclusion("requires", permits=tuple(names), expr=self.expr(node.children[0]), span=span)
        if kind == "condition":
            return m.Conclusion("condition", name=names[0], span=span)
        expr = self.expr(node.children[-1])
        if kind == "value":
            return m.Conclusion("value", permits=(names[0],), name=names[1], expr=expr, span=span)
        return m.Conclusion("obligation", permits=(names[1],), name=names[0], expr=expr, span=span)

    # -------------------------------------------------------------- points
    def d_points_decl(self, node: Tree[Any]) -> None:
        if not self.need_owner("a points table", node):
            return
        name = str(node.children[0])
        citation = None
        factors = []
        texts = {"source": "", "note": ""}
        for child in node.children[1:]:
            if child.data == "citation":
                citation = self._citation(child)
            elif child.data == "factor":
                fname, *rest = child.children
                title = (
                    _unquote(rest.pop(0))
                    if rest and isinstance(rest[0], Token) and rest[0].type == "STRING"
                    else ""
                )
                cap = int(str(rest.pop(0)))
                bands = tuple(
                    m.Band(self.expr(b.children[0]), self.expr(b.children[1]), self.span(b)) for b in rest
                )
                factors.append(m.Factor(str(fname), title, cap, bands, self.span(child)))
            else:
                texts[str(child.data)[:-5]] = _unquote(child.children[0])
        self.out["points"].append(
            m.PointsTable(name, self.owner, citation, tuple(factors), span=self.span(node), **texts)
        )

    # -------------------------------------------------------------- quotas
    def d_quota_decl(self, node: Tree[Any]) -> None:
        if not self.need_owner("a quota", node):
            return
        name, permit, *stmts = node.children
        fields = {"counts": "", "limit": "", "ranked_by": "", "through": "", "source": "", "note": ""}
        seen: set[str] = set()
        for child in stmts:
            kind = str(child.data)
            key = (
                "ranked_by"
                if kind.startswith("quota_ranked")
                else kind.removeprefix("quota_").removesuffix("_stmt")
            )
            if key in seen:
                self.error("duplicate_id", f"quota `{name}` says `{key.split('_')[0]}` twice", child)
            seen.add(key)
            if kind in ("quota_counts", "quota_limit"):
                fields[key] = ".".join(str(t) for t in child.children[0].children)
            elif kind == "quota_ranked_points":
                fields[key] = str(child.children[0])
            elif kind == "quota_through":
                fields[key] = self._ref(child.children[0])
            elif kind in ("source_stmt", "note_stmt"):
                fields[key] = _unquote(child.children[0])
        for key, what in (
            ("counts", "counts FACT"),
            ("limit", "limit params.NAME"),
            ("ranked_by", "ranked by points TABLE | ranked by id"),
            ("through", "through RULE"),
        ):
            if key not in seen:
                self.error("bad_quota", f"quota `{name}` needs `{what}`", node)
        self.out["quotas"].append(m.Quota(str(name), self.owner, str(permit), span=self.span(node), **fields))

    # -------------------------------------------------------------- amendment operations
    def _amend(self, node: Tree[Any], kind: str) -> None:
        if not self.need_owner("an amendment operation", node):
            return
        if self.owner_kind != "amendment":
            self.error(
                "amend_outside_amendment",
                "insert / replace / repeal may appear only in an amendment file",
                node,
            )
            return
        span = self.span(node)
        if kind == "repeal_rule":
            self.out["amend_ops"].append(
                m.AmendOp("repeal_rule", self.owner, rule=self._ref(node.children[0]), span=span)
            )
            return
        instrument, number = str(node.children[0]), int(str(node.children[1]))
        article = (
            self._article(node.children[1], node.children[2:], node, instrument)
            if kind != "repeal_article"
            else None
        )
        self.out["amend_ops"].append(m.AmendOp(kind, self.owner, instrument, article, number, span=span))  # type: ignore[arg-type]

    def d_insert_item(self, node: Tree[Any]) -> None:
        if not self.need_owner("an amendment operation", node):
            return
        if self.owner_kind != "amendment":
            self.error(
                "amend_outside_amendment",
                "insert / replace / repeal may appear only in an amendment file",
                node,
            )
            return
        instrument, article, paragraph, number = (
            str(node.children[0]),
            *(int(str(t)) for t in node.children[1:4]),
        )
        item = m.Item(number, span=self.span(node), **self._texts(node.children[4:]))
        self.out["amend_ops"].append(
            m.AmendOp(
                "insert_item",
                self.owner,
                instrument,
                None,
                article,
                paragraph=paragraph,
                item=item,
                span=self.span(node),
            )
        )

    def d_insert_article(self, node: Tree[Any]) -> None:
        self._amend(node, "insert_article")

    def d_replace_article(self, node: Tree[Any]) -> None:
        self._amend(node, "replace_article")

    def d_repeal_article(self, node: Tree[Any]) -> None:
        self._amend(node, "repeal_article")

    def d_repeal_rule(self, node: Tree[Any]) -> None:
        self._amend(node, "repeal_rule")

    # -------------------------------------------------------------- expressions
    def expr(self, node: Tree[Any] | Token) -> m.Expr:
        span = self.span(node)
        kind = str(node.data) if isinstance(node, Tree) else ""
        c = node.children if isinstance(node, Tree) else []
        if kind in ("or_", "and_", "all_of", "any_of"):
            cls = m.Or if kind in ("or_", "any_of") else m.And
            flat: list[m.Expr] = []
            for child in c:
                sub = self.expr(child)
                flat.extend(sub.operands if type(sub) is cls else (sub,))
            return cls(tuple(flat), span=span)
        if kind == "not_":
            return m.Not(self.expr(c[0]), span=span)
        if kind == "compare":
            return m.Compare(str(c[1]), self.expr(c[0]), self.expr(c[2]), span=span)
        if kind == "member":
            values = tuple(self.expr(v) for v in c[1:])
            return m.Member(self.expr(c[0]), values, span=span)  # type: ignore[arg-type]
        if kind == "arith":
            return m.Arith(str(c[1]), self.expr(c[0]), self.expr(c[2]), span=span)
        if kind == "call":
            return m.Call(str(c[0]), tuple(self.expr(a) for a in c[1:] if a is not None), span=span)
        if kind == "path":
            return m.Path(tuple(str(t) for t in c), span=span)
        if kind == "number":
            raw = str(c[0])
            value: int | float = float(raw) if "." in raw else int(raw)
            unit = str(c[1].data) if len(c) > 1 else ""
            return m.Lit(value, {"cny": "CNY", "usd": "USD"}.get(unit, unit), span=span)
        if kind == "string":
            return m.Lit(_unquote(c[0]), span=span)
        if kind == "date":
            return m.Lit(self._date(c[0]), span=span)
        if kind in ("true", "false"):
            return m.Lit(kind == "true", span=span)
        if kind == "none":
            return m.Lit(None, span=span)
        raise AssertionError(f"unexpected expression node {kind}")

    # -------------------------------------------------------------- obligations over a timeline (issue 15)
    def d_duty_decl(self, node: Tree[Any]) -> None:
        lower_duty(self, node)

    def d_holding_decl(self, node: Tree[Any]) -> None:
        lower_holding(self, node)


def lower(tree: Tree[Any], path: str, text: str) -> tuple[m.FileModel, list[Diagnostic]]:
    """Lower one parsed file to the typed model."""
    lowerer = _Lowerer(path, text)
    model = lowerer.run(tree)
    return model, lowerer.diagnostics


# ---------------------------------------------------------------- obligations over a timeline (issue 15)


def _duty_citation(node: Tree[Any]) -> m.Citation:
    instrument, *numbers = node.children
    nums = [int(str(t)) for t in numbers] + [0, 0]
    return m.Citation(str(instrument), nums[0], nums[1], nums[2])


def _event_match(lw: _Lowerer, node: Tree[Any]) -> m.EventMatch:
    name, *cond = node.children
    return m.EventMatch(str(name), lw.expr(cond[0]) if cond else None, lw.span(node))


def lower_duty(lw: _Lowerer, node: Tree[Any]) -> None:
    """`duty` / `prohibition` NAME [at INSTRUMENT art N …] { … } → model.Duty (id `obligations/NAME`)."""
    kind_node, name, *rest = node.children
    kind = "duty" if kind_node.data == "duty_kind_duty" else "prohibition"
    values: dict[str, Any] = {}
    citation = None
    met_by: list[m.EventMatch] = []
    ends_on: list[m.EventMatch] = []
    unless: list[str] = []
    held_instead: list[m.HeldInstead] = []
    for stmt in rest:
        data = str(stmt.data)
        c = stmt.children
        if data == "duty_citation":
            citation = _duty_citation(stmt)
            continue
        key = {
            "bearer_stmt": "bearers",
            "on_stmt": "trigger",
            "within_stmt": "within",
            "due_stmt": "due",
            "optional_stmt": "optional",
            "consequence_stmt": "consequence",
            "source_stmt": "source",
            "note_stmt": "note",
            "gloss_stmt": "gloss",
        }.get(data)
        if key is not None and key in values:
            lw.error("duplicate_statement", f"`{key}` given twice in {kind} `{name}`", stmt)
            continue
        if data == "bearer_stmt":
            values["bearers"] = tuple(str(t) for t in c)
        elif data == "on_stmt":
            values["trigger"] = _event_match(lw, c[0])
        elif data == "within_stmt":
            amount = int(str(c[0]))
            values["within"] = True
            if c[1].data == "period_hours":
                values["within_hours"] = amount
                values["within_days"] = -(-amount // 24)  # a day for every 24 hours begun (docs/monitor.md)
            else:
                values["within_days"] = amount
        elif data == "due_stmt":
            values["due"] = True
            values["due_field"] = str(c[0])
            if len(c) > 1:
                values["due_offset"] = int(str(c[2])) * (-1 if str(c[1]) == "-" else 1)
        elif data == "met_by_stmt":
            met_by.extend(_event_match(lw, e) for e in c)
        elif data == "ends_stmt":
            ends_on.extend(_event_match(lw, e) for e in c)
        elif data == "unless_holding_stmt":
            names = [str(t) for t in c if isinstance(t, Token)]
            if c and isinstance(c[-1], Tree) and c[-1].data == "duty_citation":
                if len(names) != 1:
                    lw.error(
                        "bad_obligation",
                        "a cited `unless holding` names one holding that lifts the prohibition by that provision",
                        stmt,
                    )
                else:
                    held_instead.append(m.HeldInstead(names[0], _duty_citation(c[-1]), lw.span(stmt)))
            else:
                unless.extend(names)
        elif data == "optional_stmt":
            values["optional"] = True
        elif data == "consequence_stmt":
            values["consequence"] = _consequence(lw, stmt)
        else:
            values[key or data] = _unquote(c[0])
    for flag in ("within", "due"):
        values.pop(flag, None)
    lw.out["duties"].append(
        m.Duty(
            id=f"obligations/{name}",
            kind=kind,  # type: ignore[arg-type]
            citation=citation,
            met_by=tuple(met_by),
            ends_on=tuple(ends_on),
            unless_holding=tuple(unless),
            held_instead=tuple(held_instead),
            span=lw.span(node),
            **values,
        )
    )


def _consequence(lw: _Lowerer, node: Tree[Any]) -> m.Consequence:
    citation = _duty_citation(node.children[0])
    fine = None
    if len(node.children) > 1:
        f = node.children[1]
        amount = int(str(f.children[0]))
        extra = {str(part.data): str(part.children[0]) for part in f.children[1:]}
        fine = m.Fine(
            amount, int(extra.get("fine_to", 0)), extra.get("fine_per", ""), int(extra.get("fine_max", 0))
        )
    return m.Consequence(citation, fine, lw.span(node))


def lower_holding(lw: _Lowerer, node: Tree[Any]) -> None:
    name, *rest = node.children
    title = _unquote(rest.pop(0)) if rest and isinstance(rest[0], Token) else ""
    granted = tuple(_event_match(lw, s.children[0]) for s in rest if s.data == "holding_from")
    ended = tuple(_event_match(lw, s.children[0]) for s in rest if s.data == "holding_until")
    note = next((_unquote(s.children[0]) for s in rest if s.data == "note_stmt"), "")
    lw.out["holdings"].append(m.Holding(str(name), title, granted, ended, note, lw.span(node)))
