"""One definition of the law's semantics, run over three value algebras (and emitted as code).

(One concern, over 400 lines: every operator's definition sits with its code template, numpy and z3 forms.)

Truth is three-valued (Kleene): true, false, unknown. The structural semantics of the language —
when a rule applies (its conditions and exceptions), what a requirement demands, when a rule
stands (no rule that prevails over it applies), a permit's outcome (a grant stands and no
restriction does) and a named condition (one of its rules applies) — is written here once, over
the `Kleene` interface. Each backend supplies an instance of that interface:

- `PY`: Python scalars, `True` / `False` / `None` — the reference (engine/reference.py, proofs);
- `MASKS` (engine/batch.py): pairs of numpy masks (value, known) — populations;
- `TERMS` (engine/symbolic.py): pairs of z3 formulas (definitely true, definitely false);
- `CodeKleene`: Python statements — the code generator emits each definition as straight-line
  code over local variables (the template of each construct is the definition run over strings).

The operators on values (comparisons, ordered enums, none tests, membership, a fact as a condition,
`holds`, arithmetic and division, min / max / floor, `years_between`, date ± days / months, points
ranges and comparisons with a points range) are defined here once as scalar functions; the
reference interpreter and the generated code call them; beside each definition sit its code template (`*_code`: what the
code generator emits, engine/compile.py), its numpy form (`*_columns`, over `ColumnValue`s) and its
z3 form (`*_terms`, over `TermValue`s). Every form takes its operands' states (unknown, none, value)
and lifts them as the scalar definition does — one lifting per algebra (`states_columns`,
`states_terms`, `compared_terms`); the backends only walk the typed expressions and hold the
representations. `OPERATORS` lists each operator's four forms (`Forms`). z3 is imported by the z3
forms only (a decision never loads the solver).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import numpy as np

T = TypeVar("T")
Tri = bool | None


class Kleene(Protocol[T]):
    """Three-valued logic over some representation T of a truth value."""

    def const(self, value: Tri) -> T: ...

    def and_(self, parts: Sequence[T]) -> T: ...

    def or_(self, parts: Sequence[T]) -> T: ...

    def not_(self, part: T) -> T: ...


# ------------------------------------------------------------------ the structural semantics


def rule_applies(k: Kleene[T], conditions: Sequence[T], exceptions: Sequence[T]) -> T:
    """A rule applies when every condition holds and no exception does."""
    return k.and_([*conditions, *(k.not_(u) for u in exceptions)])


def requirement(k: Kleene[T], applies: T, demanded: T) -> T:
    """A requirement (or `requires that`) stands against a permit where it binds and what it demands
    does not hold: it binds, unmet (unknown where either is unknown; false where met or not binding)."""
    return k.and_([applies, k.not_(demanded)])


def stands(k: Kleene[T], applies: T, prevailing: Sequence[T]) -> T:
    """A rule stands when it applies and no rule that prevails over it applies."""
    return k.and_([applies, k.not_(k.or_(prevailing))]) if prevailing else applies


def permit_outcome(k: Kleene[T], grants: Sequence[T], restrictions: Sequence[T]) -> T:
    """Eligible when a grant stands and no restriction (contrary norm, requirement, refusal ground)
    does; ineligible when a restriction stands or no grant can; otherwise undetermined."""
    return k.and_([k.or_(grants), k.not_(k.or_(restrictions))])


def condition_met(k: Kleene[T], rules: Sequence[T]) -> T:
    """A named condition is met when one of the rules concluding it applies."""
    return k.or_(rules)


def run_plan(
    k: Kleene[T],
    plan: Any,
    rule: Callable[[int], T],
    condition: Callable[[str, T], None],
    outcome: Callable[[str, T, dict[int, T]], None],
) -> dict[int, T]:
    """The plan (engine/plan.py) run once in algebra `k`, in its schedule: each rule's applicability
    (`rule(i)`, once, when first needed), each named condition handed to `condition` and each
    permit's outcome, with its contenders' standing, to `outcome` — which store them where the
    backend's rules read them next (a caller may refuse more there: a quota)."""
    applies: dict[int, T] = {}
    steps, last = plan.schedule
    for kind, name, indices, new in steps:
        for i in new:
            applies[i] = rule(i)
        if kind == "condition":
            condition(name, condition_met(k, [applies[i] for i in indices]))
        else:
            contest = plan.plans[name]
            standing = {
                i: stands(k, applies[i], [applies[j] for j, _ in contest.beaten_by.get(i, ())])
                for i in contest.contenders
            }
            grants, restrictions = contest.grants, contest.restricts
            outcome(
                name,
                permit_outcome(k, [standing[i] for i in grants], [standing[i] for i in restrictions]),
                standing,
            )
    for i in last:
        applies[i] = rule(i)
    return applies


def ineligible(k: Kleene[T], outcome: T) -> T:
    """`ineligible(P)`: the permit's outcome is ineligible (unknown while it is undetermined)."""
    return k.not_(outcome)


def ineligible_code(outcome: tuple[str, str]) -> str:
    """`ineligible` in generated code over a permit's outcome (first read, read again)."""
    first, again = outcome
    return f"(None if {first} is None else not {again})"


def not_at_hand(k: Kleene[T]) -> T:
    """`not_at_hand("…")`: a standard the law delegates to a text not at hand — always unknown."""
    return k.const(None)


# ------------------------------------------------------------------ instances


class PyKleene:
    """Python scalars: True, False, None (unknown)."""

    def const(self, value: Tri) -> Tri:
        return value

    def and_(self, parts: Sequence[Tri]) -> Tri:
        return self._fold(parts, False)

    def or_(self, parts: Sequence[Tri]) -> Tri:
        return self._fold(parts, True)

    @staticmethod
    def _fold(parts: Sequence[Tri], stop: bool) -> Tri:
        """The first `stop` value decides; otherwise unknown if any part is, else `not stop`."""
        out: Tri = not stop
        for v in parts:
            if v is stop:
                return stop
            if v is None:
                out = None
        return out

    def not_(self, part: Tri) -> Tri:
        return None if part is None else not part


PY = PyKleene()


@dataclass(frozen=True)
class KleeneOf(Generic[T]):
    """An instance made of four functions (the numpy and z3 representations have theirs)."""

    const: Callable[[Tri], T]
    and_: Callable[[Sequence[T]], T]
    or_: Callable[[Sequence[T]], T]
    not_: Callable[[T], T]


class CodeKleene:
    """Python code: each operation appends a statement binding a fresh local and returns its name.

    Operands are local names (never expressions with effects), so every statement is a test of
    identities — the fastest form of Kleene logic CPython runs. `value` turns a result into an
    expression to assign."""

    def __init__(self, prefix: str = "_k") -> None:
        self.lines: list[str] = []
        self.prefix = prefix
        self._n = 0

    def _bind(self, code: str) -> str:
        self._n += 1
        name = f"{self.prefix}{self._n}"
        self.lines.append(f"{name} = {code}")
        return name

    def const(self, value: Tri) -> str:
        return repr(value)

    def and_(self, parts: Sequence[str]) -> str:
        return self._fold(parts, "False", "True")

    def or_(self, parts: Sequence[str]) -> str:
        return self._fold(parts, "True", "False")

    def not_(self, part: str) -> str:
        """A negation is folded into the test that reads it (`~x` stands for `not x` until then)."""
        if part in ("True", "False", "None"):
            return repr(PY.not_({"True": True, "False": False, "None": None}[part]))
        return part[1:] if part.startswith("~") else "~" + part

    def assign(self, target: str, part: str) -> list[str]:
        """The statements so far, then `target = part` (binding the last statement to `target`
        directly when it computes `part`)."""
        last = f"{part} = "
        if self.lines and self.lines[-1].startswith(last) and part.startswith(self.prefix):
            return [*self.lines[:-1], f"{target} = {self.lines[-1][len(last) :]}"]
        value = self.value(part)
        return [*self.lines, f"{target} = {value}"]

    def value(self, part: str) -> str:
        """A result as a Python expression (a negation is bound to a local of its own)."""
        return (
            self._bind(f"(None if {part[1:]} is None else not {part[1:]})") if part.startswith("~") else part
        )

    def _fold(self, parts: Sequence[str], stop: str, neutral: str) -> str:
        parts = [p for p in parts if p != neutral]
        if stop in parts:
            return stop
        if not parts:
            return neutral
        if len(parts) == 1:
            return parts[0]
        other = "True" if stop == "False" else "False"

        def stops(p: str) -> str:
            return f"{p[1:]} is {other}" if p.startswith("~") else f"{p} is {stop}"

        return self._bind(
            f"({stop} if ({' or '.join(stops(p) for p in parts)}) else "
            f"(None if ({' or '.join(p.lstrip('~') + ' is None' for p in parts)}) else {neutral}))"
        )

    @staticmethod
    def lazy(parts: Sequence[str], conjunction: bool, tmp: Callable[[], str]) -> str:
        """Kleene and / or as one short-circuiting expression over expressions (a condition's
        operands): stops at the first false (true) operand; unknown if any operand was unknown."""
        stop, final = ("False", "True") if conjunction else ("True", "False")
        names = [tmp() for _ in parts]
        tail = f"(None if None in ({', '.join(names)},) else {final})"
        for name, part in reversed(list(zip(names, parts, strict=True))):
            tail = f"({stop} if ({name} := {part}) is {stop} else {tail})"
        return tail

    @staticmethod
    def negate(part: str, tmp: Callable[[], str]) -> str:
        t = tmp()
        return f"(None if ({t} := {part}) is None else not {t})"


# ------------------------------------------------------------------ absent, null, value


class _NoneValue:
    """An explicit null object or a field under one: 'there is none' (distinct from unknown)."""

    _instance: _NoneValue | None = None

    def __new__(cls) -> _NoneValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NONE"

    def __bool__(self) -> bool:
        return False


NONE = _NoneValue()
"""A fact's state is unknown (None: absent), none (NONE: it or an object above it is null) or a value.
Every operator maps unknown to unknown before none, and none to none (a comparison with none is false)."""

TRUE_MASK, FALSE_MASK = np.True_, np.False_  # a mask that is the same in every row


class ColumnValue(Protocol):
    """A fact's states over columns (engine/codec.py `Val`): `data` where known and not none;
    `known` (not unknown — a none row is known); `none` (the explicit null); per kind `cats` (the
    strings text and enum codes index), `hi` (a points range: `data` is its low end), `members`
    (a set: document → held mask); `memo` (what is computed once per column)."""

    kind: str
    data: Any
    known: Any
    none: Any
    cats: tuple[str, ...] | None
    hi: Any
    members: dict[str, Any] | None
    memo: dict[str, Any]


class TermValue(Protocol):
    """A fact's states over z3 (engine/symbolic.py `SymVal`): `u` unknown, `n` none (each a formula),
    `v` the value's term (a points range: the pair (lo, hi))."""

    u: Any
    n: Any
    v: Any


def states_columns(*values: ColumnValue) -> tuple[Any, Any]:
    """How every operator lifts its operands' states, over columns: (known, none) — known where each
    operand is (unknown before none), none where known and an operand is none."""
    known, nones = _known_columns(values), _nones_columns(values)
    return known, (nones if nones is FALSE_MASK else known & nones)


def _known_columns(values: Sequence[ColumnValue]) -> Any:
    known: Any = TRUE_MASK
    for v in values:
        known = v.known if known is TRUE_MASK else (known if v.known is TRUE_MASK else known & v.known)
    return known


def _nones_columns(values: Sequence[ColumnValue]) -> Any:
    nones: Any = FALSE_MASK
    for v in values:
        nones = v.none if nones is FALSE_MASK else (nones if v.none is FALSE_MASK else nones | v.none)
    return nones


def _or_terms(parts: Sequence[Any]) -> Any:
    import z3

    return z3.BoolVal(False) if not parts else parts[0] if len(parts) == 1 else z3.Or(list(parts))


def _and_terms(parts: Sequence[Any]) -> Any:
    import z3

    return z3.BoolVal(True) if not parts else parts[0] if len(parts) == 1 else z3.And(list(parts))


def _states_terms(values: Sequence[TermValue]) -> tuple[Any, Any]:
    """The operands' unknown and none formulas, each a disjunction (constants — never unknown, never
    none — left out)."""
    import z3

    return (
        _or_terms([v.u for v in values if not z3.is_false(v.u)]),
        [v.n for v in values if not z3.is_false(v.n)],
    )


def states_terms(*values: TermValue) -> tuple[Any, Any]:
    """`states_columns` over z3: (unknown, none) of an operator's result."""
    import z3

    u, nones = _states_terms(values)
    if not nones:
        return u, z3.BoolVal(False)
    return u, (_or_terms(nones) if z3.is_false(u) else z3.And(z3.Not(u), _or_terms(nones)))


def compared_terms(holds: Any, *values: TermValue) -> tuple[Any, Any]:
    """A comparison's states over z3, (definitely true, definitely false): unknown if an operand is,
    false if an operand is none, else whether `holds`."""
    import z3

    u, nones = _states_terms(values)
    known = [] if z3.is_false(u) else [z3.Not(u)]
    return (
        _and_terms([*known, *(z3.Not(n) for n in nones), holds]),
        _and_terms([*known, _or_terms([*nones, z3.Not(holds)])]),
    )


# ------------------------------------------------------------------ operators on values


def years_between(a: Any, b: Any) -> Any:
    """Whole years from a to b: one turns N on the N-th birthday; 29 February counts from 1 March.
    (Lifted to fact states by hand: it runs once per decision for every age the law reads.)"""
    if a is None or b is None:
        return None
    if a is NONE or b is NONE:
        return NONE
    return b.year - a.year - ((b.month, b.day) < (a.month, a.day))


def years_between_code(a: str, b: str) -> str:
    """`years_between` in generated code (over operands' code)."""
    return f"years_between({a}, {b})"


def civil_columns(days: Any) -> Any:
    """Dates as days since 1970-01-01 (int) → the calendar date as one integer YYYYMMDD per cell
    (H. Hinnant's civil_from_days, in integer arithmetic over numpy arrays)."""
    data = np.asarray(days, dtype="int64")
    if data.size > 1 and data.min() == data.max():  # one date (a population decided on one day)
        return np.full(data.shape, civil_columns(data.flat[0]), dtype="int64")
    z = data + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year * 10000 + month * 100 + day


def years_between_columns(a: ColumnValue, b: ColumnValue) -> tuple[Any, Any, Any]:
    """`years_between` over columns of dates, (data, known, none): on the dates as YYYYMMDD integers
    (`civil_columns`, once per column), the difference of the years less one when (month, day) of b
    comes before a's — one floor division, since the month and day part never reaches 10000."""
    known, none = states_columns(a, b)
    if a.kind != "date" or b.kind != "date":  # a fact no column holds: unknown unless none
        return 0.0, none, none
    return np.floor_divide(np.subtract(_civil(b), _civil(a)), 10000), known, none


def _civil(v: ColumnValue) -> Any:
    if "civil" not in v.memo:
        v.memo["civil"] = civil_columns(v.data)
    return v.memo["civil"]


def years_cutoff(day: dt.date, years: int) -> int:
    """The latest date d (an ordinal) with years_between(d, day) >= years: `day` less that many
    calendar years (`add_months_clamped`: 29 February becomes the 28th). Out of range: the ends."""
    year = day.year - years
    if year < 1:
        return dt.date.min.toordinal() - 1
    if year > 9999:
        return dt.date.max.toordinal() + 1
    return add_months_clamped(day, -12 * years).toordinal()


def years_between_terms(a: TermValue, b: TermValue) -> tuple[Any, Any, tuple[Any, dt.date] | None]:
    """`years_between` over z3, (unknown, none, (a's ordinal, the date b)): the years are compared
    by `years_between_compare_terms`, which needs b fixed (the analysis date); None where it is not."""
    import z3

    u, n = states_terms(a, b)
    return u, n, ((a.v, dt.date.fromordinal(b.v.as_long())) if isinstance(b.v, z3.IntNumRef) else None)


def years_between_compare_terms(x: Any, day: dt.date, op: str, k: Any) -> Any:
    """`years_between(x, day) OP k` as linear constraints on x (a z3 ordinal) with `day` fixed."""
    import z3

    def at_least(n: int) -> Any:
        return x <= years_cutoff(day, n)

    if not isinstance(k, int):  # a Fraction
        if op in (">=", ">", "<", "<="):
            n = math.ceil(k) if op in (">=", "<") else math.floor(k) + 1
            return at_least(n) if op in (">=", ">") else z3.Not(at_least(n))
        if k.denominator != 1:
            return z3.BoolVal(op == "!=")
        k = int(k)
    if op == ">=":
        return at_least(k)
    if op == ">":
        return at_least(k + 1)
    if op == "<":
        return z3.Not(at_least(k))
    if op == "<=":
        return z3.Not(at_least(k + 1))
    eq = z3.And(at_least(k), z3.Not(at_least(k + 1)))
    return eq if op == "==" else z3.Not(eq)


def add_months_clamped(d: dt.date, months: int) -> dt.date:
    """d plus a number of calendar months, the day clamped to the end of a shorter month
    (31 January + 1 month = 28/29 February) — the rule `date ± N months` / `± N years` follows."""
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def date_add(d: Any, n: float, unit: str, sign: int) -> Any:
    """`date ± N days|months|years` (the duration a literal): days exactly; months and years by the
    calendar with end-of-month clamping (`add_months_clamped`)."""
    if d is None or d is NONE:
        return d
    k = int(n) * sign
    if unit == "days":
        return d + dt.timedelta(days=k)
    return add_months_clamped(d, k if unit == "months" else 12 * k)


def date_add_code(d: str, n: float, unit: str, sign: int) -> str:
    """`date_add` in generated code."""
    return f"date_add({d}, {n!r}, {unit!r}, {sign})"


EPOCH = dt.date(1970, 1, 1)


def date_add_columns(d: ColumnValue, n: float, unit: str, sign: int) -> tuple[Any, Any, Any] | None:
    """`date_add` over a column of days since 1970-01-01, (data, known, none): days exactly; months
    and years by `add_months_clamped`, once per distinct date of the column. None: not a date."""
    if d.kind != "date":
        return None
    k = int(n) * sign
    if unit == "days":
        return d.data + k, d.known, d.none
    months = k if unit == "months" else 12 * k
    data = np.asarray(d.data, dtype="int64")
    distinct, where = np.unique(data, return_inverse=True)
    shifted = np.array(
        [(add_months_clamped(EPOCH + dt.timedelta(days=int(x)), months) - EPOCH).days for x in distinct],
        dtype="int64",
    )
    return shifted[where].reshape(np.shape(data)), d.known, d.none


def date_add_terms(d: TermValue, n: float, unit: str, sign: int) -> tuple[Any, Any, Any]:
    """`date_add` over a z3 ordinal, (unknown, none, term): days exactly; months and years only on a
    fixed date (a calendar month is no linear function of an unknown date) — the term None where it
    cannot be expressed."""
    import z3

    k = int(n) * sign
    if unit == "days":
        return d.u, d.n, d.v + k
    if isinstance(d.v, z3.IntNumRef):
        return d.u, d.n, z3.IntVal(date_add(dt.date.fromordinal(d.v.as_long()), n, unit, sign).toordinal())
    return d.u, d.n, None


def divide(a: Any, b: Any) -> Any:
    """a / b; division by zero is unknown (the law gives no value)."""
    return a / b if b else None


def divide_columns(a: Any, b: Any, known: Any, none: Any) -> tuple[Any, Any]:
    """`divide` over columns: (data, known) — a row dividing by zero is unknown (unless none)."""
    zero = b == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        data = np.where(zero, 0.0, a / np.where(zero, 1.0, b))
    return data, known & (none | ~zero)


def divide_unknown_terms(unknown: Any, none: Any, b: Any) -> Any:
    """`divide` over z3 terms: when the quotient is unknown (an operand is, or b is zero)."""
    import z3

    return z3.Or(unknown, z3.And(z3.Not(unknown), z3.Not(none), b == 0))


def divide_compare_terms(op: str, a: Any, b: Any, k: Any) -> Any:
    """`a / b OP k` over z3 terms, without division (b > 0, b < 0; by zero the comparison is
    not true: the quotient is unknown)."""
    import z3

    return z3.If(b > 0, COMPARE[op](a, k * b), z3.If(b < 0, COMPARE[FLIP[op]](a, k * b), False))


ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": divide,
}


def arith(op: str, a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if a is NONE or b is NONE:
        return NONE
    return ARITH[op](a, b)


def arith_code(op: str, a: str, b: str) -> str:
    """`arith` in generated code."""
    return f"arith({op!r}, {a}, {b})"


def arith_columns(op: str, a: ColumnValue, b: ColumnValue) -> tuple[Any, Any, Any]:
    """`arith` over number columns, (data, known, none); `/` by `divide_columns`."""
    known, none = states_columns(a, b)
    if op == "/":
        data, known = divide_columns(a.data, b.data, known, none)
        return data, known, none
    return ARITH[op](a.data, b.data), known, none


def arith_terms(op: str, a: TermValue, b: TermValue) -> tuple[Any, Any, Any]:
    """`arith` over z3 number terms, (unknown, none, term); `/` by `divide_unknown_terms` (the
    quotient a real term, compared by `divide_compare_terms`)."""
    import z3

    u, n = states_terms(a, b)
    if op == "/":
        real = [z3.ToReal(x) if x.is_int() else x for x in (a.v, b.v)]
        return divide_unknown_terms(u, n, b.v), n, real[0] / real[1]
    return u, n, ARITH[op](a.v, b.v)


def num_fn(name: str, *args: Any) -> Any:
    """floor, min, max over numbers (lifted to fact states); a points range counts as its
    `point_value`, as in arithmetic."""
    values = []
    none = False
    for a in args:  # one pass (it runs in every decision that reads one): unknown beats none
        if type(a) is tuple:
            a = point_value(a)
        if a is None:
            return None
        if a is NONE:
            none = True
        values.append(a)
    if none:
        return NONE
    if name == "floor":
        return math.floor(values[0])
    return min(values) if name == "min" else max(values)


def num_fn_code(name: str, args: Sequence[str]) -> str:
    """`num_fn` in generated code."""
    return f"num_fn({name!r}, {', '.join(args)})"


def num_fn_columns(name: str, args: Sequence[ColumnValue]) -> tuple[Any, Any, Any]:
    """`num_fn` over number columns, (data, known, none)."""
    known, none = states_columns(*args)
    if name == "floor":
        return np.floor(args[0].data), known, none
    fn = np.minimum if name == "min" else np.maximum
    data = args[0].data
    for a in args[1:]:
        data = fn(data, a.data)
    return data, known, none


def num_fn_terms(name: str, args: Sequence[TermValue]) -> tuple[Any, Any, Any]:
    """`num_fn` over z3 number terms, (unknown, none, term): floor of a real by `z3.ToInt`."""
    import z3

    u, n = states_terms(*args)
    if name == "floor":
        v = args[0].v
        return u, n, z3.ToInt(v) if v.is_real() else v
    out = args[0].v
    for a in args[1:]:
        out = z3.If(out <= a.v, out, a.v) if name == "min" else z3.If(out >= a.v, out, a.v)
    return u, n, out


COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    ">=": lambda x, y: x >= y,
    ">": lambda x, y: x > y,
    "<=": lambda x, y: x <= y,
    "<": lambda x, y: x < y,
    "==": lambda x, y: x == y,
    "!=": lambda x, y: x != y,
}
"""The comparisons on values; the numpy and z3 forms are these same functions over arrays and terms."""
FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}
"""`a OP b` is `b FLIP[OP] a`."""


def compare(op: str, a: Any, b: Any) -> Tri:
    """`compare_number`, `compare_date`, `compare_text`, `compare_enum`, `compare_bool` (and
    `compare_enum_rank` over ranks): unknown if a side is, false if a side is none."""
    if a is None or b is None:
        return None
    if a is NONE or b is NONE:
        return False
    return COMPARE[op](a, b)


def compare_code(op: str, a: tuple[str, str], b: tuple[str, str] | str) -> str:
    """`compare` in generated code. A side is (its first read, how to read it again); `b` a bare
    string is a literal that is neither unknown nor none."""
    first_a, again_a = a
    if isinstance(b, str):
        return f"(None if {first_a} is None else ({again_a} is not NONE and {again_a} {op} {b}))"
    first_b, again_b = b
    return (
        f"(None if {first_a} is None or {first_b} is None "
        f"else (False if {again_a} is NONE or {again_b} is NONE else {again_a} {op} {again_b}))"
    )


def compare_columns(op: str, a: ColumnValue, b: ColumnValue) -> tuple[Any, Any] | None:
    """`compare` over columns, (true, known): text and enum columns compare as their ranks in one
    sorted union of their strings, booleans as numbers. None: a text compared with a non-text."""
    known, nones = _known_columns((a, b)), _nones_columns((a, b))
    x, y = a.data, b.data
    if a.kind == "str" or b.kind == "str":
        if a.kind != b.kind:
            return None
        x, y = _text_ranks(a, b)
    elif a.kind == "bool" or b.kind == "bool":
        x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    decided = known if nones is FALSE_MASK else known & ~nones
    return decided & COMPARE[op](x, y), known


def _text_ranks(a: ColumnValue, b: ColumnValue) -> tuple[Any, Any]:
    """Two string columns (or constants) as integer ranks in one sorted union: compare as numbers."""
    union = sorted(
        set(a.cats or ())
        | set(b.cats or ())
        | {x.data for x in (a, b) if x.cats is None and isinstance(x.data, str)}
    )
    index = {s: i for i, s in enumerate(union)}

    def ranks(x: ColumnValue) -> Any:
        if x.cats is None:
            return np.int64(index.get(x.data, -1)) if isinstance(x.data, str) else np.int64(-1)
        table = np.array([index[s] for s in x.cats] + [-1], dtype="int64")
        return table[x.data]

    return ranks(a), ranks(b)


def compare_terms(op: str, a: TermValue, b: TermValue) -> tuple[Any, Any] | None:
    """`compare` over z3 terms, (definitely true, definitely false) — text and enum values are
    indices in one universe. None where z3 cannot compare the terms."""
    import z3

    try:
        holds = COMPARE[op](a.v, b.v)
    except z3.Z3Exception:
        return None
    return compared_terms(holds, a, b)


def is_none(v: Any, none: bool) -> Tri:
    """`is_none` (`X == none`) and `is_not_none` (`X != none`, none=False): an object is an
    explicit null — unknown while the object is."""
    return None if v is None else (v is NONE) == none


def is_none_code(v: tuple[str, str], none: bool) -> str:
    """`is_none` in generated code."""
    first, again = v
    return f"(None if {first} is None else ({again} is {'' if none else 'not '}NONE))"


def is_none_columns(v: ColumnValue, none: bool) -> tuple[Any, Any]:
    """`is_none` over columns, (true, known)."""
    return v.known & (v.none if none else ~v.none), v.known


def is_none_terms(v: TermValue, none: bool) -> tuple[Any, Any]:
    """`is_none` over z3, (definitely true, definitely false)."""
    import z3

    is_ = v.n if none else z3.Not(v.n)
    return z3.And(z3.Not(v.u), is_), z3.And(z3.Not(v.u), z3.Not(is_))


def member(v: Any, values: frozenset[Any] | set[Any]) -> Tri:
    """`X in {…}`: unknown while X is; false when X is none."""
    return None if v is None else (v is not NONE and v in values)


def member_code(v: tuple[str, str], values: str) -> str:
    """`member` in generated code (`values` names a frozenset constant)."""
    first, again = v
    return f"(None if {first} is None else ({again} is not NONE and {again} in {values}))"


def member_columns(v: ColumnValue, values: Sequence[Any]) -> tuple[Any, Any]:
    """`member` over a column, (true, known): a text or enum column by its codes, numbers by value."""
    if v.kind == "str":
        if v.cats is None:
            hit: Any = np.bool_(v.data in values)
        else:
            hit = np.isin(v.data, [i for i, s in enumerate(v.cats) if s in values])
    else:
        hit = np.isin(v.data, [float(x) for x in values if isinstance(x, int | float)])
    return v.known & ~v.none & hit, v.known


def member_terms(v: TermValue, options: Sequence[Any]) -> tuple[Any, Any]:
    """`member` over z3, (definitely true, definitely false); `options` are the values as terms of
    v's sort (a text or enum value: its index)."""
    import z3

    return compared_terms(z3.Or([v.v == o for o in options]), v)


def truthy(v: Any, is_object: bool) -> Tri:
    """A fact used as a condition: an object is present and not null; a value is true."""
    if v is None:
        return None
    return v is not NONE if is_object else (v is not NONE and bool(v))


def truthy_code(v: tuple[str, str], is_object: bool) -> str:
    """`truthy` in generated code."""
    first, again = v
    if is_object:
        return f"(None if {first} is None else {again} is not NONE)"
    return f"(None if {first} is None else ({again} is not NONE and {again}))"


def truthy_columns(v: ColumnValue, is_object: bool) -> tuple[Any, Any] | None:
    """`truthy` over a column, (true, known). None: a value no condition can be."""
    if is_object or v.kind == "obj":
        return v.known & ~v.none, v.known
    if v.kind == "bool":
        value = v.data
    elif v.kind == "num":
        value = v.data != 0
    else:
        return None
    return v.known & ~v.none & value, v.known


def truthy_terms(v: TermValue, is_object: bool) -> tuple[Any, Any] | None:
    """`truthy` over z3, (definitely true, definitely false). None: not a boolean term."""
    import z3

    if is_object:
        return z3.And(z3.Not(v.u), z3.Not(v.n)), z3.And(z3.Not(v.u), v.n)
    if isinstance(v.v, z3.BoolRef):
        return compared_terms(v.v, v)
    return None


def holds(held: Any, document: str) -> Tri:
    """`holds(D)`: the application's documents include D (unknown while they are unknown)."""
    return None if held is None else (held is not NONE and document in held)


def holds_code(held: tuple[str, str], document: str) -> str:
    """`holds` in generated code."""
    first, again = held
    return f"(None if {first} is None else ({again} is not NONE and {document!r} in {again}))"


def holds_columns(held: ColumnValue, document: str) -> tuple[Any, Any]:
    """`holds` over the documents column (a held mask per document), (true, known)."""
    has = (held.members or {}).get(document, FALSE_MASK) if held.kind == "set" else FALSE_MASK
    return held.known & ~held.none & has, held.known


def holds_terms(held: TermValue, document: Any) -> tuple[Any, Any]:
    """`holds` over z3, (definitely true, definitely false): `document` is the formula 'D is held'."""
    return compared_terms(document, held)


B = TypeVar("B")
N = TypeVar("N")


class Numbers(Protocol[B, N]):
    """What a points range needs of an algebra: a band's condition (surely / maybe holds), a band's
    value (known, number), and max / min / sum / choice over numbers."""

    def surely(self, holds: Any) -> B: ...

    def maybe(self, holds: Any) -> B: ...

    def number(self, value: Any) -> tuple[B, N]: ...

    def num(self, c: float) -> N: ...

    def both(self, a: B, b: B) -> B: ...

    def select(self, c: B, a: N, b: N) -> N: ...

    def raise_where(self, c: B, acc: N, v: N) -> N:
        """`select(c, maximum(acc, v), acc)`, where `acc` is a running maximum from 0 (never
        negative) that the caller owns: an algebra may update it in place."""
        ...

    def maximum(self, a: N, b: N) -> N: ...

    def minimum(self, a: N, b: N) -> N: ...

    def add(self, a: N, b: N) -> N: ...


def points_range_over(
    alg: Numbers[B, N], factors: Sequence[tuple[float, Sequence[tuple[Any, Any]]]]
) -> tuple[N, N, tuple[tuple[N, N], ...]]:
    """A points table's range (lo, hi, per factor (lo, hi)): per factor, the best band that surely
    holds (lo) and the best that may hold (hi; an unknown band value counts as the cap), each
    capped; the total sums the factors."""
    lo_total, hi_total = alg.num(0), alg.num(0)
    per_factor = []
    for cap, bands in factors:
        lo, hi = alg.num(0), alg.num(0)
        for holds, value in bands:
            known, v = alg.number(value)
            lo = alg.raise_where(alg.both(alg.surely(holds), known), lo, v)
            hi = alg.raise_where(alg.maybe(holds), hi, alg.select(known, v, alg.num(cap)))
        lo, hi = alg.minimum(lo, alg.num(cap)), alg.minimum(hi, alg.num(cap))
        per_factor.append((lo, hi))
        lo_total, hi_total = alg.add(lo_total, lo), alg.add(hi_total, hi)
    return lo_total, hi_total, tuple(per_factor)


class PyNumbers:
    """Python scalars (a band's value that is not a number — unknown, none — is not known)."""

    def surely(self, holds: Tri) -> bool:
        return holds is True

    def maybe(self, holds: Tri) -> bool:
        return holds is not False

    def number(self, value: Any) -> tuple[bool, Any]:
        known = isinstance(value, int | float)
        return known, value if known else 0

    def num(self, c: float) -> Any:
        return c

    def both(self, a: bool, b: bool) -> bool:
        return a and b

    def select(self, c: bool, a: Any, b: Any) -> Any:
        return a if c else b

    def raise_where(self, c: bool, acc: Any, v: Any) -> Any:
        return max(acc, v) if c else acc

    def maximum(self, a: Any, b: Any) -> Any:
        return max(a, b)

    def minimum(self, a: Any, b: Any) -> Any:
        return min(a, b)

    def add(self, a: Any, b: Any) -> Any:
        return a + b


class ColumnNumbers:
    """`points_range_over` numpy columns: float64 arrays (or scalars) and boolean masks; a band's
    condition is a pair of masks (`v` true where true, `k` known) and its value a column with
    `data`, `known`, `none` and `kind` (engine/batch.py `Val`)."""

    def surely(self, holds: Any) -> Any:
        return holds.v

    def maybe(self, holds: Any) -> Any:
        return ~holds.k | holds.v

    def number(self, value: Any) -> tuple[Any, Any]:
        if value.kind not in ("num", "bool"):
            return np.bool_(False), np.float64(0.0)
        known = value.known if value.none is np.False_ else value.known & ~value.none
        return known, np.asarray(value.data, dtype="float64")

    def num(self, c: float) -> Any:
        return np.float64(c)

    def both(self, a: Any, b: Any) -> Any:
        if b is np.True_:
            return a
        return np.logical_and(a, b)

    def select(self, c: Any, a: Any, b: Any) -> Any:
        if np.ndim(c) == 0:
            return a if c else b
        out = np.array(
            np.broadcast_to(b, np.broadcast_shapes(np.shape(c), np.shape(a), np.shape(b))), dtype="float64"
        )
        np.copyto(out, a, where=c)  # (np.where over a boolean mask is several times slower)
        return out

    def raise_where(self, c: Any, acc: Any, v: Any) -> Any:
        if np.ndim(c) == 0:
            return np.maximum(acc, v) if c else acc
        # branch-free: `acc` never falls below 0 (`Numbers.raise_where`), so where c is false the
        # candidate c * v = 0 leaves it; fmax passes over a NaN where a value is unknown
        # a band worth a number float32 holds exactly (the usual: whole points) is raised in float32,
        # a third of the memory traffic; the maximum of exact values is exact
        exact32 = np.ndim(v) == 0 and float(np.float32(v)) == float(v)
        candidate = np.multiply(c, np.float32(v) if exact32 else v)
        if np.ndim(acc) == 0 and float(candidate.dtype.type(acc)) == float(acc):
            acc = candidate.dtype.type(acc)
        if (
            isinstance(acc, np.ndarray)
            and acc.shape == candidate.shape
            and acc.flags.owndata
            and acc.flags.writeable
            and np.can_cast(candidate.dtype, acc.dtype, "safe")
        ):
            return np.fmax(acc, candidate, out=acc)  # a running maximum this range made
        return np.fmax(acc, candidate)

    def maximum(self, a: Any, b: Any) -> Any:
        return np.maximum(a, b)

    def minimum(self, a: Any, b: Any) -> Any:
        return np.minimum(a, b)

    def add(self, a: Any, b: Any) -> Any:
        return a + b


class TermNumbers:
    """`points_range_over` z3 terms: a band's condition is a pair (definitely true, definitely
    false) and its value a lowered value with `u` (unknown), `n` (none) and `v` (its term)."""

    def surely(self, holds: Any) -> Any:
        return holds[0]

    def maybe(self, holds: Any) -> Any:
        import z3

        return z3.Not(holds[1])

    def number(self, value: Any) -> tuple[Any, Any]:
        import z3

        if value.v is None or not isinstance(value.v, z3.ArithRef):
            return z3.BoolVal(False), z3.IntVal(0)
        return z3.And(z3.Not(value.u), z3.Not(value.n)), value.v

    def num(self, c: float) -> Any:
        from fractions import Fraction

        import z3

        return (
            z3.IntVal(int(c)) if float(c).is_integer() else z3.RealVal(Fraction(c).limit_denominator(10**9))
        )

    def both(self, a: Any, b: Any) -> Any:
        import z3

        return z3.And(a, b)

    def select(self, c: Any, a: Any, b: Any) -> Any:
        import z3

        return z3.If(c, a, b)

    def raise_where(self, c: Any, acc: Any, v: Any) -> Any:
        return self.select(c, self.maximum(acc, v), acc)

    def maximum(self, a: Any, b: Any) -> Any:
        import z3

        return z3.If(b > a, b, a)

    def minimum(self, a: Any, b: Any) -> Any:
        import z3

        return z3.If(a > b, b, a)

    def add(self, a: Any, b: Any) -> Any:
        return a + b


def points_range(factors: Sequence[tuple[float, Sequence[tuple[Tri, Any]]]]) -> tuple[Any, ...]:
    """`points_range_over` Python scalars (the reference interpreter)."""
    return points_range_over(PyNumbers(), factors)


def points_range_code(factors: Sequence[tuple[float, Sequence[tuple[str, str]]]], prefix: str) -> list[str]:
    """`points_range` as straight-line code: `factors` gives each factor's cap and its bands' (holds,
    value) as Python expressions; binds `{prefix}lo`, `{prefix}hi` and `{prefix}per` (per factor).

    A factor's lo and hi are maxima over its bands, from 0: a band whose value is a number literal
    of at most 0 raises neither, and once a band of a literal value surely holds, no band of a
    smaller literal value can raise them — so the bands of literal values are read from the highest
    value down and the reading stops there. The bands of other values are all read, first."""
    out = [f"{prefix}lo = {prefix}hi = 0"]
    per = []
    for n, (cap, bands) in enumerate(factors):
        lo, hi = f"{prefix}l{n}", f"{prefix}h{n}"
        out.append(f"{lo} = {hi} = 0")
        literal: list[tuple[float, str, str]] = []
        for holds, value in bands:
            if _is_number_literal(value):  # the usual band: a number of points
                points = eval(value, {"__builtins__": {}})  # noqa: S307 - a number literal
                if points > 0:
                    literal.append((points, holds, value))
                continue
            out.append(f"{prefix}b = {holds}")
            out.append(f"if {prefix}b is not False:")
            out.append(f"    {prefix}v = {value}")
            out.append(f"    if not isinstance({prefix}v, int | float): {prefix}v = None")
            out.append(f"    {prefix}w = {cap!r} if {prefix}v is None else {prefix}v")
            out.append(f"    if {prefix}w > {hi}: {hi} = {prefix}w")
            out.append(
                f"    if {prefix}b is True and {prefix}v is not None and {prefix}v > {lo}: {lo} = {prefix}v"
            )
        indent = ""
        for _, holds, value in sorted(literal, key=lambda band: -band[0]):  # stable: ties keep their order
            out.append(f"{indent}{prefix}b = {holds}")
            out.append(f"{indent}if {prefix}b is True:")
            out.append(f"{indent}    if {value} > {lo}: {lo} = {value}")
            out.append(f"{indent}    if {value} > {hi}: {hi} = {value}")
            out.append(f"{indent}else:")
            out.append(f"{indent}    if {prefix}b is None and {value} > {hi}: {hi} = {value}")
            indent += "    "
        out.append(f"if {lo} > {cap!r}: {lo} = {cap!r}")
        out.append(f"if {hi} > {cap!r}: {hi} = {cap!r}")
        out.append(f"{prefix}lo += {lo}")
        out.append(f"{prefix}hi += {hi}")
        per.append(f"({lo}, {hi})")
    out.append(f"{prefix}per = ({''.join(p + ', ' for p in per)})")
    return out


def _is_number_literal(code: str) -> bool:
    try:
        return isinstance(eval(code, {"__builtins__": {}}), int | float) and not code.strip().startswith(
            ("True", "False")
        )  # noqa: S307 - a literal
    except Exception:  # noqa: BLE001 - not a literal
        return False


def points_compare(a: Any, op: str, b: Any) -> Tri:
    """A comparison where a side is a points range (lo, hi): decided only where the whole range
    agrees. For `==` / `!=` with a range that is not one number: unknown when the ranges meet;
    when they are apart `==` is false and `!=` true."""
    lo_a, hi_a = a if isinstance(a, tuple) else (a, a)
    lo_b, hi_b = b if isinstance(b, tuple) else (b, b)
    if lo_a is None or lo_b is None or lo_a is NONE or lo_b is NONE:
        return None
    f = COMPARE[op]
    if op in ("==", "!=") and not (lo_a == hi_a and lo_b == hi_b):
        if max(lo_a, lo_b) <= min(hi_a, hi_b):
            return None
        return op == "!="
    outcomes = {f(lo_a, hi_b), f(hi_a, lo_b), f(lo_a, lo_b), f(hi_a, hi_b)}
    return outcomes.pop() if len(outcomes) == 1 else None


def points_compare_code(a: str, op: str, b: str) -> str:
    """`points_compare` in generated code."""
    return f"points_compare({a}, {op!r}, {b})"


def points_compare_columns(a: ColumnValue, op: str, b: ColumnValue) -> tuple[Any, Any]:
    """`points_compare` over columns, (true, known): a side is a points range (`data` its low end,
    `hi` its high end) or a number; unknown where a number is unknown or none."""
    (lo_a, hi_a), (lo_b, hi_b) = ((x.data, x.hi if x.kind == "pts" else x.data) for x in (a, b))
    known = a.known & b.known & ~a.none & ~b.none
    v, k = _ranges_compare_columns(lo_a, hi_a, op, lo_b, hi_b)
    return known & v, known & k


def _ranges_compare_columns(lo_a: Any, hi_a: Any, op: str, lo_b: Any, hi_b: Any) -> tuple[Any, Any]:
    f = COMPARE[op]
    c1, c2, c3, c4 = f(lo_a, hi_b), f(hi_a, lo_b), f(lo_a, lo_b), f(hi_a, hi_b)
    agree = (c1 == c2) & (c2 == c3) & (c3 == c4)
    if op in ("==", "!="):
        exact = (lo_a == hi_a) & (lo_b == hi_b)
        apart = np.maximum(lo_a, lo_b) > np.minimum(hi_a, hi_b)
        known = np.where(exact, agree, apart)
        return known & np.where(exact, c1, np.bool_(op == "!=")), known
    return agree & c1, agree


def points_compare_terms(a: TermValue, op: str, b: TermValue) -> tuple[Any, Any]:
    """`points_compare` over z3, (definitely true, definitely false): a side is a points range (its
    term the pair (lo, hi)) or a number; unknown where a number is unknown or none."""
    import z3

    (lo_a, hi_a), (lo_b, hi_b) = (x.v if isinstance(x.v, tuple) else (x.v, x.v) for x in (a, b))
    t, f = _ranges_compare_terms(lo_a, hi_a, op, lo_b, hi_b)
    u, nones = _states_terms((a, b))
    decided = _and_terms([*([] if z3.is_false(u) else [z3.Not(u)]), *(z3.Not(n) for n in nones)])
    return (t, f) if z3.is_true(decided) else (z3.And(decided, t), z3.And(decided, f))


def _ranges_compare_terms(lo_a: Any, hi_a: Any, op: str, lo_b: Any, hi_b: Any) -> tuple[Any, Any]:
    import z3

    f = COMPARE[op]
    outs = [f(x, y) for x, y in ((lo_a, hi_b), (hi_a, lo_b), (lo_a, lo_b), (hi_a, hi_b))]
    t, u = z3.And(outs), z3.And([z3.Not(o) for o in outs])
    if op in ("==", "!="):
        exact = z3.And(lo_a == hi_a, lo_b == hi_b)
        apart = z3.Not(z3.If(lo_a >= lo_b, lo_a, lo_b) <= z3.If(hi_a <= hi_b, hi_a, hi_b))
        t = z3.If(exact, t, z3.BoolVal(False) if op == "==" else apart)
        u = z3.If(exact, u, apart if op == "==" else z3.BoolVal(False))
    return t, u


def point_value(p: Any) -> Any:
    """A points range used as a number: its value when the range is one number, else unknown."""
    return p[0] if isinstance(p, tuple) and p[0] == p[1] else (None if isinstance(p, tuple) else p)


def point_value_code(p: str) -> str:
    """`point_value` in generated code."""
    return f"point_value({p})"


def point_value_columns(p: ColumnValue) -> tuple[Any, Any, Any]:
    """`point_value` over a points range column, (data, known, none)."""
    return p.data, p.known & (p.data == p.hi), FALSE_MASK


def point_value_terms(p: TermValue) -> tuple[Any, Any, Any]:
    """`point_value` over a z3 points range, (unknown, none, term)."""
    import z3

    lo, hi = p.v
    return lo != hi, z3.BoolVal(False), lo


def enum_ranks(members: Sequence[str]) -> dict[Any, Any]:
    """An ordered enum's members by rank (declaration order). An ordered comparison reads
    `ranks.get(value)`: unknown stays unknown, none stays none (so the comparison is false, as every
    comparison with none is), and a value outside the enum has no rank (unknown)."""
    return {**{v: i for i, v in enumerate(members)}, NONE: NONE}


def enum_rank_code(ranks: str, v: str) -> str:
    """A value's rank in generated code (`ranks` names the `enum_ranks` constant)."""
    return f"{ranks}.get({v})"


def enum_rank_columns(v: ColumnValue, members: Sequence[str]) -> tuple[Any, Any, Any]:
    """`enum_ranks` over a text column or constant, (data, known, none): a value outside the enum
    has no rank (unknown), none stays none."""
    ranks = enum_ranks(members)
    if v.kind != "str" or (v.cats is None and not isinstance(v.data, str)):
        return 0.0, v.none, v.none
    if v.cats is None:
        r = ranks.get(v.data)
        return float(r if r is not None else 0), np.bool_(r is not None and bool(v.known)), FALSE_MASK
    table = np.array([ranks.get(s, -1) for s in v.cats] + [-1], dtype="float64")
    rank = table[v.data] if len(v.cats) else np.full(np.shape(v.data), -1.0)
    return rank, (v.known & ~v.none & (rank >= 0)) | v.none, v.none


def enum_rank_terms(v: TermValue) -> TermValue:
    """`enum_ranks` over z3: an enum value's term is its member's index in declaration order — its
    rank already (a value outside the enum is unknown, `Symbolic.pin`)."""
    return v


@dataclass(frozen=True)
class Forms:
    """One operator in its four forms, each made of functions of this module: its scalar definition
    (the reference interpreter, engine/reference.py; what generated code calls), its code template
    (the code generator, engine/compile.py), its numpy form (`*_columns`, engine/batch.py) and its z3
    form (`*_terms`, engine/symbolic.py). tests/test_matrix.py checks that every operator has all
    four and that each numpy and z3 form agrees with the scalar definition, unknown and none included."""

    scalar: tuple[Callable[..., Any], ...]
    code: tuple[Callable[..., Any], ...]
    columns: tuple[Callable[..., Any], ...]
    terms: tuple[Callable[..., Any], ...]


_COMPARE = Forms((compare,), (compare_code,), (compare_columns,), (compare_terms,))
_DATE_ADD = Forms((date_add, add_months_clamped), (date_add_code,), (date_add_columns,), (date_add_terms,))
_ARITH = Forms((arith,), (arith_code,), (arith_columns,), (arith_terms,))
_IS_NONE = Forms((is_none,), (is_none_code,), (is_none_columns,), (is_none_terms,))
_NUM_FN = Forms((num_fn,), (num_fn_code,), (num_fn_columns,), (num_fn_terms,))

OPERATORS: dict[str, Forms] = {
    # the monomorphic forms the checker resolves comparisons and arithmetic to (typer.resolve_operator)
    "compare_number": _COMPARE,
    "compare_date": _COMPARE,  # columns: days since 1970-01-01; terms: ordinals
    "compare_text": _COMPARE,  # columns: ranks in one sorted union; terms: indices in a universe
    "compare_enum": _COMPARE,  # columns: the same ranks; terms: indices of the members
    "compare_bool": _COMPARE,
    "compare_enum_rank": Forms(
        (enum_ranks, compare),
        (enum_rank_code, compare_code),
        (enum_rank_columns, compare_columns),
        (enum_rank_terms, compare_terms),
    ),
    "compare_points_range": Forms(
        (points_compare,), (points_compare_code,), (points_compare_columns,), (points_compare_terms,)
    ),
    "is_none": _IS_NONE,
    "is_not_none": _IS_NONE,
    "date_add_days": _DATE_ADD,
    "date_add_months_clamped": _DATE_ADD,
    "date_add_years_clamped": _DATE_ADD,  # 12 N months
    "add": _ARITH,
    "subtract": _ARITH,
    "multiply": _ARITH,
    "divide_zero_unknown": Forms(
        (arith, divide),
        (arith_code,),
        (arith_columns, divide_columns),
        (arith_terms, divide_unknown_terms, divide_compare_terms),
    ),
    # the builtins and the other operators on values
    "years_between": Forms(
        (years_between,),
        (years_between_code,),
        (years_between_columns, civil_columns),
        (years_between_terms, years_between_compare_terms, years_cutoff),
    ),
    "min": _NUM_FN,
    "max": _NUM_FN,
    "floor": _NUM_FN,
    "points": Forms(
        (points_range, points_range_over), (points_range_code,), (ColumnNumbers,), (TermNumbers,)
    ),
    "point_value": Forms((point_value,), (point_value_code,), (point_value_columns,), (point_value_terms,)),
    "member": Forms((member,), (member_code,), (member_columns,), (member_terms,)),
    "truthy": Forms((truthy,), (truthy_code,), (truthy_columns,), (truthy_terms,)),  # a fact as a condition
    "holds": Forms((holds,), (holds_code,), (holds_columns,), (holds_terms,)),
    # over any instance of `Kleene` (`PY`, `CodeKleene`, `MASKS`, `TERMS`)
    "ineligible": Forms((ineligible,), (ineligible_code,), (ineligible,), (ineligible,)),
    "not_at_hand": Forms((not_at_hand,), (not_at_hand,), (not_at_hand,), (not_at_hand,)),
}
"""Every operator, by name, in its four forms. Unknown operands give unknown, none operands give
none (a comparison: false) — in every form (`states_columns`, `states_terms`, `compared_terms`)."""


RUNTIME: dict[str, Any] = {  # what generated code may call: the scalar definitions above, by name
    "NONE": NONE,
    "years_between": years_between,
    "date_add": date_add,
    "points_compare": points_compare,
    "point_value": point_value,
    "arith": arith,
    "num_fn": num_fn,
    "dt": dt,
    "points_range": points_range,
}
