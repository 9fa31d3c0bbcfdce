"""Rows that a failed dbt test found (or why it could not run), for the run report, as the
Great Expectations checks give.

dagster-dbt reports a failed dbt test by its name and count only ("column_rules_... : 2
failing rows"). Whoever reads the run report or the data-quality page then has to find the
compiled SQL and run it to learn which column held the nulls or which key repeated. After the
build, dbt's `run_results.json` still holds each test's compiled SQL, so the run asks the work
warehouse for up to five of the rows each failed test returns.

Only the generic tests whose rows are names, keys and categories are sampled
(`column_rules` returns column names, the problem (null, repeated key, key without a parent,
value not accepted) and counts; `unique`, `relationships`, `accepted_values` and `not_null`
the offending key or value). A singular test may return
any column, pay among them, and the data-quality page is public: it keeps its count alone.
On a model that holds pay (a restricted mart or a compensation model) only
`column_rules`, whose rows carry no value at all, is sampled.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from data_quality.samples import json_value
from orchestration.run_report import facts_from_events, rows_text

SAMPLE_ROWS = 5
VALUE_FREE_TESTS = {"column_rules"}
KEY_AND_CATEGORY_TESTS = {"unique", "relationships", "accepted_values", "not_null"}
PAY_SCHEMAS = {"marts_restricted"}
PAY_FOLDER = "compensation"


def failed_test_samples(
    target_dir: Path, work_db: Path, failed_names: Iterable[str]
) -> dict[str, list[dict[str, Any]]]:
    """Up to five rows of each named failed dbt test that may be shown, by test name.

    Reads the build's `run_results.json` and `manifest.json` in `target_dir`; a test that
    cannot be sampled (no compiled SQL, a kind that may show pay, a query error) is left out.
    """
    return _samples(_test_results(target_dir, set(failed_names)), work_db)


def facts_with_test_rows(
    events: Iterable[dg.EventLogEntry],
    target_dir: Path,
    work_db: Path,
    duckdb_config: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """`facts_from_events` of a run, its failed dbt tests given their rows or their error: the
    facts both the run's report and the publish step's copy of it (`marts.run_reports`, the
    data-quality page) are built from."""
    facts = facts_from_events(events)
    add_failed_test_samples(facts["checks"], target_dir, work_db, duckdb_config)
    return facts


def add_failed_test_samples(
    checks: list[dict[str, Any]],
    target_dir: Path,
    work_db: Path,
    duckdb_config: Mapping[str, str] | None = None,
) -> None:
    """Give each failed check of the run report that has no sample (the dbt tests) the rows
    its test found, in the same `sample` and `rows_text` fields as the GX checks; a test that
    could not run gets dbt's error as its message and no failing-row count."""
    unsampled = {check["name"] for check in checks if not check["passed"] and not check["sample"]}
    if not unsampled:
        return  # the usual run: nothing to read
    found = _test_results(target_dir, unsampled)
    errors = _errors(found)
    samples = _samples([f for f in found if f[1]["name"] not in errors], work_db, duckdb_config)
    for check in checks:
        if check["passed"] or check["sample"]:
            continue
        if check["name"] in errors:
            check["message"] = f"could not run: {errors[check['name']]}"
            check["failing_rows"] = None
        elif check["name"] in samples:
            check["sample"] = samples[check["name"]]
            check["rows_text"] = rows_text(check["sample"])


TestResult = tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]


def _test_results(target_dir: Path, wanted: set[str]) -> list[TestResult]:
    """(result, test node, attached model) of each wanted test in the build's target folder."""
    if not wanted:
        return []
    try:
        results = json.loads((target_dir / "run_results.json").read_text()).get("results", [])
        nodes = json.loads((target_dir / "manifest.json").read_text()).get("nodes", {})
    except (OSError, ValueError):
        return []
    found = []
    for result in results:
        node = nodes.get(str(result.get("unique_id")))
        if node and node.get("name") in wanted:
            found.append((result, node, nodes.get(str(node.get("attached_node")))))
    return found


def _errors(found: list[TestResult]) -> dict[str, str]:
    return {
        node["name"]: (
            " ".join(str(result.get("message") or "dbt error").split())[:400]
            if _may_show(node, model)
            else "dbt error, see the run's dbt_console.log"
        )
        for result, node, model in found
        if result.get("status") == "error"
    }


def _samples(
    found: list[TestResult], work_db: Path, duckdb_config: Mapping[str, str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Up to five rows of each test that ran and whose rows may be shown, by test name; read
    with `duckdb_config` (the run's readers' memory limit and spill folder)."""
    tests = {
        node["name"]: result["compiled_code"].strip().rstrip(";")
        for result, node, model in found
        if result.get("compiled_code") and result.get("status") != "error"
        and _may_show(node, model)
    }  # fmt: skip
    if not tests or not work_db.exists():
        return {}
    try:
        con = duckdb.connect(str(work_db), read_only=True, config=dict(duckdb_config or {}))
    except duckdb.Error:
        return {}
    samples: dict[str, list[dict[str, Any]]] = {}
    try:
        for name, sql in tests.items():
            try:
                cursor = con.execute(f"select * from ({sql}) as failed_rows limit {SAMPLE_ROWS}")
                columns = [column[0] for column in cursor.description]
                rows = cursor.fetchall()
            except duckdb.Error:
                continue
            samples[name] = [
                {column: json_value(value) for column, value in zip(columns, row, strict=True)}
                for row in rows
            ]
    finally:
        con.close()
    return samples


def _may_show(test: Mapping[str, Any], model: Mapping[str, Any] | None) -> bool:
    kind = (test.get("test_metadata") or {}).get("name")
    if kind in VALUE_FREE_TESTS:
        return True
    if kind not in KEY_AND_CATEGORY_TESTS or model is None:
        return False
    holds_pay = (model.get("config") or {}).get("schema") in PAY_SCHEMAS or PAY_FOLDER in (
        model.get("fqn") or []
    )
    return not holds_pay
