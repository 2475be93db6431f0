"""Stage 1 — parse: source text → Lark tree, or located syntax diagnostics."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from lark import Lark, Tree, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .diagnostics import Diagnostic, Span, excerpt_of


@lru_cache(maxsize=1)
def grammar() -> Lark:
    """The grammar, loaded once per process."""
    text = resources.files("lexgraph.grammar").joinpath("lexgraph.lark").read_text(encoding="utf-8")
    return Lark(text, parser="lalr", propagate_positions=True, maybe_placeholders=False)


# Friendly labels for common mistakes (Lark's match_examples). Lark compares parser states,
# whose stack depth differs for the first declaration of a file and the ones after it, so each
# example is given both ways.
_MISTAKES: dict[str, list[str]] = {
    "a `}` is missing before the end of the file": [
        "rule at art 1 { conclude eligible x ",
        'article 1 { paragraph 1 { text "a" ',
    ],
    "a rule statement must start with conclude, when, unless, overrides, replaces, source, note or gloss": [
        "rule x { foo }",
        "rule x { eligible x }",
    ],
    "the expression is incomplete": [
        f"rule x{cite} {{ {before}when {expr} }}"
        for expr in ("a >= ", "a and ", "not ", "a or ", "all of { a, ")
        for cite in ("", " at art 1")
        for before in ("", "conclude eligible p ")
    ],
    "a string is not closed": ['article 1 { text "abc }'],
}
_EXAMPLES = {
    label: [x for e in examples for x in (e, 'import "v.lex"\n' + e)] for label, examples in _MISTAKES.items()
}


def _label(error: UnexpectedInput, text: str) -> str | None:
    try:
        return error.match_examples(grammar().parse, _EXAMPLES, use_accepts=True)
    except Exception:  # match_examples re-parses examples; never let a label crash a report
        return None


# Deepest nesting of the parse tree that later stages (lowering, checking, compiling to Python)
# may recurse through; the corpus reaches 9. Deeper is a located error, never a RecursionError.
MAX_NESTING = 64
# Longest duration a source may write: applications' dates lie in 1800–2999 (the contract), so
# `date ± duration` stays within the calendar (years 1–9999) for any duration up to this.
MAX_DURATION_YEARS = 500
_PER_YEAR = {"days": 366, "months": 12, "years": 1}


def too_deep(tree: Tree[Any], path: str, text: str) -> Diagnostic | None:
    """The first node nested deeper than MAX_NESTING, or the first duration longer than
    MAX_DURATION_YEARS, as a located diagnostic (an iterative walk)."""
    stack: list[tuple[Tree[Any], int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        line = getattr(node.meta, "line", 1) or 1
        column = getattr(node.meta, "column", 1) or 1
        span = Span(path, line, column, line, column)
        if depth > MAX_NESTING:
            return Diagnostic(
                "nesting_too_deep",
                f"expressions nest more than {MAX_NESTING} levels deep here: "
                "split the condition into named derived facts",
                span,
                excerpt_of(text, line),
            )
        units = [c.data for c in node.children if isinstance(c, Tree) and c.data in _PER_YEAR]
        if (
            node.data == "number"
            and units
            and not isinstance(node.children[0], Tree)
            and abs(float(node.children[0])) > MAX_DURATION_YEARS * _PER_YEAR[str(units[0])]
        ):
            return Diagnostic(
                "duration_too_long",
                f"`{node.children[0]} {units[0]}` is longer than "
                f"{MAX_DURATION_YEARS} years: no date plus it is a calendar date",
                span,
                excerpt_of(text, line),
            )
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))
    return None


def parse(text: str, path: str) -> tuple[Tree[Any] | None, list[Diagnostic]]:
    """Parse one source file. Returns the tree, or None and one located syntax diagnostic."""
    try:
        tree = grammar().parse(text)
        deep = too_deep(tree, path, text)
        return (None, [deep]) if deep else (tree, [])
    except UnexpectedInput as error:
        line = max(getattr(error, "line", 1) or 1, 1)
        column = max(getattr(error, "column", 1) or 1, 1)
        if isinstance(error, UnexpectedEOF):
            lines = text.splitlines() or [""]
            line, column = len(lines), len(lines[-1]) + 1
        expected = sorted(getattr(error, "expected", None) or getattr(error, "allowed", None) or [])
        if isinstance(error, UnexpectedCharacters):
            pos = error.pos_in_stream or 0
            found = f"unexpected character `{text[pos]}`" if pos < len(text) else "unexpected end of input"
        elif isinstance(error, UnexpectedToken):
            found = f"unexpected `{error.token}`" if error.token.type != "$END" else "unexpected end of input"
        else:
            found = "unexpected end of input"
        label = _label(error, text)
        message = found
        if label:
            message += f" ({label})"
        if expected:
            shown = ", ".join(_pretty_terminal(t) for t in expected[:8])
            message += f"; expected one of: {shown}"
        span = Span(path, line, column, line, column)
        return None, [Diagnostic("syntax_error", message, span, excerpt_of(text, line))]


def _pretty_terminal(name: str) -> str:
    try:
        term = grammar().get_terminal(name)
        pattern = term.pattern
        if pattern.type == "str":
            return f"`{pattern.value}`"
    except KeyError:
        pass
    return name
