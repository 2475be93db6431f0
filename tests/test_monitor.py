"""The obligations monitor: scenario timelines for every duty (met on the last day, breached by one
day, never triggered), prohibitions, overlapping cases, bad input, the durable_rules backend against
the plain-Python reference on generated timelines, and the case endpoints of the real service."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lexgraph.compliance.monitor import (
    DurableMonitor,
    MonitorInputError,
    assemble,
    canonical,
    monitor,
    parse_event,
    read_events,
    run_reference,
)
from lexgraph.compliance.monitor_render import report_json
from lexgraph.engine.obligations import EVENTS, fields_of, plan
from lexgraph.engine.pipeline import load_law

ROOT = Path(__file__).resolve().parent.parent
TIMELINES = ROOT / "tests" / "timelines"
EXPECTED = json.loads((TIMELINES / "expected.json").read_text(encoding="utf-8"))

try:
    import durable  # noqa: F401
except ImportError:  # pragma: no cover
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("durable-rules is not installed (pip install '.[monitor]')", allow_module_level=True)


@pytest.fixture(scope="module")
def law() -> Any:
    return load_law()


@pytest.fixture(scope="module")
def the_plan(law: Any) -> Any:
    return plan(law)


@pytest.fixture(scope="module")
def durable_monitor(the_plan: Any) -> Any:
    runner = DurableMonitor(the_plan)
    yield runner
    runner.close()


def _report(
    law: Any, the_plan: Any, path: Path, engine: str, runner: Any, as_of: str | None = None
) -> dict[str, Any]:
    cases = read_events(path)
    day = (
        dt.date.fromisoformat(as_of)
        if as_of
        else dt.date.fromordinal(max(e["day"] for v in cases.values() for e in v))
    )
    results = monitor(cases, the_plan, day.toordinal(), engine, runner)
    return {c["case"]: c for c in report_json(results, law, day)["cases"]}


@pytest.mark.parametrize("engine", ["durable", "reference"])
@pytest.mark.parametrize("duty", sorted(EXPECTED))
def test_every_duty_met_on_the_last_day_breached_by_one_never_triggered(
    law: Any, the_plan: Any, durable_monitor: Any, duty: str, engine: str
) -> None:
    report = _report(law, the_plan, TIMELINES / f"{duty}.jsonl", engine, durable_monitor)
    for case, want in EXPECTED[duty].items():
        got = [o for o in report[case]["obligations"] if o["duty"] == f"obligations/{duty}"]
        if want is None:
            assert got == [], case
            continue
        assert len(got) == 1, case
        item = got[0]
        assert {k: item[k] for k in want} == want, case
        assert item["text"] or item["source"]  # every alert carries its article (or its named source)
        if want["status"] == "breached" and not item["duty"].endswith("extension"):
            assert item["discharged_late"]["date"] == want["status_date"]


def test_overstay_is_fined_by_the_day(law: Any, the_plan: Any, durable_monitor: Any) -> None:
    report = _report(
        law, the_plan, ROOT / "examples" / "timeline.jsonl", "durable", durable_monitor, "2024-08-10"
    )
    stay = next(
        o for o in report["student-07"]["obligations"] if o["duty"] == "obligations/leave_before_stay_ends"
    )
    assert stay["status"] == "breached" and stay["breached_on"] == "2024-08-01"
    fine = stay["consequence"]["fine"]
    assert (fine["days"], fine["max"], fine["cap"]) == (5, 2500, 10000)  # 08-01 … 08-05, the day of exit
    assert stay["consequence"]["cited_as"].endswith("第七十八条第一款")
    assert "每非法居留一日五百元" in stay["consequence"]["text"]


def test_two_overlapping_cases_in_one_stream(law: Any, the_plan: Any, durable_monitor: Any) -> None:
    report = _report(
        law, the_plan, ROOT / "examples" / "timeline.jsonl", "durable", durable_monitor, "2024-08-10"
    )
    status = {c: {o["duty"].split("/")[1]: o["status"] for o in r["obligations"]} for c, r in report.items()}
    assert status["engineer-01"]["residence_permit_after_entry"] == "met"
    assert status["student-07"]["residence_permit_after_entry"] == "breached"  # applied on day 31
    assert status["engineer-01"]["particulars_change"] == "breached"
    assert status["student-07"]["residence_extension"] == "not_sought"
    assert status["student-07"]["student_work_without_endorsement"] == "violated"
    assert "work_without_permits" not in status["engineer-01"]


def test_prohibitions(law: Any, the_plan: Any, durable_monitor: Any) -> None:
    for engine in ("durable", "reference"):
        report = _report(law, the_plan, TIMELINES / "prohibitions.jsonl", engine, durable_monitor)
        violated = {
            c: sorted(o["duty"].split("/")[1] for o in r["obligations"] if o["status"] == "violated")
            for c, r in report.items()
        }
        assert violated["legal-hire"] == []
        assert violated["no-permits"] == ["employ_without_permits", "work_without_permits"]
        assert violated["permit-lapsed"] == ["employ_without_permits", "work_without_permits"]
        assert violated["scope"] == ["work_beyond_permit_scope"]
        assert violated["student-endorsed"] == []
        assert violated["student-not-endorsed"] == ["student_work_without_endorsement"]
        # 法 第四十八条: a permanent resident works on the card; once cancelled (第四十九条) the permits are needed
        assert violated["pr-holder"] == []
        assert violated["pr-cancelled"] == ["employ_without_permits", "work_without_permits"]
        cancelled = next(
            o for o in report["pr-cancelled"]["obligations"] if o["duty"].endswith("work_without_permits")
        )
        assert [h["holding"] for h in cancelled["missing"]] == ["work_permit", "work_residence_permit"]
        hire = next(
            o for o in report["no-permits"]["obligations"] if o["duty"].endswith("employ_without_permits")
        )
        assert [h["holding"] for h in hire["missing"]] == ["work_permit", "work_residence_permit"]
        assert hire["consequence"]["fine"] == {
            "currency": "CNY",
            "min": 10000,
            "max": 10000,
            "per": "person",
            "rate": 10000,
            "cap": 100000,
            "persons": 1,
        }
        lapsed = next(
            o for o in report["permit-lapsed"]["obligations"] if o["duty"].endswith("work_without_permits")
        )
        assert [h["holding"] for h in lapsed["missing"]] == ["work_permit"]
        reported = next(
            o for o in report["reported"]["obligations"] if o["duty"].endswith("employer_reports_departure")
        )
        assert (reported["status"], reported["due"]) == ("met", None)


def test_out_of_order_and_bad_fields_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "events.jsonl"
    bad.write_text(
        '{"case": "a", "date": "2024-01-05", "type": "entry"}\n'
        '{"case": "b", "date": "2024-01-01", "type": "entry"}\n'
        '{"case": "a", "date": "2024-01-03", "type": "exit"}\n'
        '{"case": "b", "date": "2024-01-04", "type": "entry", "visa": "ZZ"}\n'
        '{"case": "b", "date": "2024-01-04", "type": "teleport"}\n',
        encoding="utf-8",
    )
    with pytest.raises(MonitorInputError) as error:
        read_events(bad)
    assert [(line, fld) for line, fld, _ in error.value.problems] == [(3, "date"), (4, "visa"), (5, "type")]
    run = subprocess.run(
        [sys.executable, "-m", "lexgraph.compliance.cli", "monitor", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"{bad}:3: date: out of order" in run.stderr


def test_cli_formats(tmp_path: Path) -> None:
    for fmt in ("text", "json", "html"):
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "lexgraph.compliance.cli",
                "monitor",
                "examples/timeline.jsonl",
                "--as-of",
                "2024-08-10",
                "--format",
                fmt,
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert run.returncode == 0, run.stderr
        assert "第七十八条" in run.stdout


def test_a_case_session_is_deleted_when_reported(the_plan: Any, durable_monitor: Any) -> None:
    import durable_rules_engine

    def facts(sid: str) -> Any:
        try:
            return durable_monitor._host.get_facts(DurableMonitor.RULESET, sid)
        except durable_rules_engine.error as error:
            return str(error)

    probe = {"t": "h", "h": "work_permit", "seq": 1, "i": 0, "sid": "probe"}
    durable_monitor.submit(lambda: durable_monitor._host.assert_fact(DurableMonitor.RULESET, probe))
    assert len(durable_monitor.submit(lambda: facts("probe"))) == 1  # a live session holds its facts
    events = read_events(ROOT / "examples" / "timeline.jsonl")["engineer-01"]
    durable_monitor.run_case("engineer-01", events, dt.date(2024, 8, 10).toordinal())
    assert "309" in durable_monitor.submit(lambda: facts("engineer-01"))  # 309: no such session
    durable_monitor.submit(lambda: durable_monitor._host.delete_state(DurableMonitor.RULESET, "probe"))


# ------------------------------------------------------------------ the two engines agree

_TYPES = sorted(EVENTS)


@st.composite
def timelines(draw: Any) -> list[dict[str, Any]]:
    day = dt.date(2013, 6, 1).toordinal() + draw(st.integers(0, 4000))
    events = []
    for seq in range(1, draw(st.integers(1, 14)) + 1):
        day += draw(st.sampled_from([0, 0, 1, 2, 5, 10, 11, 15, 16, 30, 31, 60, 61]))
        kind = draw(st.sampled_from(_TYPES))
        raw: dict[str, Any] = {"case": "c", "date": dt.date.fromordinal(day).isoformat(), "type": kind}
        for name, f in fields_of(kind).items():
            if f.kind == "enum" and (f.required or draw(st.booleans())):
                raw[name] = draw(st.sampled_from(f.members))
            elif f.kind == "bool" and draw(st.booleans()):
                raw[name] = draw(st.booleans())
            elif f.kind == "date" and (f.required or draw(st.booleans())):
                raw[name] = dt.date.fromordinal(day + draw(st.integers(-40, 120))).isoformat()
        event, problems = parse_event(raw, seq)
        assert event is not None, problems
        events.append(event)
    return events


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=timelines(), tail=st.integers(0, 90))
def test_durable_rules_and_the_reference_give_identical_results(
    the_plan: Any, durable_monitor: Any, events: list[dict[str, Any]], tail: int
) -> None:
    as_of = events[-1]["day"] + tail
    reference = run_reference(the_plan, events, as_of)
    durable_records = durable_monitor.run_case("c", events, as_of)
    assert canonical(durable_records) == canonical(reference)
    assert len(assemble(the_plan, durable_records)) == len(assemble(the_plan, reference))


# ------------------------------------------------------------------ the service, for real


def test_case_events_survive_a_restart_and_bad_events_are_422(tmp_path: Path) -> None:
    import httpx
    from test_service import _serve

    lines = [
        json.loads(x) for x in (ROOT / "examples" / "timeline.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    student = [x for x in lines if x["case"] == "student-07"]
    with _serve(tmp_path) as server:
        first = httpx.post(f"{server.url}/v1/cases/student-07/events", json=student[:3], timeout=30)
        assert first.status_code == 201 and first.json()["events"] == 3
        late = httpx.post(
            f"{server.url}/v1/cases/student-07/events", json={**student[0], "date": "2020-01-01"}, timeout=30
        )
        assert late.status_code == 422 and late.json()["problems"][0]["path"] == "$[0].date"
        bad = httpx.post(
            f"{server.url}/v1/cases/student-07/events",
            json=[{"date": "2024-05-01", "type": "entry", "visa": "ZZ"}],
            timeout=30,
        )
        assert bad.status_code == 422 and bad.json()["problems"][0]["path"] == "$[0].visa"
        assert httpx.get(f"{server.url}/v1/cases/nobody/obligations", timeout=30).status_code == 404
    with _serve(tmp_path) as server:  # a new process on the same database: nothing is lost
        rest = httpx.post(f"{server.url}/v1/cases/student-07/events", json=student[3:], timeout=30)
        assert rest.status_code == 201 and rest.json()["events"] == len(student)
        got = httpx.get(
            f"{server.url}/v1/cases/student-07/obligations", params={"as_of": "2024-08-10"}, timeout=30
        )
        assert got.status_code == 200, got.text
        status = {o["duty"].split("/")[1]: o["status"] for o in got.json()["obligations"]}
        assert status["leave_before_stay_ends"] == "breached"
        assert status["student_work_without_endorsement"] == "violated"
        assert got.json()["events"] == len(student)
