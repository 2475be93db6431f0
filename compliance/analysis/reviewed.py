"""The reviewed findings beside a corpus (findings.json): acknowledgements, the reviewed list, and its
rewrite keeping every sentence already written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lexgraph.engine.errors import AcknowledgementError

from ..render import dumps
from .findings import Report

# ------------------------------------------------------------------------------ acknowledgements


REVIEWED_FILE = "findings.json"  # beside the corpus: the reviewed list of findings


def read_acknowledged(path: Path) -> dict[str, str]:
    """Either a JSON list of {"id": FINDING_ID, "reason": WHY} (a reason is required), or a reviewed-findings
    file ({"reports": [{"findings": [{"id", …, "acknowledged": WHY}]}]}) whose acknowledged entries count."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AcknowledgementError(f"{path}: no such file") from None
    except json.JSONDecodeError as error:
        raise AcknowledgementError(f"{path}:{error.lineno}:{error.colno}: not JSON: {error.msg}") from None
    if isinstance(data, dict):
        out: dict[str, str] = {}
        for _n, entry, where in reviewed_entries(path, data):
            reason = entry.get("acknowledged")
            if reason is None:
                continue
            if not isinstance(reason, str) or not reason.strip():
                raise AcknowledgementError(f"{path}: {where}.acknowledged: a non-empty string is required")
            out[entry["id"]] = reason
        return out
    if not isinstance(data, list):
        raise AcknowledgementError(f'{path}: $: expected a list of {{"id", "reason"}} objects')
    out = {}
    for n, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise AcknowledgementError(f"{path}: $[{n}]: expected an object with `id` and `reason`")
        for key in ("id", "reason"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise AcknowledgementError(f"{path}: $[{n}].{key}: a non-empty string is required")
        out[entry["id"]] = entry["reason"]
    return out


REVIEWED_KEYS = ("id", "kind", "permit", "rules", "law", "drafter")


def reviewed_entries(path: Path, data: dict[str, Any]) -> list[tuple[int, dict[str, Any], str]]:
    reports = data.get("reports")
    if not isinstance(reports, list):
        raise AcknowledgementError(f"{path}: $.reports: expected a list of reports")
    out = []
    for r, report in enumerate(reports):
        findings = report.get("findings") if isinstance(report, dict) else None
        if not isinstance(findings, list):
            raise AcknowledgementError(f"{path}: $.reports[{r}].findings: expected a list")
        for n, entry in enumerate(findings):
            where = f"$.reports[{r}].findings[{n}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise AcknowledgementError(f"{path}: {where}.id: a finding id is required")
            out.append((n, entry, where))
    return out


def reviewed_list(report: Report, previous: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The default report in the reviewed-list format: id, kind, permit, rules, then what the finding means
    in law and what a drafter does — kept from `previous` by id, "TODO" for a finding not yet reviewed."""
    known = {e["id"]: e for e in previous or [] if isinstance(e, dict) and "id" in e}
    out = []
    for f in report.defects:
        old = known.get(f.id, {})
        entry: dict[str, Any] = {
            "id": f.id,
            "kind": f.kind,
            "permit": f.permit,
            "rules": list(f.rules),
            "law": old.get("law", "TODO"),
            "drafter": old.get("drafter", "TODO"),
        }
        if f.resolution is not None:
            entry["resolution"] = f.resolution["by"]
        if "acknowledged" in old:
            entry["acknowledged"] = old["acknowledged"]
        out.append(entry)
    return out


# ------------------------------------------------------------------------------ the reviewed file


def update_reviewed(path: Path, configuration: list[str], report: Report) -> dict[str, Any]:
    """Rewrite the report of one configuration (amendments applied) in the reviewed file, keeping every
    sentence already written for a finding that still occurs."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data.setdefault(
        "about",
        "Reviewed findings of `lexgraph analyze` (docs/analysis.md). Each finding: what it means in "
        "law, what a drafter does; `acknowledged` when the law itself carries it and no drafter "
        "can fix it here (it then no longer gates). Regenerate with `lexgraph analyze DIR "
        "[--with FILE] --update-reviewed` and review every TODO.",
    )
    reports = data.setdefault("reports", [])
    previous = [e for r in reports for e in r.get("findings", [])]
    entry = next((r for r in reports if sorted(r.get("with", [])) == configuration), None)
    if entry is None:
        entry = {
            "name": "with " + ", ".join(configuration) if configuration else "in force",
            "with": configuration,
        }
        reports.append(entry)
    entry["findings"] = reviewed_list(report, previous)
    path.write_text(dumps(data), encoding="utf-8")
    return data
