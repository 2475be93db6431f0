"""`lexgraph population`: synthetic applications, deterministic per seed, in the columnar layout.

One column per contract field (nested fields with dots); a null cell is an unknown fact; the
nullable objects (employment, investment, family) have a marker column (true: present, false:
an explicit null — 'there is none', null: unknown). Written as Parquet and JSON Lines (either is
read back). The distributions, and the seed passages they rest on, are in docs/impact.md.
(Over 400 lines: the generator and the readers of the columnar layout it defines change together.)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from lexgraph.engine.batch import (
    applications_from_table,
    arrow_schema,
    contract_columns,
    table_from_applications,
)
from lexgraph.engine.errors import PopulationError
from lexgraph.engine.schema import contract_enum

DECISION_DATE = dt.date(2024, 6, 1)

# Nationality shares (ISO alpha-3). Myanmar and Vietnam lead: the 7th census names them the two
# largest sources of foreigners in mainland China (seed 000, 三（一）4). India, the United States and
# Europe's UK, France and Germany are the talent sources seed 002 studies (表 2, 表 3). The rest, and
# the exact shares, are assumptions (docs/impact.md).
NATIONALITIES: tuple[tuple[str, float], ...] = (
    ("MMR", 0.13),
    ("VNM", 0.11),
    ("KOR", 0.10),
    ("USA", 0.10),
    ("JPN", 0.08),
    ("IND", 0.08),
    ("DEU", 0.06),
    ("GBR", 0.06),
    ("FRA", 0.05),
    ("RUS", 0.05),
    ("CAN", 0.04),
    ("AUS", 0.04),
    ("SGP", 0.03),
    ("NGA", 0.03),
    ("BRA", 0.02),
    ("PAK", 0.02),
)
# Education: seed 002 三（一）: 49.3% of skilled immigrants in the US STEM workforce hold a master's or
# a doctorate; applied here to the talent population (master 34%, doctorate 15.3%).
EDUCATION: tuple[tuple[str, float], ...] = (
    ("none", 0.02),
    ("secondary", 0.12),
    ("bachelor", 0.367),
    ("master", 0.34),
    ("doctorate", 0.153),
)
ROUTES: tuple[tuple[str, float], ...] = (
    ("employer", 0.70),
    ("independent", 0.25),
    ("government_recommendation", 0.05),
)
EMPLOYER_TYPES = contract_enum("employment.employer_type")
EMPLOYER_TYPE_P = (0.03, 0.15, 0.25, 0.10, 0.07, 0.08, 0.25, 0.07)  # in the contract's order of the types
POSITIONS = ("staff", "manager", "deputy_general_manager_or_above", "associate_senior_title_or_above")
POSITION_P = (0.55, 0.25, 0.10, 0.10)
REGIONS = ("western", "northeast_old_industrial", "poverty_county", "other")
REGION_P = (0.08, 0.05, 0.02, 0.85)
VOCATIONAL = ("none", "senior_worker", "technician", "senior_technician_or_international_top")
VOCATIONAL_P = (0.85, 0.08, 0.05, 0.02)
RELATIONS = (
    "spouse_of_chinese_citizen_or_pr",
    "spouse_or_minor_child_of_pr_principal",
    "minor_unmarried_child_joining_parent",
    "dependent_aged_60_without_relatives_abroad",
)
RELATION_P = (0.55, 0.25, 0.12, 0.08)
INVEST_REGIONS = ("encouraged_industry", "western", "poverty_county", "central", "other")
INVEST_REGION_P = (0.3, 0.1, 0.05, 0.15, 0.4)
DOCUMENTS = (
    "work_permit",
    "work_residence_permit",
    "z_visa",
    "r_visa",
    "talent_confirmation_letter",
    "work_permit_notice",
    "employer_recommendation",
    "government_recommendation_letter",
    "pr_confirmation_form",
    "permanent_residence",
)
# The chance that a document is held, given the route (employer, independent, government).
DOCUMENT_P = {
    "work_permit": (0.55, 0.10, 0.30),
    "work_residence_permit": (0.50, 0.08, 0.25),
    "z_visa": (0.40, 0.05, 0.2),
    "r_visa": (0.03, 0.02, 0.05),
    "talent_confirmation_letter": (0.03, 0.02, 0.10),
    "work_permit_notice": (0.10, 0.02, 0.05),
    "employer_recommendation": (0.20, 0.00, 0.05),
    "government_recommendation_letter": (0.01, 0.01, 0.60),
    "pr_confirmation_form": (0.01, 0.01, 0.02),
    "permanent_residence": (0.01, 0.01, 0.02),
}
MISSING = 0.02  # the share of any one fact left unknown (absent)


class _Gen:
    def __init__(self, n: int, seed: int):
        self.n = n
        self.rng = np.random.default_rng(seed)

    def choice(self, values: tuple[str, ...], p: tuple[float, ...]) -> Any:
        probs = np.asarray(p, dtype="float64")
        return np.asarray(values, dtype=object)[
            self.rng.choice(len(values), size=self.n, p=probs / probs.sum())
        ]

    def weighted(self, pairs: tuple[tuple[str, float], ...]) -> Any:
        return self.choice(tuple(v for v, _ in pairs), tuple(p for _, p in pairs))

    def bern(self, p: Any) -> Any:
        return self.rng.random(self.n) < p

    def missing(self, share: float = MISSING) -> Any:
        return self.rng.random(self.n) < share


def generate(n: int, seed: int, decision_date: dt.date = DECISION_DATE) -> pa.Table:
    """n synthetic applications (the columnar layout), the same for the same (n, seed, date)."""
    g = _Gen(n, seed)
    rng = g.rng
    cols: dict[str, tuple[Any, Any]] = {}  # name → (values, null mask)

    def put(name: str, values: Any, null: Any = None) -> None:
        cols[name] = (values, np.zeros(n, dtype=bool) if null is None else null)

    width = max(7, len(str(n)))
    put("id", np.array([f"S{seed}-{i:0{width}d}" for i in range(n)], dtype=object))
    put("decision_date", np.full(n, np.datetime64(decision_date.isoformat(), "D")))
    route = g.weighted(ROUTES)
    put("route", route, g.missing(0.02))
    ridx = np.select([route == "employer", route == "independent"], [0, 1], 2)

    # applicant; residence is an object too; the quota state is left unknown (impact sets it)
    put("applicant", np.ones(n, dtype=bool))
    put("residence", np.ones(n, dtype=bool))
    age = np.clip(np.rint(rng.normal(37.0, 9.5, n)), 18, 72).astype(int)
    minors = g.bern(0.02)  # children joining a parent (PR art. 6 item 6)
    age = np.where(minors, rng.integers(3, 18, n), age)
    elders = g.bern(0.01)  # dependants aged 60+ (item 7)
    age = np.where(elders, rng.integers(60, 80, n), age)
    dd = np.datetime64(decision_date.isoformat(), "D")
    birth = (
        dd
        - (age * 365.25).astype("int64").astype("timedelta64[D]")
        - rng.integers(1, 365, n).astype("timedelta64[D]")
    )
    put("applicant.nationality", g.weighted(NATIONALITIES))
    put("applicant.birth_date", birth)
    edu = g.weighted(EDUCATION)
    edu = np.where(age < 18, "none", edu)
    put("applicant.education", edu, g.missing())
    degree = np.isin(edu, ["bachelor", "master", "doctorate"])
    chinese_uni = degree & g.bern(0.18)
    put("applicant.degree_from_chinese_university", chinese_uni, g.missing())
    put("applicant.degree_from_top_foreign_university", degree & ~chinese_uni & g.bern(0.15), g.missing())
    grad_years = np.clip(np.rint(rng.gamma(2.0, 4.0, n)), 0, 40).astype(int)
    graduation = (
        dd - (grad_years * 365).astype("timedelta64[D]") - rng.integers(0, 300, n).astype("timedelta64[D]")
    )
    put("applicant.graduation_date", graduation, ~degree | g.missing())
    put("applicant.stem_degree", degree & g.bern(0.52), g.missing())  # seed 002 三（一）: 52% choose STEM
    experience = np.clip(np.rint(rng.gamma(2.2, 4.5, n)), 0, 45)
    experience = np.minimum(experience, np.maximum(age - 18, 0))
    put("applicant.related_work_experience_years", experience.astype(float), g.missing())
    hsk = np.where(g.bern(0.45), rng.integers(1, 7, n), 0)
    put("applicant.chinese_hsk_level", hsk.astype("int64"), g.missing(0.10))
    put("applicant.english_proficient", g.bern(0.6), g.missing())
    put("applicant.occupation_on_shortage_list", g.bern(0.25), g.missing(0.08))
    for name, p in (
        ("internationally_recognised_award", 0.02),
        ("selected_by_talent_programme", 0.03),
        ("major_contribution_to_china", 0.005),
        ("encouraged_post", 0.04),
        ("innovative_entrepreneur", 0.02),
        ("excellent_young_talent", 0.02),
        ("formerly_chinese_national", 0.02),
        ("degree_taught_in_chinese", 0.06),
        ("fortune_global_500_experience", 0.10),
        ("holds_patent", 0.05),
    ):
        put(f"applicant.{name}", g.bern(p), g.missing())
    put("applicant.ethnic_chinese", g.bern(0.08), g.missing())
    put("applicant.criminal_record", g.bern(0.01), g.missing())
    put("applicant.health_ok", ~g.bern(0.01), g.missing())
    put("applicant.disease_barring_entry", g.bern(0.005), g.missing())
    put("applicant.violation_unfit_to_reside", g.bern(0.002), g.missing())
    put("applicant.good_conduct_declared", ~g.bern(0.03), g.missing(0.10))
    put("applicant.health_declared", ~g.bern(0.02), g.missing(0.10))
    put("applicant.deported_within_ban", g.bern(0.002), g.missing())
    put("applicant.security_risk", g.bern(0.002), g.missing())
    put("applicant.fraud_in_application", g.bern(0.003), g.missing())
    put("applicant.can_cover_expenses", ~g.bern(0.02), g.missing())
    put("applicant.vocational_qualification", g.choice(VOCATIONAL, VOCATIONAL_P), g.missing(0.2))

    # employment: nearly always there on the employer route; often none on the independent one
    p_emp = np.array([0.97, 0.35, 0.6])[ridx]
    emp_marker = g.bern(p_emp)
    emp_unknown = g.missing(0.02)
    put("employment", emp_marker, emp_unknown)
    emp_off = ~emp_marker | emp_unknown  # children null (for a null object they are none)
    salary = np.rint(np.exp(rng.normal(np.log(280000), 0.7, n)) / 1000) * 1000
    local_avg = rng.choice(np.array([85000.0, 100000.0, 120000.0, 150000.0, 180000.0]), n)
    put(
        "employment.employer_name", np.array([f"Employer {i % 997}" for i in range(n)], dtype=object), emp_off
    )
    put("employment.employer_type", g.choice(EMPLOYER_TYPES, EMPLOYER_TYPE_P), emp_off | g.missing())
    put("employment.position_level", g.choice(POSITIONS, POSITION_P), emp_off | g.missing())
    put("employment.annual_salary_cny", salary, emp_off | g.missing())
    put("employment.local_average_annual_salary_cny", local_avg, emp_off | g.missing())
    put("employment.annual_income_tax_cny", np.rint(salary * 0.15), emp_off | g.missing())
    years_post = np.clip(np.rint(rng.gamma(1.6, 2.5, n)), 0, 30)
    put("employment.consecutive_years_in_post", years_post, emp_off | g.missing())
    put(
        "employment.annual_months_working_in_china",
        rng.choice(np.array([2.0, 4.0, 7.0, 9.0, 10.0, 11.0, 12.0]), n),
        emp_off | g.missing(),
    )
    put("employment.contract_signed", g.bern(0.9), emp_off | g.missing())
    put("employment.tax_record_good", g.bern(0.95), emp_off | g.missing())
    put("employment.work_region", g.choice(REGIONS, REGION_P), emp_off | g.missing())
    put(
        "employment.consecutive_years_working_in_china",
        years_post + np.clip(np.rint(rng.gamma(1.2, 2.0, n)), 0, 20),
        emp_off | g.missing(),
    )
    put(
        "employment.local_bonus_points",
        np.where(g.bern(0.1), rng.integers(1, 11, n), 0).astype("int64"),
        emp_off | g.missing(0.3),
    )

    # residence: always an object; some facts unknown
    put(
        "residence.years_resident_in_last_4",
        np.clip(np.rint(rng.uniform(0, 4, n) * 2) / 2, 0, 4),
        g.missing(),
    )
    put("residence.consecutive_years_resident", np.clip(np.rint(rng.gamma(1.5, 3.0, n)), 0, 40), g.missing())
    put(
        "residence.min_months_resident_per_year",
        rng.choice(np.array([3.0, 6.0, 8.0, 9.0, 10.0, 12.0]), n),
        g.missing(),
    )
    put("residence.stable_income_and_housing", g.bern(0.85), g.missing())
    entry = dd - rng.integers(10, 3650, n).astype("timedelta64[D]")
    put("residence.entry_date", entry, g.missing())
    put(
        "residence.entry_visa",
        g.choice(("Z", "R", "X", "Q", "S", "M"), (0.55, 0.05, 0.12, 0.1, 0.1, 0.08)),
        g.missing(),
    )

    # investment: rare
    inv_marker = g.bern(0.05)
    inv_unknown = g.missing(0.02)
    put("investment", inv_marker, inv_unknown)
    inv_off = ~inv_marker | inv_unknown
    amount = np.rint(np.exp(rng.normal(np.log(900000), 1.0, n)) / 1000) * 1000
    put("investment.amount_usd", amount, inv_off | g.missing())
    put("investment.region", g.choice(INVEST_REGIONS, INVEST_REGION_P), inv_off | g.missing())
    put(
        "investment.consecutive_years_stable",
        np.clip(np.rint(rng.gamma(1.5, 2.0, n)), 0, 30),
        inv_off | g.missing(),
    )
    put("investment.tax_record_good", g.bern(0.9), inv_off | g.missing())

    # family: the tie the application rests on; minors and elders get theirs
    fam_marker = g.bern(0.12) | minors | elders
    fam_unknown = g.missing(0.03) & ~minors & ~elders
    put("family", fam_marker, fam_unknown)
    fam_off = ~fam_marker | fam_unknown
    relation = g.choice(RELATIONS, RELATION_P)
    relation = np.where(minors, "minor_unmarried_child_joining_parent", relation)
    relation = np.where(elders, "dependent_aged_60_without_relatives_abroad", relation)
    put("family.relation", relation, fam_off | g.missing())
    put("family.marriage_years", np.clip(np.rint(rng.gamma(2.0, 3.0, n)), 0, 50), fam_off | g.missing())
    put("family.unmarried", np.where(minors, True, g.bern(0.2)), fam_off | g.missing())

    # documents held: absent (unknown) for some; otherwise a route-dependent subset
    held = np.stack([g.bern(np.array(DOCUMENT_P[d])[ridx]) for d in DOCUMENTS], axis=1)
    holds_missing = g.missing(0.05)
    rows, docs = np.nonzero(held)  # row-major: each row's documents in DOCUMENTS order
    offsets = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))]).astype("int32")
    holds = pa.ListArray.from_arrays(
        pa.array(offsets),
        pa.array(np.asarray(DOCUMENTS, dtype=object)[docs], type=pa.string()),
        mask=pa.array(holds_missing),
    )

    schema = arrow_schema()
    arrays = []
    for field in schema:
        if field.name == "holds":
            arrays.append(holds)
        elif field.name in cols:
            values, null = cols[field.name]
            arrays.append(_arrow(values, null, field.type))
        else:
            arrays.append(pa.nulls(n, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _arrow(values: Any, null: Any, t: pa.DataType) -> pa.Array:
    if pa.types.is_date32(t) and np.issubdtype(np.asarray(values).dtype, np.datetime64):
        days = np.asarray(values).astype("datetime64[D]").astype("int64").astype("int32")
        return pa.array(days, type=pa.int32(), mask=null).cast(pa.date32())
    if pa.types.is_date32(t):
        days = np.array(
            [
                (v - dt.date(1970, 1, 1)).days
                if isinstance(v, dt.date)
                else int(np.datetime64(v, "D").astype("int64"))
                for v in values
            ],
            dtype="int32",
        )
        return pa.array(days, type=pa.int32(), mask=null).cast(pa.date32())
    if pa.types.is_string(t):
        return pa.array(np.asarray(values, dtype=object).astype(str), type=t, mask=null)
    return pa.array(np.asarray(values), type=t, mask=null)


# --------------------------------------------------------------------------- files


def write(table: pa.Table, path: Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Write the population to `path`, in the format its suffix names (.parquet or .jsonl) — only that;
    `progress(rows written, rows)` after each batch."""
    step = 100_000 if path.suffix == ".parquet" else 50_000
    if path.suffix == ".parquet":
        with pq.ParquetWriter(path, table.schema) as parquet:
            for start in range(0, max(table.num_rows, 1), step):
                parquet.write_table(table.slice(start, step), row_group_size=step)
                if progress:
                    progress(min(start + step, table.num_rows), table.num_rows)
    elif path.suffix == ".jsonl":
        with path.open("w", encoding="utf-8") as out:
            for start in range(0, table.num_rows, step):
                for app in applications_from_table(table.slice(start, step)):
                    out.write(json.dumps(app, ensure_ascii=False, sort_keys=True) + "\n")
                if progress:
                    progress(min(start + step, table.num_rows), table.num_rows)
    else:
        raise PopulationError(f"{path}: expected a .parquet or .jsonl output")
    return path


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """The table in the contract's columnar layout: its columns in order, a missing one all null."""
    for f in schema:
        if f.name not in table.column_names:
            table = table.append_column(f, pa.nulls(table.num_rows, type=f.type))
    return table.select([f.name for f in schema]).cast(schema)


def read_batches(path: Path, rows: int) -> tuple[int, Iterator[pa.Table]]:
    """The population's size and its rows in batches of at most `rows`, read as they are needed: a
    Parquet file is streamed record batch by record batch, never held whole (JSON Lines is read whole)."""
    if path.suffix != ".parquet":
        table = read(path)
        return table.num_rows, (table.slice(s, rows) for s in range(0, max(table.num_rows, 1), rows))
    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowInvalid) as error:
        raise PopulationError(f"{path}: not a Parquet population: {error}") from None
    schema = arrow_schema()

    def batches() -> Iterator[pa.Table]:
        for batch in parquet.iter_batches(batch_size=rows):
            yield _conform(pa.Table.from_batches([batch]), schema)

    return parquet.metadata.num_rows, batches()


def row_groups(path: Path, rows: int) -> list[tuple[int, tuple[int, ...]]]:
    """A Parquet population's row groups gathered into chunks of about `rows` rows: (rows, group
    numbers) each; [] for another format or a file whose row groups are larger than 2 × `rows`."""
    if path.suffix != ".parquet":
        return []
    try:
        meta = pq.ParquetFile(path).metadata
    except (OSError, pa.ArrowInvalid) as error:
        raise PopulationError(f"{path}: not a Parquet population: {error}") from None
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    if not sizes or max(sizes) > 2 * rows:
        return []
    out: list[tuple[int, tuple[int, ...]]] = []
    for i, size in enumerate(sizes):
        if out and out[-1][0] + size <= rows:
            out[-1] = (out[-1][0] + size, (*out[-1][1], i))
        else:
            out.append((size, (i,)))
    return out


def read_row_groups(path: Path, groups: tuple[int, ...]) -> pa.Table:
    """These row groups of a Parquet population, in the contract's layout."""
    return _conform(pq.ParquetFile(path).read_row_groups(list(groups)), arrow_schema())


def read_columns(path: Path, columns: list[str]) -> pa.Table:
    """Only these columns of a Parquet population (a missing one all null)."""
    schema = arrow_schema()
    present = set(pq.ParquetFile(path).schema_arrow.names)
    table = pq.read_table(path, columns=[c for c in columns if c in present])
    fields = [schema.field(c) for c in columns]
    return _conform(table, pa.schema(fields))


def read_rows(path: Path, indices: list[int]) -> pa.Table:
    """Whole rows of the population by position (the few example applicants of a report): only the
    Parquet row groups that hold them are read."""
    if path.suffix != ".parquet":
        return read(path).take(pa.array(indices, type=pa.int64()))
    parquet = pq.ParquetFile(path)
    starts = np.cumsum([0] + [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)])

    def group_of(i: int) -> int:
        return int(np.searchsorted(starts, i, side="right")) - 1

    groups = sorted({group_of(i) for i in indices})
    table = parquet.read_row_groups(groups) if groups else parquet.schema_arrow.empty_table()
    first: dict[int, int] = {}  # a group's first row within `table`
    for g in groups:
        first[g] = sum(int(starts[h + 1] - starts[h]) for h in groups if h < g)
    local = [first[group_of(i)] + i - int(starts[group_of(i)]) for i in indices]
    return _conform(table.take(pa.array(local, type=pa.int64())), arrow_schema())


def read(path: Path) -> pa.Table:
    """A population from .parquet (the columnar layout) or .jsonl (one application per line)."""
    if path.suffix == ".parquet":
        return _conform(pq.read_table(path), arrow_schema())
    if path.suffix == ".jsonl":
        apps = []
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    app = json.loads(line)
                except json.JSONDecodeError as error:
                    raise PopulationError(f"{path}:{number}:{error.colno}: not JSON: {error.msg}") from None
                if not isinstance(app, dict):
                    raise PopulationError(f"{path}:{number}:1: expected an application object")
                apps.append(app)
        return table_from_applications(apps)
    raise PopulationError(f"{path}: expected a .parquet or .jsonl population")


__all__ = ["contract_columns", "generate", "read", "write"]
