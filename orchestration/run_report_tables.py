"""The run reports as two tables of the published file: `marts.run_reports` (one row per run)
and `marts.run_report_checks` (one row per check of each run).

The data-quality page and BI tools read the checks of the last run. They are also kept whole in
`run_reports.report_json`, but reading them from there needs DuckDB's `json` extension, which
Evidence's DuckDB does not load (every check query of the page failed in an Evidence build)
and which a BI tool reaching the file through PostgreSQL would have to replace with its own
JSON functions. A plain table serves every reader the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import pandas as pd

from orchestration.described_tables import Column, create_described_table

RUN_COLUMNS: tuple[Column, ...] = (
    ("run_id", "varchar not null", "Dagster run id of the run."),
    ("started_at", "timestamp with time zone", "When the run began (UTC)."),
    ("finished_at", "timestamp with time zone", "When its report was written (UTC)."),
    ("as_of_date", "date", "The business 'today' of the run's period-to-date numbers."),
    ("status", "varchar", "published, or how the run ended without publishing."),
    ("published", "boolean", "True when the run's marts were published."),
    ("rows_loaded_total", "bigint", "Rows the run's loads wrote to the raw tables."),
    ("rows_quarantined_total", "bigint", "Rows the run set aside in the quarantine tables."),
    ("checks_passed", "integer", "Checks that found nothing wrong."),
    ("checks_warned", "integer", "Checks of severity warn that failed (published anyway)."),
    ("checks_failed", "integer", "Checks of severity error that failed (nothing published)."),
    ("report_json", "varchar", "The whole run report as JSON (its checks: run_report_checks)."),
)

CHECK_COLUMNS: tuple[Column, ...] = (
    ("run_id", "varchar not null", "The run (marts.run_reports.run_id)."),
    (
        "check_name",
        "varchar not null",
        "The check's name: a dbt test, a Dagster asset check or a Great Expectations rule.",
    ),
    ("checked_asset", "varchar not null", "The table or landing file the check read."),
    (
        "severity",
        "varchar",
        "error: a failure stops the publication; warn: reported, published anyway.",
    ),
    ("passed", "boolean not null", "True when the check found nothing wrong."),
    (
        "failing_rows",
        "bigint",
        "How many rows broke the rule (empty when the check could not count them).",
    ),
    (
        "rule_text",
        "varchar",
        "The rule as a sentence, when the check describes itself (empty for dbt tests).",
    ),
    ("found_text", "varchar", "What the check found, or why it could not run."),
    (
        "sample_rows",
        "varchar",
        "Up to five of the offending rows as text: keys and categories, never pay.",
    ),
)


def write_run_report_tables(
    con: duckdb.DuckDBPyConnection, run_reports: Sequence[Mapping[str, object]]
) -> None:
    """Create `marts.run_reports` and `marts.run_report_checks` in `con` from `run_reports`
    (the reports of past runs and of this one, as `orchestration/run_report.py` builds them)."""
    create_described_table(
        con,
        "marts.run_reports",
        RUN_COLUMNS,
        "One row per pipeline run: rows loaded, rows quarantined, checks, published or not.",
        ["run_id"],
    )
    for report in run_reports:
        con.execute(
            "insert into marts.run_reports values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                report["run_id"],
                report.get("started_at"),
                report.get("finished_at"),
                report.get("as_of_date"),
                report.get("status"),
                bool(report.get("published")),
                int(report.get("rows_loaded_total") or 0),
                int(report.get("rows_quarantined_total") or 0),
                int(report.get("checks_passed") or 0),
                int(report.get("checks_warned") or 0),
                int(report.get("checks_failed") or 0),
                json.dumps(report, default=str, sort_keys=True),
            ],
        )
    create_described_table(
        con,
        "marts.run_report_checks",
        CHECK_COLUMNS,
        "One row per check of each pipeline run (marts.run_reports): its outcome and findings.",
        ["run_id", "checked_asset", "check_name"],
    )
    rows = check_rows(run_reports)
    if rows:
        frame = pd.DataFrame(rows, columns=[name for name, _, _ in CHECK_COLUMNS]).astype(
            {"failing_rows": "Int64", "passed": "bool"}
        )
        con.register("run_report_check_rows", frame)
        try:
            con.execute("insert into marts.run_report_checks select * from run_report_check_rows")
        finally:
            con.unregister("run_report_check_rows")


def check_rows(run_reports: Sequence[Mapping[str, object]]) -> list[tuple[Any, ...]]:
    """One tuple per check of each report, in the order of `CHECK_COLUMNS`.

    A check is named once per asset; were one listed twice in a report, its first row is kept
    (the key is run, asset, check). Reports written before a field existed give it empty.
    """
    rows: list[tuple[Any, ...]] = []
    for report in run_reports:
        seen: set[tuple[str, str]] = set()
        for check in report.get("checks") or []:  # type: ignore[union-attr]
            name, asset = str(check.get("name")), str(check.get("asset") or "")
            if (asset, name) in seen:
                continue
            seen.add((asset, name))
            failing = check.get("failing_rows")
            rows.append(
                (
                    str(report["run_id"]),
                    name,
                    asset,
                    check.get("severity"),
                    bool(check.get("passed")),
                    None if failing is None else int(failing),
                    check.get("rule") or None,
                    check.get("message") or None,
                    check.get("rows_text") or None,
                )
            )
    return rows
