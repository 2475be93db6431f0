"""`lexgraph impact`: what an amendment would do to a population, permit by permit, and why.

The population is decided twice — under the law in force and under the law with the amendment
(and parameters) applied — by the column evaluator (engine/batch.py), in chunks on all local cores
or on a Dask cluster (`--scheduler`); the per-applicant outcomes are merged by row, so the result
does not depend on how the work was split. Full traces are built only for the example applicants
shown, through LawContext.decide. The same population, amendment and parameters give byte-identical
JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from lexgraph.engine import model as m
from lexgraph.engine.batch import BatchEvaluator, BatchResult, FactBatch, applications_from_table
from lexgraph.engine.check import calls

from .decisions import LawContext
from .render import decision_json, dumps, render_text

OUTCOMES = {1: "eligible", 0: "ineligible", -1: "undetermined"}
AGE_BANDS = ((0, 17, "<18"), (18, 25, "18-25"), (26, 35, "26-35"), (36, 45, "36-45"), (46, 55, "46-55"),
             (56, 60, "56-60"), (61, 200, ">60"))
INDIRECT = "(indirect: an outcome it depends on changed)"


# --------------------------------------------------------------------------- the two laws


@dataclass(frozen=True)
class LawSpec:
    """Everything a worker needs to rebuild both laws (picklable: paths and text only)."""

    law_dirs: tuple[str, ...] | None
    amendments: tuple[str, ...]
    parameters: tuple[tuple[str, str], ...]
    as_of: str | None = None

    def contexts(self) -> tuple[LawContext, LawContext]:
        key = self
        if key not in _CONTEXTS:
            dirs = [Path(d) for d in self.law_dirs] if self.law_dirs else None
            before = LawContext.load(dirs)
            after = LawContext.load(dirs, [Path(a) for a in self.amendments], dict(self.parameters))
            _CONTEXTS[key] = (before, after)
        return _CONTEXTS[key]


_CONTEXTS: dict[LawSpec, tuple[LawContext, LawContext]] = {}


@dataclass(frozen=True)
class Quota:
    """An annual quota as docs/amendments.md defines it: a rule of the amendment compares a count
    fact with a quota parameter; the grant rules that read it are the grants the quota caps."""

    parameter: str
    limit: int
    count_fact: str  # e.g. quota.independent_grants_this_year
    condition_rule: str  # the rule through which applicants over the quota are refused
    permit: str
    table: str  # points table ranking the candidates ('' = by applicant id alone)


def amendment_rules(law: Any) -> set[str]:
    amendments = {i.id for i in law.instruments.values() if i.kind == "amendment"}
    return {r.id for r in law.rules.values() if r.instrument in amendments}


def _is_quota(name: str) -> bool:
    return name == "quota" or name.endswith("_quota")


def quotas(law: Any) -> list[Quota]:
    out: list[Quota] = []
    amended = amendment_rules(law)
    for rid in sorted(amended):
        rule = law.rules[rid]
        for cmp in _compares(rule.when):
            sides = (cmp.left, cmp.right)
            param = next((x.parts[1] for x in sides if isinstance(x, m.Path) and x.parts[0] == "params"
                          and len(x.parts) == 2 and _is_quota(x.parts[1])), None)
            count = next((x.dotted for x in sides if isinstance(x, m.Path) and x.dotted in law.facts), None)
            if param is None or count is None:
                continue
            names = {c.name for c in rule.conclusions if c.kind == "condition"}
            for gid in sorted(amended):
                grant = law.rules[gid]
                reads = {x.args[0].dotted for x in (calls(grant.when) if grant.when else []) if x.name == "met"}
                if gid != rid and not (names & reads):
                    continue
                tables = sorted({x.args[0].dotted for x in (calls(grant.when) if grant.when else []) if x.name == "points"})
                for c in grant.conclusions:
                    if c.kind == "eligible":
                        out.extend(Quota(param, int(law.parameter_values[param]), count, rid, p, tables[0] if tables else "")
                                   for p in c.permits)
    return sorted(set(out), key=lambda q: (q.permit, q.parameter))


def _compares(e: m.Expr | None) -> list[m.Compare]:
    if e is None:
        return []
    out: list[m.Compare] = [e] if isinstance(e, m.Compare) else []
    for attr in ("operands", "args"):
        for x in getattr(e, attr, ()) or ():
            out += _compares(x)
    if isinstance(getattr(e, "operand", None), m.Expr):
        out += _compares(e.operand)
    return out


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
                table = table.set_column(table.column_names.index(marker), marker, pa.array([True] * table.num_rows))
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
    candidates' points."""
    before, after = spec.contexts()
    as_of = dt.date.fromisoformat(spec.as_of) if spec.as_of else None
    n = table.num_rows
    qs = quotas(after.law)
    catalogue = rule_catalogue(spec)
    code_of = {r: i for i, r in enumerate(catalogue)}
    permits = sorted(set(before.law.permits) | set(after.law.permits))
    amended = amendment_rules(after.law)
    base = FactBatch(table)
    groups_before = BatchEvaluator(before.evaluator).run(base, as_of)
    variants = {"after0": {q.count_fact: 0 for q in qs}}
    if qs:
        variants["afterq"] = {q.count_fact: max(q.limit, 0) for q in qs}
    out: dict[str, Any] = {"n": n}
    for p in permits:
        out[f"before:{p}"] = np.full(n, -1, dtype="int8")
    for name, counts in variants.items():
        batch = base.with_columns(with_counts(table, counts), counts) if counts else base
        groups_after = BatchEvaluator(after.evaluator).run(batch, as_of)
        for p in permits:
            out[f"{name}:{p}"] = np.full(n, -1, dtype="int8")
            out[f"rule_{name}:{p}"] = np.full(n, -1, dtype="int16")
        for (rows, rb), (_rows, ra) in _aligned(groups_before, groups_after):
            for p in permits:
                b = rb.outcome_codes(p) if p in rb.outcomes else np.zeros(len(rows), dtype="int8")
                a = ra.outcome_codes(p) if p in ra.outcomes else np.zeros(len(rows), dtype="int8")
                out[f"before:{p}"][rows] = b
                out[f"{name}:{p}"][rows] = a
                out[f"rule_{name}:{p}"][rows] = _deciding_rule(rb, ra, p, b, a, code_of, amended)
            if name == "after0":
                for q in qs:
                    key = f"points:{q.permit}:{q.parameter}"
                    out.setdefault(key, np.zeros(n, dtype="float64"))
                    if q.table:
                        lo, _hi = ra.points[q.table]
                        out[key][rows] = np.broadcast_to(lo, (len(rows),))
    return out


def _aligned(gb: list[tuple[Any, BatchResult]], ga: list[tuple[Any, BatchResult]]) -> list[tuple[tuple[Any, BatchResult], tuple[Any, BatchResult]]]:
    """Pair the date groups of the two laws (an amendment in force everywhere keeps them alike)."""
    if len(gb) == len(ga) and all(np.array_equal(x[0], y[0]) for x, y in zip(gb, ga, strict=True)):
        return list(zip(gb, ga, strict=True))
    raise ValueError("the amendment changes which rows share a program; pass --as-of")


def _any(masks: list[Any], n: int) -> Any:
    out = np.zeros(n, dtype=bool)
    for x in masks:
        out |= x
    return out


def _deciding_rule(rb: BatchResult, ra: BatchResult, permit: str, b: Any, a: Any,
                   code_of: dict[str, int], amended: set[str]) -> Any:
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
        return "grant" if any(c.kind == "eligible" and permit in c.permits for c in rule.conclusions) else "restrict"

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
    for want, masks in ((gained, towards_yes), (lost | now_ineligible, towards_no), (changed, towards_yes), (changed, towards_no)):
        for r, mask in zip(ids, masks, strict=True):
            hit = want & (sub == -1) & mask
            sub[hit] = code_of[r]
    sub[sub == -1] = code_of[INDIRECT]
    code[where] = sub
    return code


# --------------------------------------------------------------------------- running the chunks


def run_chunks(spec: LawSpec, table: pa.Table, workers: int | None = None, scheduler: str | None = None,
               chunk_rows: int = 100_000, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Evaluate `table` in chunks — inline, on local processes, or on a Dask cluster — and merge by row."""
    n = table.num_rows
    starts = list(range(0, n, chunk_rows)) or [0]
    chunks = [table.slice(s, chunk_rows) for s in starts]
    results: list[dict[str, Any]] = [{} for _ in chunks]
    done = 0
    if scheduler:
        from distributed import Client, as_completed

        with Client(scheduler) as client:
            futures = {client.submit(evaluate_ipc_chunk, spec, _to_ipc(c), pure=False): i for i, c in enumerate(chunks)}
            for fut in as_completed(futures):
                results[futures[fut]] = fut.result()
                done += chunks[futures[fut]].num_rows
                if progress:
                    progress(done, n)
    elif (workers if workers is not None else (os.cpu_count() or 1)) > 1 and len(chunks) > 1:
        import concurrent.futures as cf
        import multiprocessing as mp

        count = min(workers or os.cpu_count() or 1, len(chunks))
        # fork where there is one: the workers inherit the loaded laws instead of parsing them again
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        with cf.ProcessPoolExecutor(count, mp_context=mp.get_context(method)) as pool:
            fmap = {pool.submit(evaluate_ipc_chunk, spec, _to_ipc(c)): i for i, c in enumerate(chunks)}
            for fut in cf.as_completed(fmap):
                results[fmap[fut]] = fut.result()
                done += chunks[fmap[fut]].num_rows
                if progress:
                    progress(done, n)
    else:
        for i, c in enumerate(chunks):
            results[i] = evaluate_chunk(spec, c)
            done += c.num_rows
            if progress:
                progress(done, n)
    merged: dict[str, Any] = {"n": n}
    for key in results[0]:
        if key != "n":
            merged[key] = np.concatenate([r[key] for r in results])
    return merged


def apply_quotas(spec: LawSpec, merged: dict[str, Any], ids: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
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
        order = needs[np.lexsort((ids[needs], -points))]
        limit = max(q.limit, 0)
        refused = order[limit:]
        refused_any[refused] = True
        count = counts.setdefault(q.count_fact, np.zeros(n, dtype="int64"))
        count[order[:limit]] = np.arange(min(limit, len(order)))
        count[refused] = limit
        cut = float(merged[f"points:{q.permit}:{q.parameter}"][order[limit - 1]]) if 0 < limit <= len(order) else None
        report.append({"parameter": q.parameter, "limit": q.limit, "permit": q.permit, "count_fact": q.count_fact,
                       "ranked_by": q.table or "applicant id", "needing_quota": int(len(needs)),
                       "granted": int(min(len(needs), limit)), "refused_over_quota": int(len(refused)),
                       "lowest_points_granted": _num(cut), "refused_through": q.condition_rule})
    for p in permits:  # refused rows: decided with the counts at their limits, dependants included
        if f"afterq:{p}" in merged:
            merged[f"after:{p}"][refused_any] = merged[f"afterq:{p}"][refused_any]
            merged[f"rule:{p}"][refused_any] = merged[f"rule_afterq:{p}"][refused_any]
    for q in quotas(after.law):
        rule, a, b = merged[f"rule:{q.permit}"], merged[f"after:{q.permit}"], merged[f"before:{q.permit}"]
        over = refused_any & (a != b) & (merged[f"after0:{q.permit}"] == 1)
        rule[over] = code_of.get(q.condition_rule, code_of["quota"])
    return report, counts


def _num(x: float | None) -> int | float | None:
    return int(x) if x is not None and float(x).is_integer() else x


# --------------------------------------------------------------------------- the report


def age_bands(table: pa.Table) -> Any:
    birth = table.column("applicant.birth_date")
    day = table.column("decision_date")
    out = np.full(table.num_rows, "unknown", dtype=object)
    if not (pa.types.is_date32(birth.type) and pa.types.is_date32(day.type)):
        return out
    valid = np.asarray(birth.is_valid().to_numpy(zero_copy_only=False)) & np.asarray(day.is_valid().to_numpy(zero_copy_only=False))
    b = birth.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False).astype("datetime64[D]")
    d = day.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False).astype("datetime64[D]")

    def ymd(x: Any) -> tuple[Any, Any, Any]:
        mo = x.astype("datetime64[M]")
        return x.astype("datetime64[Y]").astype(int) + 1970, mo.astype(int) % 12 + 1, (x - mo).astype(int) + 1

    yb, mb, db = ymd(b)
    yd, md, dd = ymd(d)
    age = yd - yb - ((md < mb) | ((md == mb) & (dd < db)))
    for lo, hi, label in AGE_BANDS:
        out[valid & (age >= lo) & (age <= hi)] = label
    return out


def build_report(spec: LawSpec, table: pa.Table, merged: dict[str, Any], examples: int = 2,
                 source: str = "") -> dict[str, Any]:
    before, after = spec.contexts()
    ids = np.asarray(table.column("id").to_numpy(zero_copy_only=False), dtype=object).astype(str)
    quota_report, quota_counts = apply_quotas(spec, merged, ids)
    catalogue = rule_catalogue(spec)
    nat = table.column("applicant.nationality").fill_null("unknown").to_numpy(zero_copy_only=False).astype(str)
    bands = age_bands(table).astype(str)
    permits = sorted(set(before.law.permits) | set(after.law.permits))
    out_permits: dict[str, Any] = {}
    wanted_examples: list[tuple[int, str, str, str]] = []
    for p in permits:
        b, a, rule = merged[f"before:{p}"], merged[f"after:{p}"], merged[f"rule:{p}"]
        gained, lost = (a == 1) & (b != 1), (b == 1) & (a != 1)
        trans = {f"{OUTCOMES[x]}->{OUTCOMES[y]}": int(((b == x) & (a == y)).sum())
                 for x in (1, 0, -1) for y in (1, 0, -1) if x != y}
        by_rule = []
        for direction, mask in (("gained", gained), ("lost", lost), ("other", (a != b) & ~gained & ~lost)):
            codes, counts = np.unique(rule[mask], return_counts=True)
            for code, count in sorted(zip(codes.tolist(), counts.tolist(), strict=True), key=lambda kv: (-kv[1], catalogue[kv[0]])):
                rows = np.nonzero(mask & (rule == code))[0][:3]
                by_rule.append({"direction": direction, "rule": catalogue[code], "count": int(count),
                                "examples": [str(ids[r]) for r in rows]})
                if direction != "other":
                    for r in rows[:examples]:
                        wanted_examples.append((int(r), p, direction, catalogue[code]))
        out_permits[p] = {
            "eligible_before": int((b == 1).sum()), "eligible_after": int((a == 1).sum()),
            "undetermined_before": int((b == -1).sum()), "undetermined_after": int((a == -1).sum()),
            "gained": int(gained.sum()), "lost": int(lost.sum()), "transitions": trans, "by_rule": by_rule,
            "by_nationality": _breakdown(nat, gained, lost), "by_age_band": _breakdown(bands, gained, lost),
        }
    overrides = {k: v for k, v in after.law.parameter_values.items() if after.law.parameters[k].default != v}
    return {
        "population": {"applicants": int(merged["n"]), "source": source},
        "law": {"baseline_digest": before.law.digest, "amended_digest": after.law.digest,
                "amendments": list(after.law.applied_amendments),
                "parameters": {k: after.law.parameter_values[k] for k in sorted(after.law.parameters)},
                "parameters_overridden": dict(sorted(overrides.items())), "as_of": spec.as_of},
        "quotas": quota_report,
        "permits": out_permits,
        "examples": _examples(spec, table, wanted_examples, ids, quota_counts),
    }


def _breakdown(keys: Any, gained: Any, lost: Any) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for label, mask in (("gained", gained), ("lost", lost)):
        values, counts = np.unique(keys[mask], return_counts=True)
        for v, c in zip(values.tolist(), counts.tolist(), strict=True):
            out.setdefault(str(v), {"gained": 0, "lost": 0})[label] = int(c)
    return dict(sorted(out.items()))


def _examples(spec: LawSpec, table: pa.Table, wanted: list[tuple[int, str, str, str]], ids: Any,
              counts: dict[str, Any]) -> list[dict[str, Any]]:
    """Full traces, before and after, for the few example applicants only (after: with the quota
    count each was decided with)."""
    before, after = spec.contexts()
    as_of = dt.date.fromisoformat(spec.as_of) if spec.as_of else None
    out = []
    for row, permit, direction, rule in wanted:
        app = applications_from_table(table.slice(row, 1))[0]
        asked = {**app, "requested": [permit]}
        d_before = before.decide(asked, as_of)
        counted = applications_from_table(with_counts(table.slice(row, 1), {k: int(v[row]) for k, v in counts.items()}))[0]
        d_after = after.decide({**counted, "requested": [permit]}, as_of)
        out.append({"id": str(ids[row]), "permit": permit, "direction": direction, "rule": rule,
                    "application": app,
                    "before": decision_json(d_before)["decisions"][0], "after": decision_json(d_after)["decisions"][0],
                    "before_text": render_text(d_before), "after_text": render_text(d_after)})
    return out


# --------------------------------------------------------------------------- rendering


def render_impact_text(report: dict[str, Any]) -> str:
    lines = [f"修改影响评估 Amendment impact — {report['population']['applicants']} applicants; "
             f"amendments: {', '.join(report['law']['amendments']) or 'none'}; "
             f"parameters: {report['law']['parameters_overridden'] or 'defaults'}", ""]
    lines.append(f"{'permit':28} {'before':>9} {'after':>9} {'gained':>8} {'lost':>8}")
    for p, r in report["permits"].items():
        lines.append(f"{p:28} {r['eligible_before']:>9} {r['eligible_after']:>9} {r['gained']:>8} {r['lost']:>8}")
    for q in report["quotas"]:
        lines.append(f"\nquota {q['parameter']} = {q['limit']} on {q['permit']}: {q['needing_quota']} needing the quota, "
                     f"{q['granted']} granted, {q['refused_over_quota']} refused over quota (ranked by {q['ranked_by']})")
    for p, r in report["permits"].items():
        if not r["by_rule"]:
            continue
        lines.append(f"\n{p}: by the rule that made the difference")
        for e in r["by_rule"]:
            lines.append(f"  {e['direction']:7} {e['count']:>8}  {e['rule']}  e.g. {', '.join(e['examples'])}")
    for ex in report["examples"]:
        lines.append(f"\n=== example {ex['id']}: {ex['permit']} {ex['direction']} ({ex['rule']})")
        lines.append("--- before")
        lines.append(ex["before_text"].rstrip())
        lines.append("--- after")
        lines.append(ex["after_text"].rstrip())
    return "\n".join(lines) + "\n"


def render_impact_html(report: dict[str, Any]) -> str:
    """The report as one self-contained page (compliance/templates/impact.html): the tables, and
    charts of the flips by permit, rule, nationality and age band (counts and rates per 1,000)."""
    from .pages import flips_chart, render_page

    permits = report["permits"]
    applicants = int(report["population"]["applicants"])
    charts = [("Flips by permit", [(p, r["gained"], r["lost"]) for p, r in permits.items()])]
    by_rule: dict[str, list[int]] = {}
    for r in permits.values():
        for x in r["by_rule"]:
            slot = by_rule.setdefault(x["rule"], [0, 0])
            slot[0 if x["direction"] == "gained" else 1] += x["count"] if x["direction"] != "other" else 0
    charts.append(("Flips by rule", sorted(((k, g, lst) for k, (g, lst) in by_rule.items()), key=lambda t: (-(t[1] + t[2]), t[0]))))
    bands = [label for _, _, label in AGE_BANDS]
    for key, title in (("by_nationality", "Flips by nationality"), ("by_age_band", "Flips by age band")):
        totals: dict[str, list[int]] = {}
        for r in permits.values():
            for k, v in r[key].items():
                slot = totals.setdefault(k, [0, 0])
                slot[0] += v["gained"]
                slot[1] += v["lost"]
        rows = [(k, g, lst) for k, (g, lst) in totals.items()]
        if key == "by_nationality":
            rows.sort(key=lambda t: (-(t[1] + t[2]), t[0]))
        else:  # the bands in the order of age, youngest first
            rows.sort(key=lambda t: bands.index(t[0]) if t[0] in bands else len(bands))
        charts.append((title, rows))
    return render_page("impact.html", applicants=applicants, amendments=report["law"]["amendments"],
                       parameters=str(report["law"]["parameters"]), permits=permits, quotas=report["quotas"],
                       charts=[{"title": title, "svg": flips_chart(title, rows, applicants)} for title, rows in charts],
                       examples=report["examples"])


# --------------------------------------------------------------------------- command


def impact(population: Path, amendments: list[Path], parameters: dict[str, str], law_dirs: list[Path] | None = None,
           as_of: dt.date | None = None, workers: int | None = None, scheduler: str | None = None,
           examples: int = 2, progress: Callable[[int, int], None] | None = None,
           chunk_rows: int = 100_000) -> dict[str, Any]:
    """The impact report (a JSON-ready dict) of `amendments` on the population file."""
    from .population import read

    table = read(population)
    spec = LawSpec(tuple(str(d.resolve()) for d in law_dirs) if law_dirs else None,
                   tuple(str(a.resolve()) for a in amendments), tuple(sorted(parameters.items())),
                   as_of.isoformat() if as_of else None)
    spec.contexts()  # fail fast, here, on a bad amendment or parameter
    merged = run_chunks(spec, table, workers, scheduler, chunk_rows, progress)
    return build_report(spec, table, merged, examples, population.name)


@dataclass
class _Progress:
    bar: Any = None
    task: Any = None
    calls: list[int] = field(default_factory=list)

    def __call__(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total)


def cmd_impact(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import Progress

    from .population import PopulationError

    if not args.amendments:
        print("error: --with AMENDMENT is required", file=sys.stderr)
        return 2
    if not args.population.is_file():
        print(f"error: {args.population}: no such population file", file=sys.stderr)
        return 1
    console = Console(stderr=True)
    progress = _Progress()
    try:
        if console.is_terminal:
            with Progress(console=console, transient=True) as bar:
                progress.bar, progress.task = bar, bar.add_task("deciding", total=None)
                report = _run(args, progress)
        else:
            report = _run(args, progress)
    except (PopulationError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.format == "json":
        text = dumps(report)
    elif args.format == "html":
        text = render_impact_html(report)
    else:
        text = render_impact_text(report)
    from .cli import write_output

    write_output(text, args.output)
    return 0


def _run(args: argparse.Namespace, progress: _Progress) -> dict[str, Any]:
    return impact(args.population, args.amendments, dict(args.parameters), getattr(args, "law", None), args.as_of,
                  args.workers, args.scheduler, args.examples, progress)


def register(sub: Any) -> None:
    from .cli import _date, add_law_options

    p = sub.add_parser("impact", help="how an amendment changes the decisions of a population, and why")
    p.add_argument("population", type=Path, help="a population (.parquet or .jsonl), e.g. from `lexgraph population`")
    add_law_options(p)
    p.add_argument("--as-of", type=_date, help="decide every application as of this date (default: its decision_date)")
    p.add_argument("--format", choices=["text", "json", "html"], default="text")
    p.add_argument("-o", "--output", type=Path)
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run the chunks on this Dask distributed scheduler")
    p.add_argument("--workers", type=int, help="local processes (default: all cores; 1 = in this process)")
    p.add_argument("--examples", type=int, default=2, help="example applicants per permit, direction and rule (default 2)")
    p.set_defaults(func=cmd_impact)
