"""`lexgraph impact`: what an amendment would do to a population, permit by permit, and why.

(Over 400 lines: a chunk's outcome columns, the run that merges them by row and the report that
reads them share one layout of the merged arrays, kept with its one owner; the words are in
impact_render.py.)

The population is decided twice — under the law in force and under the law with the amendment
(and parameters) applied — by the column evaluator (engine/batch.py), in chunks on all local cores
or on a Dask cluster (`--scheduler`); the per-applicant outcomes are merged by row, so the result
does not depend on how the work was split. Full traces are built only for the example applicants
shown, through LawContext.decide. The same population, amendment and parameters give byte-identical
JSON.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from lexgraph.engine import model as m
from lexgraph.engine.batch import BatchEvaluator, BatchResult, FactBatch, applications_from_table
from lexgraph.engine.check import Law

from .decisions import LawContent, LawContext
from .render import decision_json, render_text

OUTCOMES = {1: "eligible", 0: "ineligible", -1: "undetermined"}
AGE_BANDS = (
    (0, 17, "<18"),
    (18, 25, "18-25"),
    (26, 35, "26-35"),
    (36, 45, "36-45"),
    (46, 55, "46-55"),
    (56, 60, "56-60"),
    (61, 200, ">60"),
)
INDIRECT = "(indirect: an outcome it depends on changed)"


# --------------------------------------------------------------------------- the two laws


@dataclass(frozen=True)
class LawSpec:
    """Everything a worker needs to build both laws: the law by its content (sources and digests,
    checked on arrival — never a path read on the worker's own disk) and the decision date."""

    content: LawContent
    as_of: str | None = None

    def contexts(self) -> tuple[LawContext, LawContext]:
        """The law in force and the amended law, from the process's law cache (decisions.CONTEXTS)."""
        return LawContext.from_content(self.content.without_amendments()), LawContext.from_content(
            self.content
        )


def amendment_rules(law: Any) -> set[str]:
    amendments = {i.id for i in law.instruments.values() if i.kind == "amendment"}
    return {r.id for r in law.rules.values() if r.instrument in amendments}


def quotas(law: Law) -> list[m.Quota]:
    """The quotas the law declares (`quota … for PERMIT`), by permit and limit parameter."""
    return sorted(law.quotas.values(), key=lambda q: (q.permit, q.parameter))


def _limit(law: Law, quota: m.Quota) -> int:
    return int(str(law.parameter_values[quota.parameter]))


# --------------------------------------------------------------------------- one chunk


def rule_catalogue(spec: LawSpec) -> list[str]:
    """Every rule id of either law, the amendment's first — the codes of 'the rule that made the
    difference' (the same list in every worker)."""
    before, after = spec.contexts()
    amended = amendment_rules(after.law)
    ids = set(before.law.rules) | set(after.law.rules)
    return [*sorted(ids, key=lambda r: (r not in amended, r)), "quota", INDIRECT]


def with_counts(table: pa.Table, counts: dict[str, int]) -> pa.Table:
    """The table with each quota count fact set to a value for every row (its object marked present)."""
    for path, value in counts.items():
        parts = path.split(".")
        for i in range(1, len(parts)):
            marker = ".".join(parts[:i])
            if marker in table.column_names:
                table = table.set_column(
                    table.column_names.index(marker), marker, pa.array([True] * table.num_rows)
                )
        col = pa.array(np.full(table.num_rows, value, dtype="int64"))
        if path in table.column_names:
            table = table.set_column(table.column_names.index(path), path, col)
        else:
            table = table.append_column(path, col)
    return table


def _to_ipc(table: pa.Table) -> bytes:
    """A chunk as Arrow IPC bytes: only its own rows travel (a pickled slice drags its parent's buffers)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def evaluate_ipc_chunk(spec: LawSpec, data: bytes) -> dict[str, Any]:
    return evaluate_chunk(spec, pa.ipc.open_stream(data).read_all())


def evaluate_chunk(spec: LawSpec, table: pa.Table) -> dict[str, Any]:
    """Decide one chunk: under the law in force; under the amended law with every quota count at 0
    ('after0'); and, when there are quotas, with every count at its limit ('afterq'). Per permit:
    outcome codes, the rule that made the difference (a code into rule_catalogue); per quota: the
    candidates' points. 'afterq' is decided only for the rows a quota can touch (eligible for a
    quota's permit at count 0: docs/amendments.md); on every other row it is never read, and
    holds the 'after0' codes."""
    before, after = spec.contexts()
    as_of = dt.date.fromisoformat(spec.as_of) if spec.as_of else None
    n = table.num_rows
    qs = quotas(after.law)
    code_of = {r: i for i, r in enumerate(rule_catalogue(spec))}
    permits = sorted(set(before.law.permits) | set(after.law.permits))
    amended = amendment_rules(after.law)
    out: dict[str, Any] = {"n": n}
    for p in permits:
        out[f"before:{p}"] = np.full(n, -1, dtype="int8")
    base = FactBatch(table)
    groups_before = BatchEvaluator(before.evaluator).run(base, as_of)
    counts = {q.counts: 0 for q in qs}
    batch = base.with_columns(with_counts(table, counts), counts) if counts else base
    groups_after = BatchEvaluator(after.evaluator).run(batch, as_of)
    for p in permits:
        out[f"after0:{p}"] = np.full(n, -1, dtype="int8")
        out[f"rule_after0:{p}"] = np.full(n, -1, dtype="int16")
    for (rows, rb), (_rows, ra) in _aligned(groups_before, groups_after):
        _outcomes(out, "after0", rows, rb, ra, permits, code_of, amended, with_before=True)
        for q in qs:
            key = f"points:{q.permit}:{q.parameter}"
            out.setdefault(key, np.zeros(n, dtype="float64"))
            if q.ranked_by:
                lo, _hi = ra.points[q.ranked_by]
                out[key][rows] = np.broadcast_to(lo, (len(rows),))
    if not qs:
        return out
    for p in permits:
        out[f"afterq:{p}"] = out[f"after0:{p}"].copy()
        out[f"rule_afterq:{p}"] = out[f"rule_after0:{p}"].copy()
    touched = np.nonzero(_any([out[f"after0:{q.permit}"] == 1 for q in qs], n))[0]
    if len(touched):
        sub = table.take(pa.array(touched, type=pa.int64()))
        counts = {q.counts: max(_limit(after.law, q), 0) for q in qs}
        sub_base = FactBatch(sub)
        sub_before = BatchEvaluator(before.evaluator).run(sub_base, as_of)
        sub_after = BatchEvaluator(after.evaluator).run(
            sub_base.with_columns(with_counts(sub, counts), counts), as_of
        )
        for (rows, rb), (_rows, ra) in _aligned(sub_before, sub_after):
            _outcomes(out, "afterq", touched[rows], rb, ra, permits, code_of, amended, with_before=False)
    return out


def _outcomes(
    out: dict[str, Any],
    name: str,
    rows: Any,
    rb: BatchResult,
    ra: BatchResult,
    permits: list[str],
    code_of: dict[str, int],
    amended: set[str],
    with_before: bool,
) -> None:
    """Write one date group's outcome codes (and the rule that made each difference) at `rows`."""
    for p in permits:
        b = rb.outcome_codes(p) if p in rb.outcomes else np.zeros(len(rows), dtype="int8")
        a = ra.outcome_codes(p) if p in ra.outcomes else np.zeros(len(rows), dtype="int8")
        if with_before:
            out[f"before:{p}"][rows] = b
        out[f"{name}:{p}"][rows] = a
        out[f"rule_{name}:{p}"][rows] = _deciding_rule(rb, ra, p, b, a, code_of, amended)


def _aligned(
    gb: list[tuple[Any, BatchResult]], ga: list[tuple[Any, BatchResult]]
) -> list[tuple[tuple[Any, BatchResult], tuple[Any, BatchResult]]]:
    """Pair the date groups of the two laws (an amendment in force everywhere keeps them alike)."""
    if len(gb) == len(ga) and all(np.array_equal(x[0], y[0]) for x, y in zip(gb, ga, strict=True)):
        return list(zip(gb, ga, strict=True))
    raise ValueError("the amendment changes which rows share a program; pass --as-of")


def _any(masks: list[Any], n: int) -> Any:
    out = np.zeros(n, dtype=bool)
    for x in masks:
        out |= x
    return out


def _deciding_rule(
    rb: BatchResult, ra: BatchResult, permit: str, b: Any, a: Any, code_of: dict[str, int], amended: set[str]
) -> Any:
    """For each row whose outcome changed: the first rule (amendment rules first, then by id) whose
    standing moved towards the new outcome; else any rule whose standing moved; else 'indirect'."""
    code = np.full(len(a), -1, dtype="int16")
    where = np.nonzero(a != b)[0]
    if not len(where):
        return code
    a, b = a[where], b[where]
    n = len(where)
    sb, sa = rb.stands.get(permit, {}), ra.stands.get(permit, {})
    law_a, law_b = ra.program.law, rb.program.law

    def side(rid: str) -> str:
        rule = law_a.rules.get(rid) or law_b.rules[rid]
        return (
            "grant"
            if any(c.kind == "eligible" and permit in c.permits for c in rule.conclusions)
            else "restrict"
        )

    def st(d: dict[str, Any], rid: str) -> Any:
        """Standing as an ordered code, on the changed rows: -1 false (or no such rule), 0 unknown, 1 true."""
        t = d.get(rid)
        if t is None:
            return np.full(n, -1, dtype="int8")
        k, v = (x[where] if np.ndim(x) else np.broadcast_to(x, (n,)) for x in (t.k, t.v))
        return np.where(k, np.where(v, 1, -1), 0).astype("int8")

    ids = sorted(set(sb) | set(sa), key=lambda r: (r not in amended, r))
    before_st = {r: st(sb, r) for r in ids}
    after_st = {r: st(sa, r) for r in ids}
    gained, lost = (a == 1) & (b != 1), (b == 1) & (a != 1)
    now_ineligible = (a == 0) & ~lost
    changed = np.ones(n, dtype=bool)
    sub = np.full(n, -1, dtype="int16")
    # towards eligibility: a grant standing more firmly, a restriction less; towards refusal: the reverse
    up = {r: after_st[r] > before_st[r] for r in ids}
    down = {r: after_st[r] < before_st[r] for r in ids}
    towards_yes = [up[r] if side(r) == "grant" else down[r] for r in ids]
    towards_no = [up[r] if side(r) == "restrict" else down[r] for r in ids]
    for want, masks in (
        (gained, towards_yes),
        (lost | now_ineligible, towards_no),
        (changed, towards_yes),
        (changed, towards_no),
    ):
        for r, mask in zip(ids, masks, strict=True):
            hit = want & (sub == -1) & mask
            sub[hit] = code_of[r]
    sub[sub == -1] = code_of[INDIRECT]
    code[where] = sub
    return code


# --------------------------------------------------------------------------- running the chunks


class _Inline(cf.Executor):
    """An executor that runs each task at once, in this process (`--workers 1`)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to the caller through the future, as any executor does
            future.set_exception(error)
        return future


@contextmanager
def executor(
    workers: int | None = None, scheduler: str | None = None, tasks: int = 2
) -> Iterator[cf.Executor]:
    """The one executor impact runs on: a Dask cluster's (`Client.get_executor()`) when a scheduler is
    named, else a pool of local processes (fork where there is one: the workers inherit the laws
    already built), else this process."""
    if scheduler:
        from distributed import Client

        with Client(scheduler) as client:
            yield client.get_executor(pure=False)
        return
    count = min(workers if workers is not None else (os.cpu_count() or 1), tasks)
    if count <= 1:
        yield _Inline()
        return
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    with cf.ProcessPoolExecutor(count, mp_context=mp.get_context(method)) as pool:
        yield pool


Work = tuple[
    int, Callable[..., dict[str, Any]], tuple[Any, ...]
]  # rows, task, its arguments after the LawSpec


def run_stream(
    spec: LawSpec,
    work: Iterable[Work],
    total: int,
    tasks: int,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Run the chunk tasks as they come on one executor (this process, local processes or a Dask
    cluster), one more in flight than there are workers, so the population is never held whole;
    each chunk's per-row outcomes are written into the merged arrays at its rows as it returns."""
    merged: dict[str, Any] = {"n": total}
    where: dict[int, tuple[int, int]] = {}  # chunk → (first row, rows)
    done = 0
    count = max(min(workers if workers is not None else (os.cpu_count() or 1), tasks), 1)
    with executor(workers, scheduler, tasks) as pool:
        pending: dict[cf.Future[dict[str, Any]], int] = {}

        def collect(futures: Iterable[cf.Future[dict[str, Any]]]) -> None:
            nonlocal done
            for future in futures:
                i = pending.pop(future)
                first, rows = where[i]
                for key, values in future.result().items():
                    if key != "n":
                        if key not in merged:
                            merged[key] = np.empty(total, dtype=values.dtype)
                        merged[key][first : first + rows] = values
                done += rows
                if progress:
                    progress(done, total)

        first = 0
        for i, (rows, task, args) in enumerate(work):
            where[i] = (first, rows)
            first += rows
            pending[pool.submit(task, spec, *args)] = i
            if len(pending) > count:
                finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                collect(finished)
        collect(cf.as_completed(list(pending)))
    if not where:
        from .population import PopulationError

        raise PopulationError("the population has no applicants")
    return merged


def _table_work(chunks: Iterable[pa.Table], kept: list[pa.Table], inline: bool) -> Iterator[Work]:
    """Chunks read here: each sent as Arrow IPC (or handed over as it is, in this process); the
    report's columns kept."""
    for chunk in chunks:
        kept.append(chunk.select(list(REPORT_COLUMNS)))
        yield (
            (chunk.num_rows, evaluate_chunk, (chunk,))
            if inline
            else (chunk.num_rows, evaluate_ipc_chunk, (_to_ipc(chunk),))
        )


def evaluate_file_chunk(spec: LawSpec, path: str, groups: tuple[int, ...]) -> dict[str, Any]:
    """A chunk a local worker reads itself: row groups of a Parquet file on the same machine."""
    from .population import read_row_groups

    return evaluate_chunk(spec, read_row_groups(Path(path), groups))


def run_chunks(
    spec: LawSpec,
    table: pa.Table,
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_rows: int = 100_000,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """The merged outcomes of a table already in memory, in slices of `chunk_rows`."""
    starts = range(0, max(table.num_rows, 1), chunk_rows)
    inline = (workers if workers is not None else (os.cpu_count() or 1)) <= 1 and not scheduler
    work = _table_work((table.slice(s, chunk_rows) for s in starts), [], inline or len(starts) <= 1)
    return run_stream(spec, work, table.num_rows, len(starts), workers, scheduler, progress)


def apply_quotas(
    spec: LawSpec, merged: dict[str, Any], ids: Any
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """docs/amendments.md: an applicant needs the quota when the permit is eligible with the count
    at 0 and not with the count at the limit; those are ranked by points (lower bound) descending,
    then id; the first `limit` are granted (decided with count = rank), the rest refused (decided
    with the count at the limit). Everyone else is decided with the count at 0. Returns the report
    and, per row, the count each was decided with (for the example traces)."""
    _before, after = spec.contexts()
    code_of = {r: i for i, r in enumerate(rule_catalogue(spec))}
    n = int(merged["n"])
    permits = [k.split(":", 1)[1] for k in merged if k.startswith("before:")]
    for p in permits:
        merged[f"after:{p}"] = merged[f"after0:{p}"].copy()
        merged[f"rule:{p}"] = merged[f"rule_after0:{p}"].copy()
    report: list[dict[str, Any]] = []
    counts: dict[str, Any] = {}
    refused_any = np.zeros(n, dtype=bool)
    for q in quotas(after.law):
        needs = np.nonzero((merged[f"after0:{q.permit}"] == 1) & (merged[f"afterq:{q.permit}"] != 1))[0]
        points = merged[f"points:{q.permit}:{q.parameter}"][needs]
        order = needs[np.lexsort((_strings(ids, needs), -points))]
        limit = max(_limit(after.law, q), 0)
        refused = order[limit:]
        refused_any[refused] = True
        count = counts.setdefault(q.counts, np.zeros(n, dtype="int64"))
        count[order[:limit]] = np.arange(min(limit, len(order)))
        count[refused] = limit
        cut = (
            float(merged[f"points:{q.permit}:{q.parameter}"][order[limit - 1]])
            if 0 < limit <= len(order)
            else None
        )
        report.append(
            {
                "parameter": q.parameter,
                "limit": _limit(after.law, q),
                "permit": q.permit,
                "count_fact": q.counts,
                "ranked_by": q.ranked_by or "applicant id",
                "needing_quota": int(len(needs)),
                "granted": int(min(len(needs), limit)),
                "refused_over_quota": int(len(refused)),
                "lowest_points_granted": _num(cut),
                "refused_through": q.through,
            }
        )
    for p in permits:  # refused rows: decided with the counts at their limits, dependants included
        if f"afterq:{p}" in merged:
            merged[f"after:{p}"][refused_any] = merged[f"afterq:{p}"][refused_any]
            merged[f"rule:{p}"][refused_any] = merged[f"rule_afterq:{p}"][refused_any]
    for q in quotas(after.law):
        rule, a, b = merged[f"rule:{q.permit}"], merged[f"after:{q.permit}"], merged[f"before:{q.permit}"]
        over = refused_any & (a != b) & (merged[f"after0:{q.permit}"] == 1)
        rule[over] = code_of.get(q.through, code_of["quota"])
    return report, counts


def _strings(column: Any, rows: Any) -> Any:
    """The values of a string column at `rows` as a numpy array of str (only those rows become objects)."""
    if isinstance(column, np.ndarray):
        return column[rows].astype(str)
    return np.asarray(
        column.take(pa.array(rows, type=pa.int64())).to_numpy(zero_copy_only=False), dtype=object
    ).astype(str)


def _num(x: float | None) -> int | float | None:
    return int(x) if x is not None and float(x).is_integer() else x


# --------------------------------------------------------------------------- the report


REPORT_COLUMNS = ("id", "applicant.nationality", "applicant.birth_date", "decision_date")


def age_bands(table: pa.Table) -> Any:
    """Each row's age band as a code into AGE_LABELS (the last, 'unknown', where a date is unknown)."""
    birth = table.column("applicant.birth_date")
    day = table.column("decision_date")
    out = np.full(table.num_rows, len(AGE_BANDS), dtype="int8")
    if not (pa.types.is_date32(birth.type) and pa.types.is_date32(day.type)):
        return out
    valid = np.asarray(birth.is_valid().to_numpy(zero_copy_only=False)) & np.asarray(
        day.is_valid().to_numpy(zero_copy_only=False)
    )
    b = birth.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False).astype("datetime64[D]")
    d = day.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False).astype("datetime64[D]")

    def ymd(x: Any) -> tuple[Any, Any, Any]:
        mo = x.astype("datetime64[M]")
        return x.astype("datetime64[Y]").astype(int) + 1970, mo.astype(int) % 12 + 1, (x - mo).astype(int) + 1

    yb, mb, db = ymd(b)
    yd, md, dd = ymd(d)
    age = yd - yb - ((md < mb) | ((md == mb) & (dd < db)))
    for code, (lo, hi, _label) in enumerate(AGE_BANDS):
        out[valid & (age >= lo) & (age <= hi)] = code
    return out


AGE_LABELS = np.array([label for _lo, _hi, label in AGE_BANDS] + ["unknown"], dtype=object)


def build_report(
    spec: LawSpec,
    table: pa.Table,
    merged: dict[str, Any],
    examples: int = 2,
    source: str = "",
    rows: Callable[[list[int]], pa.Table] | None = None,
) -> dict[str, Any]:
    """The report from the merged per-row outcomes. `table` needs only REPORT_COLUMNS; `rows(indices)`
    gives the whole rows of the few example applicants (default: taken from `table`)."""
    before, after = spec.contexts()
    ids = table.column("id")
    quota_report, quota_counts = apply_quotas(spec, merged, ids)
    catalogue = rule_catalogue(spec)
    nat = table.column("applicant.nationality").fill_null("unknown")
    bands = age_bands(table)
    permits = sorted(set(before.law.permits) | set(after.law.permits))
    out_permits: dict[str, Any] = {}
    wanted_examples: list[tuple[int, str, str, str]] = []
    for p in permits:
        b, a, rule = merged[f"before:{p}"], merged[f"after:{p}"], merged[f"rule:{p}"]
        gained, lost = (a == 1) & (b != 1), (b == 1) & (a != 1)
        trans = {
            f"{OUTCOMES[x]}->{OUTCOMES[y]}": int(((b == x) & (a == y)).sum())
            for x in (1, 0, -1)
            for y in (1, 0, -1)
            if x != y
        }
        by_rule = []
        for direction, mask in (("gained", gained), ("lost", lost), ("other", (a != b) & ~gained & ~lost)):
            codes, counts = np.unique(rule[mask], return_counts=True)
            for code, count in sorted(
                zip(codes.tolist(), counts.tolist(), strict=True), key=lambda kv: (-kv[1], catalogue[kv[0]])
            ):
                first = np.nonzero(mask & (rule == code))[0][:3]
                by_rule.append(
                    {
                        "direction": direction,
                        "rule": catalogue[code],
                        "count": int(count),
                        "examples": [str(x) for x in _strings(ids, first)],
                    }
                )
                if direction != "other":
                    for r in first[:examples]:
                        wanted_examples.append((int(r), p, direction, catalogue[code]))
        out_permits[p] = {
            "eligible_before": int((b == 1).sum()),
            "eligible_after": int((a == 1).sum()),
            "undetermined_before": int((b == -1).sum()),
            "undetermined_after": int((a == -1).sum()),
            "gained": int(gained.sum()),
            "lost": int(lost.sum()),
            "transitions": trans,
            "by_rule": by_rule,
            "by_nationality": _breakdown(nat, gained, lost),
            "by_age_band": _breakdown(AGE_LABELS[bands], gained, lost),
        }
    overrides = {k: v for k, v in after.law.parameter_values.items() if after.law.parameters[k].default != v}
    return {
        "population": {"applicants": int(merged["n"]), "source": source},
        "law": {
            "baseline_digest": before.law.digest,
            "amended_digest": after.law.digest,
            "amendments": list(after.law.applied_amendments),
            "parameters": {k: after.law.parameter_values[k] for k in sorted(after.law.parameters)},
            "parameters_overridden": dict(sorted(overrides.items())),
            "as_of": spec.as_of,
        },
        "quotas": quota_report,
        "permits": out_permits,
        "examples": _examples(
            spec,
            rows or (lambda wanted: table.take(pa.array(wanted, type=pa.int64()))),
            wanted_examples,
            ids,
            quota_counts,
        ),
    }


def _breakdown(keys: Any, gained: Any, lost: Any) -> dict[str, dict[str, int]]:
    """Gained / lost counts per key (a numpy array, or an Arrow column: only the flipped rows are read)."""
    out: dict[str, dict[str, int]] = {}
    for label, mask in (("gained", gained), ("lost", lost)):
        values, counts = np.unique(_strings(keys, np.nonzero(mask)[0]), return_counts=True)
        for v, c in zip(values.tolist(), counts.tolist(), strict=True):
            out.setdefault(str(v), {"gained": 0, "lost": 0})[label] = int(c)
    return dict(sorted(out.items()))


def _examples(
    spec: LawSpec,
    rows: Callable[[list[int]], pa.Table],
    wanted: list[tuple[int, str, str, str]],
    ids: Any,
    counts: dict[str, Any],
) -> list[dict[str, Any]]:
    """Full traces, before and after, for the few example applicants only (after: with the quota
    count each was decided with)."""
    before, after = spec.contexts()
    as_of = dt.date.fromisoformat(spec.as_of) if spec.as_of else None
    indices = sorted({row for row, *_ in wanted})
    table = rows(indices)
    at = {row: i for i, row in enumerate(indices)}
    out = []
    for row, permit, direction, rule in wanted:
        one = table.slice(at[row], 1)
        app = applications_from_table(one)[0]
        asked = {**app, "requested": [permit]}
        d_before = before.decide(asked, as_of)
        counted = applications_from_table(with_counts(one, {k: int(v[row]) for k, v in counts.items()}))[0]
        d_after = after.decide({**counted, "requested": [permit]}, as_of)
        out.append(
            {
                "id": str(_strings(ids, [row])[0]),
                "permit": permit,
                "direction": direction,
                "rule": rule,
                "application": app,
                "before": decision_json(d_before)["decisions"][0],
                "after": decision_json(d_after)["decisions"][0],
                "before_text": render_text(d_before),
                "after_text": render_text(d_after),
            }
        )
    return out


# --------------------------------------------------------------------------- the entry point


def impact(
    population: Path,
    amendments: list[Path],
    parameters: dict[str, str],
    law_dirs: list[Path] | None = None,
    as_of: dt.date | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    examples: int = 2,
    progress: Callable[[int, int], None] | None = None,
    chunk_rows: int = 100_000,
) -> dict[str, Any]:
    """The impact report (a JSON-ready dict) of `amendments` on the population file."""
    from .population import read_batches, read_columns, read_rows, row_groups

    spec = LawSpec(LawContent.of(law_dirs, amendments, parameters), as_of.isoformat() if as_of else None)
    spec.contexts()  # fail fast, here, on a bad amendment or parameter; forked workers inherit both laws
    local = (workers if workers is not None else (os.cpu_count() or 1)) > 1 and not scheduler
    groups = row_groups(population, chunk_rows) if local else []
    kept: list[pa.Table] = []
    if (
        len(groups) > 1
    ):  # local workers read their own row groups: nothing of the population passes through here
        total = sum(rows for rows, _ in groups)
        work: Iterable[Work] = (
            (rows, evaluate_file_chunk, (str(population.resolve()), ids)) for rows, ids in groups
        )
        kept.append(read_columns(population, list(REPORT_COLUMNS)))
        tasks = len(groups)
    else:
        total, chunks = read_batches(population, chunk_rows)
        tasks = max(-(-total // chunk_rows), 1)
        work = _table_work(chunks, kept, not local and not scheduler or tasks <= 1)
    merged = run_stream(spec, work, total, tasks, workers, scheduler, progress)
    return build_report(
        spec,
        pa.concat_tables(kept),
        merged,
        examples,
        population.name,
        lambda rows: read_rows(population, rows),
    )
