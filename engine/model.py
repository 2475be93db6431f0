"""Stage 2's output — the typed model of the law: frozen dataclasses, each with a source span.

Spans are excluded from equality so that two encodings of the same law compare equal.

Longer than ~400 lines: one dataclass per construct of the language, and the model reads best whole.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal as TLiteral

from .diagnostics import NO_SPAN, Span

# ---------------------------------------------------------------- ranks


RANKS = (
    "law",
    "administrative_regulation",
    "departmental_rule",
    "normative_document",
    "local_rule",
    "proposal",
)
# The statutory hierarchy (上位法优于下位法). Local rules and proposals stand outside it: a proposal
# amends whatever it targets, so rank says nothing about it until it is adopted.
RANK_ORDER = {"law": 4, "administrative_regulation": 3, "departmental_rule": 2, "normative_document": 1}
RANK_ZH = {
    "law": "法律",
    "administrative_regulation": "行政法规",
    "departmental_rule": "部门规章",
    "normative_document": "规范性文件",
    "local_rule": "地方性法规",
    "proposal": "建议",
}

# ---------------------------------------------------------------- types


@dataclass(frozen=True)
class FactType:
    kind: str  # bool integer number money date duration text object enum set
    currency: str = ""
    members: tuple[str, ...] = ()
    ordered: bool = False
    element: str = ""

    def __str__(self) -> str:
        if self.kind == "money":
            return f"money {self.currency}"
        if self.kind == "enum":
            return ("ordered " if self.ordered else "") + "enum {" + ", ".join(self.members) + "}"
        if self.kind == "set":
            return f"set of {self.element}"
        return self.kind


BOOL = FactType("bool")
INTEGER = FactType("integer")
NUMBER = FactType("number")
DATE = FactType("date")
DURATION = FactType("duration")
TEXT = FactType("text")
POINTS = FactType("points")  # an integer known up to a range (unknown factors widen it)
ANY_NUMBER = FactType("numeric_literal")  # a unit-less literal: unifies with integer, number and money

# ---------------------------------------------------------------- expressions


@dataclass(frozen=True)
class Expr:
    span: Span = field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


@dataclass(frozen=True)
class Lit(Expr):
    value: object  # bool | int | float | str | date | None (the `none` literal)
    unit: str = ""  # days months years CNY USD
    # Python holds 0 == False and 1 == 1.0: the value's type is part of a literal, so that what is
    # kept per expression (the checker's types and resolved operators) never takes `x > 0` for a
    # comparison with `false`.
    kind: type = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", type(self.value))


@dataclass(frozen=True)
class Path(Expr):
    parts: tuple[str, ...]

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class Call(Expr):
    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Not(Expr):
    operand: Expr


@dataclass(frozen=True)
class And(Expr):
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Or(Expr):
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Compare(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Member(Expr):
    operand: Expr
    values: tuple[Lit, ...]


@dataclass(frozen=True)
class Arith(Expr):
    op: str
    left: Expr
    right: Expr


# ---------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class FactDecl:
    path: str
    type: FactType
    doc: str = ""
    span: Span = field(default=NO_SPAN, compare=False)
    # A documented procedural default: an absent fact takes this value (a literal or another fact).
    # Checked into a Lit or a Path to a fact of the same type.
    default: Expr | None = None


@dataclass(frozen=True)
class Derived:
    name: str
    type: FactType
    expr: Expr
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class PermitDecl:
    id: str
    title_zh: str
    issues: tuple[str, ...]
    span: Span = field(default=NO_SPAN, compare=False)
    authority: str = ""  # who decides it and issues its documents (for the advisory pathway)


@dataclass(frozen=True)
class DocumentDecl:
    id: str
    title_zh: str
    span: Span = field(default=NO_SPAN, compare=False)
    authority: str = ""  # who issues it when no permit of this law does (for the pathway)


@dataclass(frozen=True)
class Parameter:
    name: str
    type: FactType
    default: object
    doc: str
    owner: str  # instrument or amendment id
    span: Span = field(default=NO_SPAN, compare=False)


# ---------------------------------------------------------------- instruments and text


@dataclass(frozen=True)
class Instrument:
    id: str
    kind: TLiteral["instrument", "amendment"]
    title_zh: str
    title_en: str = ""
    rank: str = ""
    issuer: str = ""
    number: str = ""
    adopted: dt.date | None = None
    in_force: dt.date | None = None
    repealed: dt.date | None = None
    proposed: dt.date | None = None
    jurisdiction: str = "national"
    enacted_under: tuple[str, ...] = ()
    implements: tuple[str, ...] = ()
    amends: tuple[str, ...] = ()
    status: str = "in_force"  # in_force | proposed | adopted
    source: str = ""
    note: str = ""
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def dated(self) -> bool:
        """An adopted amendment applies by its own dates; a proposal only when asked for (`--with`)."""
        return self.kind == "instrument" or self.status == "adopted"

    def in_force_on(self, day: dt.date) -> bool:
        if not self.dated:
            return True  # a proposal: applied only when asked for (`--with`), as of any date
        if self.in_force is None or day < self.in_force:
            return False
        return self.repealed is None or day < self.repealed


@dataclass(frozen=True)
class Item:
    number: int
    text: str = ""
    gloss: str = ""
    note: str = ""
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Paragraph:
    number: int
    text: str = ""
    gloss: str = ""
    note: str = ""
    items: tuple[Item, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Article:
    instrument: str
    number: int
    text: str = ""  # only for an article with no paragraph structure
    gloss: str = ""
    note: str = ""
    paragraphs: tuple[Paragraph, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)

    def full_text(self) -> str:
        parts = [self.text] if self.text else []
        for p in self.paragraphs:
            parts.append(p.text + "".join(i.text for i in p.items))
        return "\n".join(parts)


@dataclass(frozen=True, order=True)
class Citation:
    instrument: str
    article: int
    paragraph: int = 0
    item: int = 0

    @property
    def path(self) -> str:
        out = f"art_{self.article}"
        if self.paragraph:
            out += f"__para_{self.paragraph}"
        if self.item:
            out += f"__item_{self.item}"
        return out


# ---------------------------------------------------------------- rules


ConclusionKind = TLiteral[
    "eligible", "ineligible", "requires", "refusal_ground", "cancelled", "condition", "value", "obligation"
]

# The role a conclusion plays in a permit's outcome. A grant makes the applicant eligible; a contrary
# norm (`ineligible`) refuses and competes with grants under the priority principles; requirements
# (`requires`) and refusal grounds are conditions of the outcome — cumulative with every grant, never
# weighed against one except by an explicit clause (`overrides`). A cancellation ground (`cancelled`)
# plays no part in a grant: it decides whether a status already held is cancelled (法 第四十九条), a
# decision of its own kind in which any one ground standing cancels.
ROLE = {
    "eligible": "grant",
    "ineligible": "contrary",
    "requires": "requirement",
    "refusal_ground": "refusal_ground",
    "cancelled": "cancellation_ground",
}


@dataclass(frozen=True)
class Conclusion:
    kind: ConclusionKind
    permits: tuple[str, ...] = ()
    name: str = ""  # document (requires D), condition name, attribute (value), duty (obligation)
    expr: Expr | None = None  # value expression, deadline, or what `requires that` demands
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def demands(self) -> Expr | None:
        """What a requirement demands: the document held (`requires D`) or a condition (`requires that`)."""
        if self.kind != "requires":
            return None
        return self.expr if self.expr is not None else Call("holds", (Path((self.name,)),))


@dataclass(frozen=True)
class Rule:
    id: str
    instrument: str
    label: str
    citation: Citation | None
    strict: bool
    conclusions: tuple[Conclusion, ...]
    when: Expr | None
    unless: tuple[Expr, ...] = ()
    overrides: tuple[str, ...] = ()  # as written; resolved to ids by the checker
    replaces: str = ""
    source: str = ""
    note: str = ""
    gloss: str = ""
    sanctions_documents: bool = False  # a refusal ground standing on unmet document requirements
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def requirement(self) -> Conclusion | None:
        return next((c for c in self.conclusions if c.kind == "requires"), None)


@dataclass(frozen=True)
class Band:
    when: Expr
    value: Expr
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Factor:
    name: str
    title: str
    cap: int
    bands: tuple[Band, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class PointsTable:
    name: str
    instrument: str
    citation: Citation | None
    factors: tuple[Factor, ...]
    source: str = ""
    note: str = ""
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Quota:
    """`quota NAME for PERMIT { … }`: an annual quota on a permit. `counts` is the fact counting the
    grants made, `limit` the parameter that caps them, `ranked_by` the points table that orders a
    population's candidates ('' = by applicant id), `through` the rule by which one over the quota
    is refused (it compares the count with the limit)."""

    name: str
    instrument: str
    permit: str
    counts: str
    limit: str
    ranked_by: str
    through: str
    source: str = ""
    note: str = ""
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def id(self) -> str:
        return f"{self.instrument}/{self.name}"

    @property
    def parameter(self) -> str:
        """The name of the limit parameter (`limit params.NAME`)."""
        return self.limit.removeprefix("params.")


@dataclass(frozen=True)
class AmendOp:
    kind: TLiteral["insert_article", "replace_article", "repeal_article", "repeal_rule", "insert_item"]
    amendment: str
    instrument: str = ""
    article: Article | None = None
    article_number: int = 0
    rule: str = ""
    paragraph: int = 0  # insert_item: the paragraph and the item inserted at `item.number`
    item: Item | None = None
    span: Span = field(default=NO_SPAN, compare=False)


# ---------------------------------------------------------------- one file, lowered


@dataclass(frozen=True)
class SourceFile:
    path: str  # as shown in diagnostics (relative where possible)
    text: str


@dataclass(frozen=True)
class FileModel:
    path: str
    imports: tuple[tuple[str, Span], ...] = ()
    instruments: tuple[Instrument, ...] = ()
    facts: tuple[FactDecl, ...] = ()
    derived: tuple[Derived, ...] = ()
    permits: tuple[PermitDecl, ...] = ()
    documents: tuple[DocumentDecl, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    articles: tuple[Article, ...] = ()
    rules: tuple[Rule, ...] = ()
    points: tuple[PointsTable, ...] = ()
    amend_ops: tuple[AmendOp, ...] = ()
    duties: tuple[Duty, ...] = ()  # obligations over a case's timeline (below)
    holdings: tuple[Holding, ...] = ()
    quotas: tuple[Quota, ...] = ()


# ---------------------------------------------------------------- obligations over a timeline (issue 15)
# A duty, prohibition or holding over the events of a case (docs/monitor.md). The event vocabulary
# they read is engine/obligations.py's EVENTS; the monitor is compliance/monitor.py.


@dataclass(frozen=True)
class EventMatch:
    """An event type and an optional condition on the event's own fields (`entry when visa == "Z"`)."""

    type: str
    when: Expr | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Fine:
    """A fine in CNY: `amount` (or `amount`..`upper`), `per` day / person, capped at `cap`."""

    amount: int
    upper: int = 0
    per: str = ""  # "" | day | person
    cap: int = 0


@dataclass(frozen=True)
class Consequence:
    citation: Citation
    fine: Fine | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class HeldInstead:
    """`unless holding H at INSTRUMENT art …`: holding H lifts the prohibition by the provision cited."""

    holding: str
    citation: Citation
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Duty:
    """`duty`: on TRIGGER, do one of MET_BY within a period (or by a date the trigger carries);
    `prohibition`: TRIGGER must not happen unless every holding in UNLESS is held."""

    id: str
    kind: TLiteral["duty", "prohibition"]
    citation: Citation | None
    bearers: tuple[str, ...] = ()  # who bears it: foreigner, employer, host, hotel, parents
    trigger: EventMatch | None = None
    within_days: int | None = None  # the period in whole days (hours are rounded up to days)
    within_hours: int | None = None  # as written, when the period was given in hours
    due_field: str = ""  # a date field of the trigger event …
    due_offset: int = 0  # … shifted by this many days
    met_by: tuple[EventMatch, ...] = ()
    ends_on: tuple[EventMatch, ...] = ()
    unless_holding: tuple[str, ...] = ()
    # holdings that lift a prohibition instead, each by a provision of its own (法 第四十八条)
    held_instead: tuple[HeldInstead, ...] = ()
    optional: bool = False  # owed only if the act is done at all (an extension is asked for)
    consequence: Consequence | None = None
    source: str = ""
    note: str = ""
    gloss: str = ""
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True)
class Holding:
    """A status of the case: granted by any FROM event, ended by any UNTIL event."""

    id: str
    title_zh: str
    granted_by: tuple[EventMatch, ...]
    ended_by: tuple[EventMatch, ...] = ()
    note: str = ""
    span: Span = field(default=NO_SPAN, compare=False)
