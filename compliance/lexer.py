"""A Pygments lexer for the lexgraph regulation language (`.lex`), used by the docs and the workbench."""

from __future__ import annotations

from typing import Any, ClassVar

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text, Whitespace

# The grammar's keywords (grammar/lexgraph.lark), grouped for colour.
DECLARATIONS = (
    "instrument",
    "article",
    "paragraph",
    "item",
    "rule",
    "fact",
    "derive",
    "permit",
    "document",
    "parameter",
    "amendment",
    "import",
    "condition",
    "consequence",
    "obligation",
    "prohibition",
    "duty",
    "quota",
)
ROLES = (
    "conclude",
    "eligible",
    "ineligible",
    "requires",
    "refusal_ground",
    "cancelled",
    "overrides",
    "strict",
    "defeasible",
    "when",
    "unless",
    "that",
    "for",
    "at",
    "art",
    "para",
    "by",
    "issues",
    "on",
    "missing",
    "documents",
    "holding",
    "insert",
    "replace",
    "replaces",
    "repeal",
    "points",
    "factor",
    "value",
    "per",
    "due",
    "within",
    "until",
    "ends",
    "from",
    "to",
    "fine",
    "bearer",
    "optional",
    "met",
    "text",
    "gloss",
    "note",
    "source",
    "counts",
    "limit",
    "ranked",
    "through",
)
OPERATORS = ("and", "or", "not", "all", "any", "of", "in", "max")
TYPES = (
    "bool",
    "integer",
    "number",
    "money",
    "date",
    "duration",
    "enum",
    "ordered",
    "set",
    "object",
    "days",
    "months",
    "years",
    "hours",
)
CONSTANTS = ("true", "false", "none")


class LexgraphLexer(RegexLexer):
    """Highlights `.lex` sources: declarations, rule roles, operators, types, strings and comments."""

    name = "lexgraph"
    aliases: ClassVar[list[str]] = ["lexgraph", "lex"]
    filenames: ClassVar[list[str]] = ["*.lex"]

    tokens: ClassVar[dict[str, list[Any]]] = {
        "root": [
            (r"\s+", Whitespace),
            (r"#.*?$", Comment.Single),
            (r'"(\\\\|\\"|[^"])*"', String.Double),
            (r"\d{4}-\d{2}-\d{2}\b", Number.Other),
            (r"\d+(\.\d+)?", Number),
            (words(DECLARATIONS, suffix=r"\b"), Keyword.Declaration),
            (words(ROLES, suffix=r"\b"), Keyword),
            (words(OPERATORS, suffix=r"\b"), Operator.Word),
            (words(TYPES, suffix=r"\b"), Keyword.Type),
            (words(CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (r"(params)(\.)([A-Za-z_]\w*)", bygroups(Name.Builtin, Punctuation, Name.Constant)),
            (r"[A-Za-z_][\w]*(/[\w]+)+", Name.Label),  # rule and provision ids: pr_measures/art_6
            (r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", Name),
            (r"==|!=|>=|<=|[<>+\-*/]", Operator),
            (r"[{}()\[\],:=]", Punctuation),
            (r".", Text),
        ],
    }


def highlight_html(source: str) -> str:
    """`source` as HTML (`<div class="highlight"><pre>…`) with the `lexgraph` lexer's token classes."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter

    return highlight(source, LexgraphLexer(), HtmlFormatter(nowrap=False))


def style_css(selector: str = ".highlight") -> str:
    from pygments.formatters import HtmlFormatter

    return str(HtmlFormatter(style="default").get_style_defs(selector))
