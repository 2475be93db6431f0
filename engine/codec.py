"""Fact states: what an application says about each fact the law declares — one codec, three forms.

(One concern, over 400 lines: the contract's JSON, its Arrow columns and z3 read the same states.)

A fact is absent (unknown: `None`), none (`NONE`: it, or an object above it, is an explicit null —
'there is none', distinct from unknown) or has a value. A leaf that is null is absent; an object
that is null is none, and so is every fact under it. A documented procedural default
(`fact … default …`) fills an absent fact (never a none one). The decision date is the
application's own `decision_date` (`decision_day`); z3 fixes it to the analysis date, and says so
in one place (engine/symbolic.py `Symbolic.analysis_dates`).

- JSON: `read_application` (Python values; the reference interpreter and z3's `pin` read
  applications with it) and `application_reader_code` (the same reading emitted as straight-line
  code for the generated program); `fact_default` (the default rule).
- Arrow columns (the population files): `contract_columns`, `table_from_applications` /
  `applications_from_table`, and `FactBatch`, which reads the same three states per cell into
  numpy columns (`Val`: data, known, none); `fact_default_columns` (the default rule).
- z3: `fact_default_terms` (the default rule as a constraint on a fact's state variables), and
  `contract_field` (a fact's field in the contract: the checker's one reading of its JSON Schema,
  used here for z3 and the boxes; the columns read it in `contract_columns`).

Columnar layout: one column per contract field, nested fields flattened with dots
(`applicant.birth_date`); a null cell is an unknown fact; an object (applicant, employment, …) has
a boolean marker column of its own name — true: the object is there, false: an explicit null
('none'), null: absent. Arrays (`holds`) are list columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from . import model as m
from .check import Law
from .schema import contract_field, contract_schema
from .semantics import EPOCH, NONE

if TYPE_CHECKING:  # the Arrow side needs the `impact` extra; deciding never imports pyarrow
    import pyarrow as pa

__all__ = [
    "DECISION_DATE",
    "Column",
    "contract_field",
    "FactBatch",
    "READER_RUNTIME",
    "Val",
    "application_reader_code",
    "applications_from_table",
    "as_date_code",
    "arrow_schema",
    "as_date",
    "contract_columns",
    "decision_day",
    "fact_default",
    "fact_default_columns",
    "fact_default_terms",
    "read_application",
    "read_fact",
    "table_from_applications",
]

TRUE = np.bool_(True)
FALSE = np.bool_(False)
DECISION_DATE = "decision_date"
"""The fact every backend reads the decision date from: the application's own, never the clock."""


class BatchUnsupported(Exception):
    """A column the column evaluator cannot read (callers fall back to per-application)."""


def decision_day(application: Mapping[str, Any]) -> dt.date:
    """The day an application is decided on (the law in force on it): its `decision_date`."""
    day = as_date(application.get(DECISION_DATE))
    if day is None:
        raise ValueError(f"{DECISION_DATE}: not an ISO date: {application.get(DECISION_DATE)!r}")
    return day


def as_date(v: Any) -> dt.date | None:
    """An ISO date; anything else (an unparseable string included) is unknown."""
    try:
        return dt.date.fromisoformat(v) if isinstance(v, str) else None
    except ValueError:
        return None


def as_date_code(raw: str, target: str) -> list[str]:
    """`as_date` as generated statements: `target` = the ISO date the local `raw` holds, else None.
    (Reads the global `date_fromisoformat`, `READER_RUNTIME`.)"""
    return [
        "try:",
        f"    {target} = date_fromisoformat({raw}) if isinstance({raw}, str) else None",
        "except ValueError:",
        f"    {target} = None",
    ]


def _value(fact: m.FactDecl, raw: Any) -> Any:
    kind = fact.type.kind
    if kind == "object":
        return True if type(raw) is dict else None
    if kind == "date":
        return as_date(raw)
    if kind == "set":
        return frozenset(raw) if type(raw) is list else None
    return raw


def read_fact(law: Law, fact: m.FactDecl, application: Mapping[str, Any]) -> Any:
    """One fact's state in an application (before defaults)."""
    node: Any = application
    parts = fact.path.split(".")
    for depth, part in enumerate(parts):
        if type(node) is not dict or part not in node:
            return None
        node = node[part]
        if node is None:
            last = depth == len(parts) - 1
            return NONE if not last or fact.type.kind == "object" or _has_children(law, fact.path) else None
    return _value(fact, node)


def _has_children(law: Law, path: str) -> bool:
    return any(p.startswith(path + ".") for p in law.facts)


def fact_default(law: Law, fact: m.FactDecl, state: Any, states: Mapping[str, Any]) -> Any:
    """A fact's state after its documented default: an absent fact takes the default (a literal,
    or another fact's state)."""
    if state is not None or fact.default is None:
        return state
    d = fact.default
    if isinstance(d, m.Path):
        return states.get(d.dotted)
    assert isinstance(d, m.Lit)
    return d.value


def read_application(law: Law, application: Mapping[str, Any]) -> dict[str, Any]:
    """Every declared fact's state (defaults applied), by path."""
    raw = {path: read_fact(law, fact, application) for path, fact in law.facts.items()}
    return {path: fact_default(law, fact, raw[path], raw) for path, fact in law.facts.items()}


def application_reader_code(law: Law, names: dict[str, str], wanted: set[str] | None = None) -> list[str]:
    """`read_application` as generated code: the JSON `a` read into the facts' locals (`names`:
    "f:PATH" → local) — every fact, or the `wanted` paths only — each local bound on every path.
    Defaults are applied by the caller, after the facts are read. The code reads the globals
    `READER_RUNTIME` names."""
    tree: dict[str, Any] = {}
    for fact in law.facts.values():
        node = tree
        for part in fact.path.split("."):
            node = node.setdefault(part, {})
        node["."] = fact
    lines: list[str] = []
    counter = [0]

    def all_paths(node: dict[str, Any]) -> list[str]:
        out = [node["."].path] if "." in node else []
        for k, child in node.items():
            if k != ".":
                out += all_paths(child)
        return out

    def wants(path: str) -> bool:
        return wanted is None or path in wanted

    def emit(node: dict[str, Any], source: str, indent: str) -> None:
        children = sorted((k, v) for k, v in node.items() if k != "." and any(wants(p) for p in all_paths(v)))
        if len(children) > 2:  # the object's `get`, looked up once
            lines.append(f"{indent}{source}_get = {source}.get")
            get = f"{source}_get"
        else:
            get = f"{source}.get"
        for key, child in children:
            counter[0] += 1
            var = f"_j{counter[0]}"
            fact = child.get(".")
            if fact is None or len(child) > 1 or fact.type.kind == "object":  # an object
                under = " = ".join(names["f:" + p] for p in all_paths(child) if wants(p))
                lines.append(f"{indent}{var} = {get}({key!r}, ABSENT)")
                lines.append(f"{indent}if type({var}) is dict:")
                if fact is not None and wants(fact.path):
                    lines.append(f"{indent}    {names['f:' + fact.path]} = True")
                emit(child, var, indent + "    ")
                lines.append(f"{indent}elif {var} is None:")  # null: none, and every fact under it
                lines.append(f"{indent}    {under} = NONE")
                lines.append(f"{indent}else:")  # absent (or not an object): unknown
                lines.append(f"{indent}    {under} = None")
                continue
            # a leaf: absent and null are both unknown (None)
            local, read = names["f:" + fact.path], f"{get}({key!r})"
            kind = fact.type.kind
            if kind == "set":
                lines.append(f"{indent}{var} = {read}")
                lines.append(f"{indent}{local} = (frozenset({var}) if type({var}) is list else None)")
            elif kind == "date":
                lines.append(f"{indent}{var} = {read}")
                lines.extend(indent + line for line in as_date_code(var, local))
            else:
                lines.append(f"{indent}{local} = {read}")

    emit(tree, "a", "")
    return lines


_ABSENT = object()  # a key the application does not have
READER_RUNTIME: dict[str, Any] = {
    "ABSENT": _ABSENT,
    "NONE": NONE,
    "date_fromisoformat": dt.date.fromisoformat,
}
"""The globals `application_reader_code` reads."""


def fact_default_terms(fact: m.FactDecl, known: Any, none: Any) -> list[Any]:
    """`fact_default` as constraints on a fact's z3 state variables: a fact with a documented
    default is never unknown (unless an object above it is null). The value it takes is fixed by
    the caller's reading of the default (z3 pins what the default reads)."""
    import z3

    return [z3.Or(known, none)] if fact.default is not None else []


# ------------------------------------------------------------------ Arrow columns


@cache
@dataclass(frozen=True)
class Column:
    name: str  # dotted path
    kind: str  # string date number integer boolean list marker
    nullable_object: bool = False


def contract_columns() -> list[Column]:
    """The contract's fields as columns, in schema order (nested objects flattened with dots)."""
    out: list[Column] = []

    def walk(props: dict[str, Any], prefix: str) -> None:
        for key, node in props.items():
            name = prefix + key
            types = node.get("type")
            types = set(types) if isinstance(types, list) else {types} if types else set()
            if "object" in types and "properties" in node:
                # every object has a marker, so that {} (there, facts unknown), null and absent differ
                out.append(Column(name, "marker", "null" in types))
                walk(node["properties"], name + ".")
            elif "array" in types:
                out.append(Column(name, "list"))
            elif "boolean" in types:
                out.append(Column(name, "boolean"))
            elif "integer" in types:
                out.append(Column(name, "integer"))
            elif "number" in types:
                out.append(Column(name, "number"))
            elif node.get("format") == "date":
                out.append(Column(name, "date"))
            else:
                out.append(Column(name, "string"))

    walk(contract_schema()["properties"], "")
    return out


@cache
def _arrow_types() -> dict[str, pa.DataType]:
    import pyarrow as pa

    return {
        "string": pa.string(),
        "date": pa.date32(),
        "number": pa.float64(),
        "integer": pa.int64(),
        "boolean": pa.bool_(),
        "marker": pa.bool_(),
        "list": pa.list_(pa.string()),
    }


_MISSING = object()


def arrow_schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema([pa.field(c.name, _arrow_types()[c.kind]) for c in contract_columns()])


def _get(app: dict[str, Any], path: str) -> Any:
    node: Any = app
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _cell(col: Column, v: Any) -> Any:
    if v is _MISSING:
        return None
    if col.kind == "marker":
        return True if isinstance(v, dict) else (False if v is None else None)
    if v is None:
        return None
    if col.kind == "date":
        return as_date(v)  # an unparseable date is unknown, as the JSON reading has it
    if col.kind == "number":
        return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None
    if col.kind == "integer":
        return int(v) if isinstance(v, int) and not isinstance(v, bool) else None
    if col.kind == "boolean":
        return v if isinstance(v, bool) else None
    if col.kind == "list":
        return [str(x) for x in v] if isinstance(v, list) else None
    return v if isinstance(v, str) else None


def table_from_applications(apps: Sequence[dict[str, Any]]) -> pa.Table:
    """Applications (contract JSON) → the columnar layout. Lossless for valid applications."""
    cols = contract_columns()
    data = {c.name: [_cell(c, _get(a, c.name)) for a in apps] for c in cols}
    import pyarrow as pa

    return pa.table({c.name: pa.array(data[c.name], type=_arrow_types()[c.kind]) for c in cols})


def applications_from_table(table: pa.Table) -> list[dict[str, Any]]:
    """The columnar layout → applications (contract JSON), row by row."""
    cols = [c for c in contract_columns() if c.name in table.column_names]
    markers = {c.name for c in cols if c.kind == "marker"}
    rows = table.select([c.name for c in cols]).to_pylist()
    out = []
    for row in rows:
        app: dict[str, Any] = {}
        nulled: set[str] = set()
        for c in cols:
            v = row[c.name]
            parent = c.name.rsplit(".", 1)[0] if "." in c.name else ""
            if parent in nulled or any(c.name.startswith(p + ".") for p in nulled):
                continue
            if c.kind == "marker":
                if v is False:
                    _put(app, c.name, None)
                    nulled.add(c.name)
                elif v is True:
                    _put(app, c.name, {})
                continue
            if v is None:
                continue
            if (
                any(c.name.startswith(mk + ".") for mk in markers)
                and _get(app, c.name.rsplit(".", 1)[0]) is _MISSING
            ):
                continue  # a field under an object whose marker is unknown: the object is absent
            if c.kind == "date":
                v = v.isoformat()
            elif c.kind == "number" and float(v).is_integer():
                v = int(v)
            _put(app, c.name, v)
        out.append(app)
    return out


def _put(app: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = app
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


@dataclass
class Val:
    """A column of values: data where known and not none; `none` = the explicit null object."""

    kind: str  # num date str bool obj set pts
    data: Any
    known: Any
    none: Any = FALSE
    cats: tuple[str, ...] | None = None  # str columns: codes index into cats (constants: data is a str)
    hi: Any = None  # pts: data is the low end of the range, hi the high end
    members: dict[str, Any] | None = None  # set: document → held mask
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # e.g. (year, month, day)


def _days(d: dt.date) -> int:
    return (d - EPOCH).days


# --------------------------------------------------------------------------- facts


class FactBatch:
    """The facts of n applications, read from the columnar layout, as Vals per fact path."""

    def __init__(self, table: pa.Table):
        self.table = table
        self.n = table.num_rows
        self._names = frozenset(table.column_names)
        self._cache: dict[tuple[str, str], Val] = {}
        # derived facts and points ranges are pure functions of the facts: shared by every law
        # (and every variant of the columns that leaves their facts alone) run over this batch
        self.memo: dict[Any, Val] = {}
        self._anc: dict[tuple[str, str], tuple[Any, Any]] = {}

    def with_columns(self, table: pa.Table, changed: Iterable[str]) -> FactBatch:
        """The same rows with the `changed` columns replaced by those of `table`; facts already read
        from other columns are kept."""
        changed = set(changed)
        out = FactBatch(table)

        def touched(path: str) -> bool:
            return any(path == c or path.startswith(c + ".") or c.startswith(path + ".") for c in changed)

        out._cache = {k: v for k, v in self._cache.items() if not touched(k[0])}
        out.memo = {k: v for k, v in self.memo.items() if not any(touched(r) for r in k[1])}
        return out

    @classmethod
    def from_applications(cls, apps: Sequence[dict[str, Any]]) -> FactBatch:
        return cls(table_from_applications(apps))

    def decision_days(self) -> Any:
        """Each row's decision date (days since 1970-01-01): `decision_day`, over the column."""
        import pyarrow as pa

        col = self.column(DECISION_DATE)
        if col is None:
            raise BatchUnsupported(f"no {DECISION_DATE} column")
        if pa.types.is_date32(col.type):
            days = col.cast(pa.int32()).fill_null(-(10**6)).to_numpy(zero_copy_only=False)
        else:
            days = np.array([(_days(d) if (d := _parse_date(x)) else -(10**6)) for x in col.to_pylist()])
        if (days == -(10**6)).any():
            raise BatchUnsupported(f"a row without a valid {DECISION_DATE}")
        return days

    def column(self, name: str) -> pa.ChunkedArray | None:
        return self.table.column(name) if name in self._names else None

    def _ancestors(self, path: str) -> tuple[Any, Any]:
        """(absent, nulled): an enclosing nullable object is unknown / an explicit null."""
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        if ("anc", parent) in self._anc:
            return self._anc[("anc", parent)]
        import pyarrow as pa

        absent: Any = np.zeros(self.n, dtype=bool)
        nulled: Any = np.zeros(self.n, dtype=bool)
        parts = path.split(".")
        for i in range(1, len(parts)):
            marker = self.column(".".join(parts[:i]))
            if marker is None or not pa.types.is_boolean(marker.type):
                continue
            valid = _valid(marker)
            val = _bools(marker)
            nulled |= valid & ~val & ~absent
            absent |= ~valid & ~nulled
        # no row under an absent or null object: the masks are the constant false (no work later)
        self._anc[("anc", parent)] = (absent if absent.any() else FALSE, nulled if nulled.any() else FALSE)
        return self._anc[("anc", parent)]

    def fact(self, decl: m.FactDecl) -> Val:
        key = (decl.path, decl.type.kind)
        if key not in self._cache:
            self._cache[key] = self._read(decl)
        return self._cache[key]

    def _read(self, decl: m.FactDecl) -> Val:
        import pyarrow as pa
        import pyarrow.compute as pc

        kind = decl.type.kind
        n = self.n
        absent, nulled = self._ancestors(decl.path)
        col = self.column(decl.path)
        if kind == "object":
            if col is None:
                return Val("obj", TRUE, nulled, nulled)
            valid, val = _valid(col), _bools(col)
            none = (valid & ~val) | nulled
            return Val("obj", TRUE, ((valid & val) & ~absent) | none, none)
        if col is None:
            return Val(_KIND.get(kind, "num"), np.zeros(n), nulled, nulled)
        valid = _valid(col)
        if absent is not FALSE or nulled is not FALSE:
            valid = valid & ~(absent | nulled)
        known = valid | nulled if nulled is not FALSE else valid
        if kind == "set":
            members: dict[str, Any] = {}
            whole = col.combine_chunks()
            offsets = whole.offsets.to_numpy(zero_copy_only=False).astype("int64")
            flat = whole.values.slice(int(offsets[0]), int(offsets[-1] - offsets[0]))
            parents = np.repeat(np.arange(n), np.diff(offsets))  # null rows are masked by `valid`
            flat_np = np.asarray(flat.to_numpy(zero_copy_only=False), dtype=object)
            for doc in sorted(set(flat_np.tolist())):
                mask = np.zeros(n, dtype=bool)
                mask[parents[flat_np == doc]] = True
                members[doc] = mask & valid
            return Val("set", TRUE, known, nulled, members=members)
        if kind in ("enum", "text"):
            if not pa.types.is_string(col.type):
                return Val("str", np.zeros(n, dtype="int64"), nulled, nulled, cats=())
            enc = pc.dictionary_encode(col.combine_chunks())
            cats = tuple(enc.dictionary.to_pylist())
            codes = enc.indices.fill_null(0).to_numpy(zero_copy_only=False).astype("int64")
            return Val("str", codes, known, nulled, cats=cats)
        if kind == "date":
            if pa.types.is_date32(col.type):
                days = col.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False).astype("int64")
            else:  # ISO strings: an unparseable date is unknown, as the engine reads it
                parsed = [(_days(d) if (d := _parse_date(x)) else None) for x in col.to_pylist()]
                ok = np.array([p is not None for p in parsed], dtype=bool)
                days = np.array([p or 0 for p in parsed], dtype="int64")
                valid &= ok
                known = valid | nulled
            return Val("date", days, known, nulled)
        if kind == "bool":
            if not pa.types.is_boolean(col.type):
                return Val("bool", np.zeros(n, dtype=bool), nulled, nulled)
            return Val("bool", _bools(col) & valid, known, nulled)
        if not (pa.types.is_integer(col.type) or pa.types.is_floating(col.type)):
            return Val("num", np.zeros(n), nulled, nulled)
        # a null cell reads as NaN: where a fact is not known its data is never read as a value
        data = col.to_numpy(zero_copy_only=False)
        return Val("num", data if data.dtype == np.float64 else data.astype("float64"), known, nulled)


_KIND = {"bool": "bool", "date": "date", "enum": "str", "text": "str", "object": "obj", "set": "set"}


def _valid(col: pa.ChunkedArray) -> Any:
    if col.null_count == 0:
        return np.ones(len(col), dtype=bool)
    return np.asarray(col.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _bools(col: pa.ChunkedArray) -> Any:
    return np.asarray(col.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _parse_date(x: Any) -> dt.date | None:
    return x if isinstance(x, dt.date) else as_date(x)


def fact_default_columns(v: Val, default: m.Expr, other: Val | None) -> Val:
    """`fact_default` over columns: a documented procedural default fills the rows where the fact
    is absent (not null) — with a literal, or with another fact's column."""
    absent = ~v.known & ~v.none
    if other is not None:  # another fact's value (application_date ← decision_date)
        if v.kind == "str" or other.kind != v.kind:
            raise BatchUnsupported("a default read from another text fact")
        return Val(v.kind, np.where(absent, other.data, v.data), v.known | (absent & other.known), v.none)
    value = default.value  # type: ignore[attr-defined]
    if v.kind == "str":
        cats = tuple(v.cats or ())
        if value not in cats:
            cats += (value,)
        return Val("str", np.where(absent, cats.index(value), v.data), v.known | absent, v.none, cats=cats)
    data = _days(value) if isinstance(value, dt.date) else value
    return Val(v.kind, np.where(absent, data, v.data), v.known | absent, v.none)
