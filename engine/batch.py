"""Batch evaluation: a Plan run over columns (numpy), for populations.

The per-application path (engine/evaluate.py) runs generated Python once per applicant. Here the
same Plan (engine/plan.py) — the same rules in force, the same `order`, `condition_rules` and
`plans` — is run once per *column*: every condition is a pair of boolean masks (value, known), so
Kleene logic is a handful of vectorised `&`/`|` (`MASKS`, an instance of the algebra the
structural semantics in engine/semantics.py is written over); every fact is (data, known, none)
where `none` marks the explicit null object ('there is none', distinct from unknown). Applicant
by applicant, `BatchResult.outcomes` equals `Evaluator.evaluate(app, trace=False).o` —
tests/test_batch.py and tests/test_matrix.py check that property.

Columnar layout of applications (the population files): one column per contract field, nested
fields flattened with dots (`applicant.birth_date`); a null cell is an unknown fact; a nullable
object (applicant, employment, …) has a boolean marker column of its own name — true: the object
is there, false: an explicit null ('none' — employment, investment, family), null: absent. Arrays (`holds`) are list columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import model as m
from . import semantics as sem
from .check import Law, contract_schema, fact_paths, typing_of
from .plan import Plan

EPOCH = dt.date(1970, 1, 1)
TRUE = np.bool_(True)
FALSE = np.bool_(False)


class BatchUnsupported(Exception):
    """An expression form the column evaluator does not evaluate (callers fall back to per-application)."""


# --------------------------------------------------------------------------- columnar layout


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


_ARROW = {"string": pa.string(), "date": pa.date32(), "number": pa.float64(), "integer": pa.int64(),
          "boolean": pa.bool_(), "marker": pa.bool_(), "list": pa.list_(pa.string())}
_MISSING = object()


def arrow_schema() -> pa.Schema:
    return pa.schema([pa.field(c.name, _ARROW[c.kind]) for c in contract_columns()])


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
        try:
            return dt.date.fromisoformat(v) if isinstance(v, str) else None
        except ValueError:
            return None  # the engine reads an unparseable date as unknown, too
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
    return pa.table({c.name: pa.array(data[c.name], type=_ARROW[c.kind]) for c in cols})


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
            if any(c.name.startswith(mk + ".") for mk in markers) and _get(app, c.name.rsplit(".", 1)[0]) is _MISSING:
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


# --------------------------------------------------------------------------- values and masks


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


@dataclass
class Tri:
    """A three-valued condition column: `v` True where true (never where unknown), `k` known."""

    v: Any
    k: Any


UNKNOWN_TRI = Tri(FALSE, FALSE)
UNKNOWN_VAL = Val("num", 0.0, FALSE)


def t_and(parts: Iterable[Tri]) -> Tri:
    t: Any = TRUE
    f: Any = FALSE
    for p in parts:
        t = t & p.v
        f = f | (p.k & ~p.v)
    return Tri(t & ~f, t | f)


def t_or(parts: Iterable[Tri]) -> Tri:
    t: Any = FALSE
    f: Any = TRUE
    for p in parts:
        t = t | p.v
        f = f & (p.k & ~p.v)
    return Tri(t, t | f)


def t_not(p: Tri) -> Tri:
    return Tri(p.k & ~p.v, p.k)


class ColumnNumbers:
    """Points arithmetic over columns (`semantics.Numbers`): float64 arrays and boolean masks."""

    def surely(self, holds: Tri) -> Any:
        return holds.v

    def maybe(self, holds: Tri) -> Any:
        return ~holds.k | holds.v

    def number(self, value: Val) -> tuple[Any, Any]:
        if value.kind not in ("num", "bool"):
            return FALSE, np.float64(0.0)
        return value.known & ~value.none, np.asarray(value.data, dtype="float64")

    def num(self, c: float) -> Any:
        return np.float64(c)

    def both(self, a: Any, b: Any) -> Any:
        return a & b

    def select(self, c: Any, a: Any, b: Any) -> Any:
        return np.where(c, a, b)

    def maximum(self, a: Any, b: Any) -> Any:
        return np.maximum(a, b)

    def minimum(self, a: Any, b: Any) -> Any:
        return np.minimum(a, b)

    def add(self, a: Any, b: Any) -> Any:
        return a + b


COLUMNS = ColumnNumbers()
MASKS: sem.KleeneOf[Tri] = sem.KleeneOf(
    lambda value: Tri(np.bool_(value is True), np.bool_(value is not None)), t_and, t_or, t_not)


def _days(d: dt.date) -> int:
    return (d - EPOCH).days


def _const(value: object) -> Val:
    if value is None:
        return Val("num", 0.0, FALSE)
    if isinstance(value, bool):
        return Val("bool", np.bool_(value), TRUE)
    if isinstance(value, int | float):
        return Val("num", float(value), TRUE)
    if isinstance(value, dt.date):
        return Val("date", np.int64(_days(value)), TRUE)
    if isinstance(value, str):
        return Val("str", value, TRUE)
    raise BatchUnsupported(f"constant {value!r}")


def _ymd(days: Any) -> tuple[Any, Any, Any]:
    d = np.asarray(days, dtype="int64").astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    year = d.astype("datetime64[Y]").astype("int64") + 1970
    month = months.astype("int64") % 12 + 1
    day = (d - months).astype("int64") + 1
    return year, month, day


def _memo_ymd(v: Val) -> tuple[Any, Any, Any]:
    if "ymd" not in v.memo:
        v.memo["ymd"] = _ymd(v.data)
    ymd: tuple[Any, Any, Any] = v.memo["ymd"]
    return ymd


def _str_ranks(a: Val, b: Val) -> tuple[Any, Any]:
    """Two string columns (or constants) as integer ranks in one sorted union: compare as numbers."""
    union = sorted(set(a.cats or ()) | set(b.cats or ()) | {x.data for x in (a, b) if x.cats is None and isinstance(x.data, str)})
    index = {s: i for i, s in enumerate(union)}

    def ranks(x: Val) -> Any:
        if x.cats is None:
            return np.int64(index.get(x.data, -1)) if isinstance(x.data, str) else np.int64(-1)
        table = np.array([index[s] for s in x.cats] + [-1], dtype="int64")
        return table[x.data]

    return ranks(a), ranks(b)


_OPS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less, "==": np.equal, "!=": np.not_equal}


# --------------------------------------------------------------------------- facts


class FactBatch:
    """The facts of n applications, read from the columnar layout, as Vals per fact path."""

    def __init__(self, table: pa.Table):
        self.table = table
        self.n = table.num_rows
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

    def column(self, name: str) -> pa.ChunkedArray | None:
        return self.table.column(name) if name in self.table.column_names else None

    def _ancestors(self, path: str) -> tuple[Any, Any]:
        """(absent, nulled): an enclosing nullable object is unknown / an explicit null."""
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        if ("anc", parent) in self._anc:
            return self._anc[("anc", parent)]
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
        self._anc[("anc", parent)] = (absent, nulled)
        return absent, nulled

    def fact(self, decl: m.FactDecl) -> Val:
        key = (decl.path, decl.type.kind)
        if key not in self._cache:
            self._cache[key] = self._read(decl)
        return self._cache[key]

    def _read(self, decl: m.FactDecl) -> Val:
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
        valid = _valid(col) & ~absent & ~nulled
        known = valid | nulled
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
        return Val("num", col.cast(pa.float64()).fill_null(0).to_numpy(zero_copy_only=False), known, nulled)


_KIND = {"bool": "bool", "date": "date", "enum": "str", "text": "str", "object": "obj", "set": "set"}


def _valid(col: pa.ChunkedArray) -> Any:
    return np.asarray(col.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _bools(col: pa.ChunkedArray) -> Any:
    return np.asarray(col.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _parse_date(x: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(x) if isinstance(x, str) else x if isinstance(x, dt.date) else None
    except ValueError:
        return None


# --------------------------------------------------------------------------- evaluation


@dataclass
class BatchResult:
    """Every rule's applicability, each permit's outcome and every rule's standing, per row."""

    plan: Plan
    n: int
    outcomes: dict[str, Tri]
    conditions: dict[str, Tri]
    applies: dict[str, Tri]  # rule id → applies
    stands: dict[str, dict[str, Tri]]  # permit → rule id → stands (grants and restricts)
    points: dict[str, tuple[Any, Any]]  # table → (lo, hi)

    @property
    def program(self) -> Plan:
        """The plan run (its `law` is the law decided by)."""
        return self.plan

    def outcome_codes(self, permit: str) -> Any:
        """int8 per row: 1 eligible, 0 ineligible, -1 undetermined."""
        t = self.outcomes[permit]
        return _full(np.where(t.k, np.where(t.v, 1, 0), -1).astype("int8"), self.n)

    def outcome_values(self, row: int) -> dict[str, bool | None]:
        return {p: _tri_at(t, row) for p, t in self.outcomes.items()}


def _full(x: Any, n: int) -> Any:
    return np.broadcast_to(np.asarray(x), (n,)).copy() if np.ndim(x) == 0 else x


def _tri_at(t: Tri, row: int) -> bool | None:
    k = t.k if np.ndim(t.k) == 0 else t.k[row]
    v = t.v if np.ndim(t.v) == 0 else t.v[row]
    return bool(v) if k else None


class _Facts(dict[str, Val]):
    """Facts read from the columns on first use (a program reads a fraction of the vocabulary)."""

    def __init__(self, batch: FactBatch, law: Law, rows: Any = None):
        super().__init__()
        self.batch, self.law, self.rows = batch, law, rows

    def __missing__(self, path: str) -> Val:
        decl = self.law.facts.get(path)
        if decl is None:
            return UNKNOWN_VAL
        v = self.batch.fact(decl)
        v = _take(v, self.rows) if self.rows is not None else v
        if decl.default is not None:
            v = _with_default(v, decl.default, self[decl.default.dotted] if isinstance(decl.default, m.Path) else None)
        self[path] = v
        return v

    def get(self, path: str, default: Any = None) -> Any:
        return self[path] if path in self or path in self.law.facts else default


def _with_default(v: Val, default: m.Expr, other: Val | None) -> Val:
    """A documented procedural default fills the rows where the fact is absent (not null)."""
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


@dataclass
class _Env:
    facts: dict[str, Val]
    o: dict[str, Tri]
    c: dict[str, Tri]
    pt: dict[str, Val] = field(default_factory=dict)


class BatchProgram:
    """One Plan, evaluated over columns."""

    def __init__(self, plan: Plan):
        self.plan = self.program = plan
        law: Law = plan.law
        self.law = law
        self.typing = typing_of(law)
        self.type_of = self.typing.type  # the checker's record, never inferred again
        self.derived = plan.derived

    # ---- values
    def value(self, e: m.Expr, env: _Env) -> Val:
        if isinstance(e, m.Lit):
            return _const(e.value)
        if isinstance(e, m.Path):
            if e.parts[0] == "params" and len(e.parts) == 2:
                return _const(self.law.parameter_values[e.parts[1]])
            return env.facts.get(e.dotted, UNKNOWN_VAL)
        if isinstance(e, m.Arith):
            return self._arith(e, env)
        if isinstance(e, m.Call):
            if e.name == "points":
                return env.pt.get(e.args[0].dotted, UNKNOWN_VAL)  # type: ignore[attr-defined]
            if e.name == "years_between":
                return self._years_between(self.value(e.args[0], env), self.value(e.args[1], env))
            if e.name in ("min", "max", "floor"):
                args = [_numeric(self.value(a, env)) for a in e.args]
                known = _all(a.known for a in args)
                none = known & _any(a.none for a in args)
                if e.name == "floor":
                    data = np.floor(args[0].data)
                else:
                    fn = np.minimum if e.name == "min" else np.maximum
                    data = args[0].data
                    for a in args[1:]:
                        data = fn(data, a.data)
                return Val("num", data, known, none)
        t = self.cond(e, env)
        return Val("bool", t.v, t.k)

    def _arith(self, e: m.Arith, env: _Env) -> Val:
        lt, rt = self.type_of(e.left), self.type_of(e.right)
        if self.typing.operator(e).startswith("date_add_"):
            assert isinstance(e.right, m.Lit)
            return self._date_add(self.value(e.left, env), e.right.value, e.right.unit, 1 if e.op == "+" else -1)
        a, b = self.value(e.left, env), self.value(e.right, env)
        if getattr(lt, "kind", None) == "points":
            a = _point_value(a)
        if getattr(rt, "kind", None) == "points":
            b = _point_value(b)
        a, b = _numeric(a), _numeric(b)
        known = a.known & b.known
        none = known & (a.none | b.none)
        if e.op == "+":
            data = a.data + b.data
        elif e.op == "-":
            data = a.data - b.data
        elif e.op == "*":
            data = a.data * b.data
        else:  # `a / b if b else None`: division by zero is unknown
            zero = b.data == 0
            known = known & (none | ~zero)
            with np.errstate(divide="ignore", invalid="ignore"):
                data = np.where(zero, 0.0, a.data / np.where(zero, 1.0, b.data))
        return Val("num", data, known, none)

    def _date_add(self, d: Val, n: Any, unit: str, sign: int) -> Val:
        if d.kind != "date":
            raise BatchUnsupported("date arithmetic on a non-date")
        k = int(n) * sign
        if unit == "days":
            return Val("date", d.data + k, d.known, d.none)
        # the calendar's rule, `semantics.add_months_clamped`, once per distinct date of the column
        months = k if unit == "months" else 12 * k
        days = np.asarray(d.data, dtype="int64")
        distinct, where = np.unique(days, return_inverse=True)
        shifted = np.array([_days(sem.add_months_clamped(EPOCH + dt.timedelta(days=int(x)), months)) for x in distinct],
                           dtype="int64")
        return Val("date", shifted[where].reshape(np.shape(days)), d.known, d.none)

    def _years_between(self, a: Val, b: Val) -> Val:
        known = a.known & b.known
        none = known & (a.none | b.none)
        if a.kind != "date" or b.kind != "date":
            return Val("num", 0.0, known & none, none)
        ya, ma, da = _memo_ymd(a)
        yb, mb, db = _memo_ymd(b)
        before = (mb < ma) | ((mb == ma) & (db < da))
        return Val("num", (yb - ya - before).astype("float64"), known, none)

    # ---- conditions
    def cond(self, e: m.Expr, env: _Env) -> Tri:
        if isinstance(e, m.And):
            return t_and(self.cond(x, env) for x in e.operands)
        if isinstance(e, m.Or):
            return t_or(self.cond(x, env) for x in e.operands)
        if isinstance(e, m.Not):
            return t_not(self.cond(e.operand, env))
        if isinstance(e, m.Compare):
            return self.compare(e, env)
        if isinstance(e, m.Member):
            t = self.value(e.operand, env)
            values = [v.value for v in e.values]
            if t.kind == "str":
                if t.cats is None:
                    hit: Any = np.bool_(t.data in values)
                else:
                    codes = [i for i, s in enumerate(t.cats) if s in values]
                    hit = np.isin(t.data, codes)
            else:
                nums = [float(v) for v in values if isinstance(v, int | float)]
                hit = np.isin(t.data, nums)
            return Tri(t.known & ~t.none & hit, t.known)
        if isinstance(e, m.Call):
            return self.call_cond(e, env)
        if isinstance(e, m.Path):
            t = self.value(e, env)
            if t.kind == "obj" or self._is_object(e):
                return Tri(t.known & ~t.none, t.known)
            return Tri(t.known & ~t.none & _truthy(t), t.known)
        if isinstance(e, m.Lit):
            return Tri(np.bool_(bool(e.value)), TRUE)
        raise BatchUnsupported(type(e).__name__)

    def _is_object(self, e: m.Path) -> bool:
        decl = self.law.facts.get(e.dotted)
        return decl is not None and decl.type.kind == "object"

    def call_cond(self, e: m.Call, env: _Env) -> Tri:
        name = e.args[0].dotted if e.args and isinstance(e.args[0], m.Path) else ""
        if e.name == "eligible":
            return env.o.get(name, UNKNOWN_TRI)
        if e.name == "ineligible":
            return sem.ineligible(MASKS, env.o.get(name, UNKNOWN_TRI))
        if e.name == "met":
            return env.c.get(name, UNKNOWN_TRI)
        if e.name == "not_at_hand":
            return sem.not_at_hand(MASKS)
        if e.name == "holds":
            h = env.facts.get("holds", UNKNOWN_VAL)
            has = (h.members or {}).get(name, FALSE) if h.kind == "set" else FALSE
            return Tri(h.known & ~h.none & has, h.known)
        raise BatchUnsupported(e.name)

    def compare(self, e: m.Compare, env: _Env) -> Tri:
        op = self.typing.operator(e)
        lt, rt = self.type_of(e.left), self.type_of(e.right)
        if op == "compare_points_range":
            return _points_compare(self.value(e.left, env), e.op, self.value(e.right, env))
        if op in ("is_none", "is_not_none"):
            side = e.left if getattr(lt, "kind", None) == "object" else e.right
            t = self.value(side, env)
            is_none = t.none if op == "is_none" else ~t.none
            return Tri(t.known & is_none, t.known)
        left, right = self.value(e.left, env), self.value(e.right, env)
        if op == "compare_enum_rank":
            enum = lt if getattr(lt, "kind", None) == "enum" else rt
            assert enum is not None
            left = _enum_rank(left, e.left, enum)
            right = _enum_rank(right, e.right, enum)
        known = left.known & right.known
        ok = ~(left.none | right.none)
        a, b = left.data, right.data
        if left.kind == "str" or right.kind == "str":
            if left.kind != right.kind:
                raise BatchUnsupported("string compared with a non-string")
            a, b = _str_ranks(left, right)
        elif left.kind == "bool" or right.kind == "bool":
            a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
        return Tri(known & ok & _OPS[e.op](a, b), known)

    # ---- points
    def points(self, table: m.PointsTable, env: _Env) -> Val:
        """`semantics.points_range_over` columns."""
        lo, hi, _ = sem.points_range_over(COLUMNS, [
            (factor.cap, [(self.cond(b.when, env), self.value(b.value, env)) for b in factor.bands]) for factor in table.factors])
        return Val("pts", lo, TRUE, FALSE, hi=hi)

    # ---- the program
    def run(self, batch: FactBatch, rows: Any = None, forced: dict[str, Any] | None = None) -> BatchResult:
        """Evaluate every row of `batch` (or the rows selected by the index array `rows`).

        `forced` (permit → mask over the batch's rows) refuses a permit where set, as soon as it is
        settled, so that what depends on it follows — population-level limits (quotas) use this."""
        p = self.plan
        law = self.law
        facts = _Facts(batch, law, rows)
        n = batch.n if rows is None else len(rows)
        env = _Env(facts, {x: UNKNOWN_TRI for x in law.permits}, {x: UNKNOWN_TRI for x in law.conditions})
        for d in law.derived:
            facts[d.name] = self._memo(batch, rows, ("derived", d), lambda d=d: self.value(d.expr, env))
        for table in law.points.values():
            env.pt[table.name] = self._memo(batch, rows, ("points", table), lambda t=table: self.points(t, env))
        applies: dict[int, Tri] = {}
        stands: dict[str, dict[str, Tri]] = {}
        steps, last = p.schedule
        for kind, name, indices, new in steps:
            for i in new:
                applies[i] = self.rule(i, env)
            if kind == "condition":
                env.c[name] = sem.condition_met(MASKS, [applies[i] for i in indices])
            else:
                plan = p.plans[name]
                s = {i: sem.stands(MASKS, applies[i], [applies[j] for j, _ in plan.beaten_by.get(i, ())])
                     for i in plan.contenders}
                outcome = sem.permit_outcome(MASKS, [s[i] for i in plan.grants], [s[i] for i in plan.restricts])
                if forced and name in forced:  # a population-level limit refuses where set
                    mask = forced[name] if rows is None else forced[name][rows]
                    outcome = Tri(outcome.v & ~mask, outcome.k | mask)
                env.o[name] = outcome
                stands[name] = {p.rules[i].rule.id: s[i] for i in plan.contenders}
        for i in last:
            applies[i] = self.rule(i, env)
        return BatchResult(
            p, n, env.o, env.c, {p.rules[i].rule.id: t for i, t in sorted(applies.items())}, stands,
            {name: (v.data, v.hi) for name, v in env.pt.items()})

    def _memo(self, batch: FactBatch, rows: Any, what: tuple[str, Any], compute: Any) -> Val:
        if rows is not None:
            computed: Val = compute()
            return computed
        reads = self._reads(what)
        params = tuple((r, repr(self.law.parameter_values.get(r.split(".", 1)[1]))) for r in reads if r.startswith("params."))
        key = (what, reads, params)
        if key not in batch.memo:
            batch.memo[key] = compute()
        return batch.memo[key]

    def _reads(self, what: tuple[str, Any]) -> tuple[str, ...]:
        """The facts a derived fact or a points table reads, through derived facts."""
        kind, obj = what
        exprs = [obj.expr] if kind == "derived" else [x for f in obj.factors for b in f.bands for x in (b.when, b.value)]
        out: set[str] = set()
        todo = [p for e in exprs for p in fact_paths(e)]
        while todo:
            p = todo.pop()
            if p in out:
                continue
            out.add(p)
            if p in self.derived:
                todo += fact_paths(self.derived[p].expr)
        return tuple(sorted(out))

    def rule(self, i: int, env: _Env) -> Tri:
        cr = self.plan.rules[i]
        a = sem.rule_applies(MASKS, [self.cond(x, env) for x in cr.conditions], [self.cond(u, env) for u in cr.rule.unless])
        if cr.demands is not None:
            a = sem.requirement(MASKS, a, self.cond(cr.demands, env))
        return a


def _take(v: Val, rows: Any) -> Val:
    def t(x: Any) -> Any:
        return x[rows] if np.ndim(x) else x

    return Val(v.kind, t(v.data), t(v.known), t(v.none), v.cats, t(v.hi) if v.hi is not None else None,
               {k: t(x) for k, x in v.members.items()} if v.members is not None else None)


def _all(xs: Iterable[Any]) -> Any:
    out: Any = TRUE
    for x in xs:
        out = out & x
    return out


def _any(xs: Iterable[Any]) -> Any:
    out: Any = FALSE
    for x in xs:
        out = out | x
    return out


def _truthy(t: Val) -> Any:
    if t.kind == "bool":
        return t.data
    if t.kind == "num":
        return t.data != 0
    raise BatchUnsupported(f"a {t.kind} used as a condition")


def _numeric(v: Val) -> Val:
    if v.kind in ("num", "bool"):
        return Val("num", np.asarray(v.data, dtype="float64") if np.ndim(v.data) else float(v.data), v.known, v.none)
    if v.kind == "date":
        raise BatchUnsupported("arithmetic on dates beyond `date ± duration`")
    raise BatchUnsupported(f"arithmetic on {v.kind}")


def _point_value(v: Val) -> Val:
    """A points range as a number: known only when the range is a single value."""
    if v.kind != "pts":
        return v
    exact = v.data == v.hi
    return Val("num", v.data, v.known & exact, FALSE)


def _enum_rank(v: Val, e: m.Expr, enum: m.FactType) -> Val:
    ranks = sem.enum_ranks(enum.members)
    if isinstance(e, m.Lit):
        return Val("num", float(enum.members.index(str(e.value))), TRUE)
    if not isinstance(e, m.Path):
        return v
    # `semantics.enum_ranks`: none stays none (the comparison is false), a string outside the enum is unknown
    if v.kind != "str" or (v.cats is None and not isinstance(v.data, str)):
        return Val("num", 0.0, v.none, v.none)
    if v.cats is None:
        r = ranks.get(v.data)
        return Val("num", float(r if r is not None else 0), np.bool_(r is not None and bool(v.known)))
    table = np.array([ranks.get(s, -1) for s in v.cats] + [-1], dtype="float64")
    rank = table[v.data] if len(v.cats) else np.full(np.shape(v.data), -1.0)
    return Val("num", rank, (v.known & ~v.none & (rank >= 0)) | v.none, v.none)


def _points_compare(a: Val, op: str, b: Val) -> Tri:
    lo_a, hi_a = (a.data, a.hi) if a.kind == "pts" else (a.data, a.data)
    lo_b, hi_b = (b.data, b.hi) if b.kind == "pts" else (b.data, b.data)
    known = a.known & b.known & ~a.none & ~b.none
    f = _OPS[op]
    c1, c2, c3, c4 = f(lo_a, hi_b), f(hi_a, lo_b), f(lo_a, lo_b), f(hi_a, hi_b)
    agree = (c1 == c2) & (c2 == c3) & (c3 == c4)
    if op in ("==", "!="):
        exact = (lo_a == hi_a) & (lo_b == hi_b)
        overlap = np.maximum(lo_a, lo_b) <= np.minimum(hi_a, hi_b)
        # compile.points_compare: ranges that meet leave it unknown; apart, `==` is false and `!=` true
        inexact_known = ~overlap
        inexact_value = np.bool_(op == "!=")
        k = np.where(exact, agree, inexact_known)
        v = np.where(exact, c1, inexact_value)
        return Tri(known & k & v, known & k)
    return Tri(known & agree & c1, known & agree)


# --------------------------------------------------------------------------- the public entry point


class BatchEvaluator:
    """Decide many applications at once: rows grouped by the Plan their date selects."""

    def __init__(self, evaluator: Any):
        self.evaluator = evaluator
        self._programs: dict[int, BatchProgram] = {}

    def batch_program(self, day: dt.date) -> BatchProgram:
        plan = self.evaluator.plan(day)
        key = id(plan)
        if key not in self._programs:
            self._programs[key] = BatchProgram(plan)
        return self._programs[key]

    def run(self, batch: FactBatch, as_of: dt.date | None = None,
            forced: dict[str, Any] | None = None) -> list[tuple[Any, BatchResult]]:
        """[(row indices, result)] — one group per Plan (the law in force on each row's date)."""
        if as_of is not None:
            return [(np.arange(batch.n), self.batch_program(as_of).run(batch, None, forced))]
        col = batch.column("decision_date")
        if col is None:
            raise BatchUnsupported("no decision_date column")
        if pa.types.is_date32(col.type):
            days = col.cast(pa.int32()).fill_null(-10**6).to_numpy(zero_copy_only=False)
        else:
            days = np.array([(_days(d) if (d := _parse_date(x)) else -10**6) for x in col.to_pylist()])
        if (days == -10**6).any():
            raise BatchUnsupported("a row without a valid decision_date")
        groups: dict[int, list[Any]] = {}
        for day in np.unique(days):
            bp = self.batch_program(EPOCH + dt.timedelta(days=int(day)))
            groups.setdefault(id(bp.plan), []).append(day)
        out = []
        for key, group_days in sorted(groups.items(), key=lambda kv: min(kv[1])):
            rows = np.nonzero(np.isin(days, group_days))[0]
            bp = self._programs[key]
            out.append((rows, bp.run(batch, None, forced) if len(rows) == batch.n else bp.run(batch, rows, forced)))
        return out

    def outcome_codes(self, batch: FactBatch, as_of: dt.date | None = None) -> dict[str, Any]:
        """permit → int8 per row (1 eligible, 0 ineligible, -1 undetermined)."""
        out = {p: np.full(batch.n, -1, dtype="int8") for p in sorted(self.evaluator.law.permits)}
        for rows, result in self.run(batch, as_of):
            for p in out:
                out[p][rows] = result.outcome_codes(p)
        return out
