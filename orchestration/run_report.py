"""The run report: what one pipeline run loaded, quarantined, checked and published.

Written to `warehouse/runs/<run id>.json` after every run (published or not) and carried into
the published file as `marts.run_reports`, so the data-quality page shows the last run.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from ingestion.disk_space import DiskFullError, is_disk_full


def quarantine_counts(work_db: Path) -> dict[str, dict[str, int]]:
    """Rows in each quarantine table by the rule they broke."""
    if not work_db.exists():
        return {}
    try:
        con = duckdb.connect(str(work_db), read_only=True)
    except duckdb.IOException as exc:
        # Only after a crashed step whose child process still holds the writer lock.
        return {"unavailable": {f"work warehouse locked: {exc}": 0}}
    try:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'quarantine' order by 1"
            ).fetchall()
        ]
        result: dict[str, dict[str, int]] = {}
        for table in tables:
            rows = con.execute(
                f'select rule, count(*) from quarantine."{table}" group by rule order by rule'
            ).fetchall()
            result[table] = {str(rule): int(n) for rule, n in rows}
        return result
    finally:
        con.close()


def this_runs_quarantine(
    work_db: Path, events: Iterable[dg.EventLogEntry]
) -> dict[str, dict[str, int]]:
    """Quarantine counts of the tables this run rebuilt; none when dbt did not build them.

    The work warehouse keeps the last build's quarantine tables: a run that failed before dbt
    must not show those counts as its own.
    """
    built = set()
    for entry in events:
        event = entry.dagster_event
        if event is not None and event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            path = event.event_specific_data.materialization.asset_key.path
            if path[0] == "quarantine":  # the dbt models of schema quarantine
                built.add(path[-1])
    counts = quarantine_counts(work_db)
    return {
        table: rules
        for table, rules in counts.items()
        if f"quarantine_{table}" in built or table in built or table == "unavailable"
    }


def facts_from_events(events: Iterable[dg.EventLogEntry]) -> dict[str, Any]:
    """Rows loaded, check outcomes and step durations from a run's Dagster event log."""
    rows_loaded: dict[str, int] = {}
    checks: list[dict[str, Any]] = []
    step_started: dict[str, float] = {}
    durations: dict[str, float] = {}
    for entry in events:
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            mat = event.event_specific_data.materialization
            value = mat.metadata.get("rows_loaded")
            if value is not None:
                rows_loaded[mat.asset_key.to_user_string()] = int(value.value)
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            ev = event.event_specific_data
            sample = _sample(ev.metadata)
            checks.append(
                {
                    "name": ev.check_name,
                    "asset": ev.asset_key.to_user_string(),
                    "severity": ev.severity.value.lower(),
                    "passed": bool(ev.passed),
                    "failing_rows": _failing_rows(ev.metadata),
                    "rule": rule_sentence(ev.check_name),
                    "message": _text(ev.metadata, "message"),
                    "sample": sample,
                    "rows_text": rows_text(sample),
                }
            )
        elif event.event_type == dg.DagsterEventType.STEP_START and event.step_key:
            step_started[event.step_key] = entry.timestamp
        elif (
            event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE)
            and event.step_key in step_started
        ):
            durations[event.step_key] = round(entry.timestamp - step_started[event.step_key], 2)
    return {"rows_loaded": rows_loaded, "checks": checks, "durations": durations}


@functools.cache
def _rule_descriptions() -> dict[str, str]:
    from data_quality import all_checks  # no Great Expectations import: only the specs

    return {spec.name: spec.description for spec in all_checks()}


def rule_sentence(check_name: str) -> str | None:
    """What a check demands, as a sentence for the data-quality page; None when unknown.

    A Great Expectations check's description opens with the rule and then says why
    ("`owner_id` is never null: dbt quarantines ..."): the rule part, without code marks.
    """
    description = _rule_descriptions().get(check_name)
    if not description:
        return None
    rule = description.split(": ", 1)[0].strip().rstrip(".")
    rule = re.sub(r"`([^`]*)`", lambda code: code.group(1).replace("_", " "), rule)
    return rule[:1].upper() + rule[1:] + "."


def _text(metadata: Mapping[str, Any], key: str) -> str | None:
    value = metadata.get(key)
    text = getattr(value, "value", value)
    return str(text) if text else None


def _sample(metadata: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Up to five rows that broke the check (identifying columns and the values read)."""
    value = metadata.get("sample")
    rows = getattr(value, "value", value)
    if not isinstance(rows, list):
        return []
    return [row for row in rows[:5] if isinstance(row, dict)]


def rows_text(sample: list[dict[str, Any]]) -> str | None:
    """Sample rows in words: `id 006..., owner_id (empty); id 007..., owner_id (empty)`."""
    if not sample:
        return None
    return "; ".join(
        ", ".join(f"{key} {'(empty)' if value is None else value}" for key, value in row.items())
        for row in sample
    )


def _failing_rows(metadata: Mapping[str, Any]) -> int | None:
    for key in ("failing_rows", "dagster_dbt/failed_row_count"):
        value = metadata.get(key)
        if value is not None:
            try:
                return int(value.value)
            except (TypeError, ValueError):
                return None
    return None


def build_report(
    run_id: str,
    started_at: dt.datetime,
    as_of: dt.date,
    facts: Mapping[str, Any],
    quarantined: Mapping[str, Mapping[str, int]],
    published: bool,
    status: str,
    failed_steps: Iterable[str] = (),
    missing_datasets: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The report of one run; `missing_datasets` are the contract's datasets that did not
    land, each with what it would add (`ingestion.datasets.missing_report`)."""
    checks = list(facts.get("checks", []))
    return {
        "run_id": run_id,
        "started_at": started_at.isoformat(),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(),
        "as_of_date": as_of.isoformat(),
        "status": status,
        "published": published,
        "rows_loaded": dict(facts.get("rows_loaded", {})),
        "rows_loaded_total": sum(facts.get("rows_loaded", {}).values()),
        "quarantined": {k: dict(v) for k, v in quarantined.items()},
        "rows_quarantined_total": sum(sum(v.values()) for v in quarantined.values()),
        "checks": checks,
        "checks_passed": sum(1 for c in checks if c["passed"]),
        "checks_warned": sum(1 for c in checks if not c["passed"] and c["severity"] == "warn"),
        "checks_failed": sum(1 for c in checks if not c["passed"] and c["severity"] == "error"),
        "failed_steps": sorted(failed_steps),
        "durations": dict(facts.get("durations", {})),
        "missing_datasets": [dict(d) for d in missing_datasets],
    }


def write_report(runs_dir: Path, report: Mapping[str, Any]) -> Path:
    """Write `<run id>.json` atomically; a full disk raises DiskFullError and leaves no tmp."""
    runs_dir.mkdir(parents=True, exist_ok=True)
    path = runs_dir / f"{report['run_id']}.json"
    tmp = runs_dir / f"{path.name}.{os.getpid()}.tmp"
    try:
        tmp.write_text(json.dumps(report, indent=2, sort_keys=True, default=str))
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if is_disk_full(exc):
            raise DiskFullError(path) from exc
        raise
    return path


def previous_reports(runs_dir: Path, limit: int = 200) -> list[dict[str, Any]]:
    """Earlier runs' reports, oldest first (at most `limit`)."""
    if not runs_dir.exists():
        return []
    reports = []
    for path in runs_dir.glob("*.json"):
        if path.name.startswith("."):  # a run's in-progress marker, not a report
            continue
        try:
            reports.append(json.loads(path.read_text()))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not a valid run report ({exc})") from exc
    reports.sort(key=lambda r: r.get("started_at") or "")
    return reports[-limit:]
