"""Every case of the bad-input corpus (bad_input_cases.py) has the outcome it declares.

Nothing is silently dropped, nothing half-loaded, nothing that fails a blocking check would
be published: each case breaks one thing in the small demo company and asserts what a user
sees. Quarantine cases (and the shared accepted case) assert their own rows in the one shared
load + dbt run of conftest.py's `bad_input_shared_run`; every other case loads only its own
system, on a copy of that system's template.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from data_quality import run_checks
from ingestion.errors import LandingFileError
from ingestion.pipeline import load_system
from tests.support.bad_inputs.bad_input_case import Case
from tests.support.bad_inputs.bad_input_cases import CASES

# every case loads a landing folder through the real dlt sources (89 loads)
pytestmark = pytest.mark.slow

AS_OF = dt.date(2026, 11, 28)
QUARANTINE_KEYS = {"opportunities": "opportunity_id", "quotas": "source_column || source_row"}
MART_OF = {"opportunities": "fct_opportunities", "quotas": "fct_quotas"}


def _params():
    for case in CASES:
        # a defect fails an assertion of the outcome (or pytest.raises finds no error), never
        # anything else: a broken fixture must not pass as the expected failure
        expected_failure = (AssertionError, pytest.fail.Exception)
        marks = (
            [pytest.mark.xfail(strict=True, reason=case.defect, raises=expected_failure)]
            if case.defect
            else []
        )
        yield pytest.param(case, id=case.id, marks=marks)


def _query(work_db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(work_db), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        return con.execute(sql).fetchall()


def _raw_snapshot(work_db: Path, system: str) -> dict[str, object]:
    """Row count of every table of `raw_<system>`, and the ids of its completed loads."""
    schema = f"raw_{system}"
    tables = [
        t
        for (t,) in _query(
            work_db,
            f"select table_name from information_schema.tables where table_schema = '{schema}'"
            " order by table_name",
        )
    ]
    snapshot: dict[str, object] = {
        t: _query(work_db, f'select count(*) from {schema}."{t}"')[0][0] for t in tables
    }
    snapshot["_load_ids"] = _query(work_db, f"select load_id from {schema}._dlt_loads order by 1")
    return snapshot


def _check(work_db: Path, state_dir: Path, name: str):
    (result,) = run_checks(work_db, AS_OF, state_dir, only_checks=[name])
    return result


def _assert_error(case: Case, landing, warehouse: Path) -> None:
    work_db = warehouse / "work.duckdb"
    before = _raw_snapshot(work_db, case.system)
    with pytest.raises(LandingFileError) as caught:
        load_system(case.system, landing.root, warehouse)
    error, message = caught.value, str(caught.value)
    where = (error.file, error.row, error.field, error.sheet, error.cell)
    assert where == (case.file, case.row, case.field, case.sheet, case.cell), message
    assert message.startswith(case.file), message
    if case.cell is not None:
        assert f"cell {case.cell}" in message, message
    elif case.row is not None:
        assert f"{'line' if case.file.endswith('.jsonl') else 'row'} {case.row}" in message
    if case.field is not None:
        assert f"field {case.field}" in message, message
    assert (case.says or "") in message, message
    assert _raw_snapshot(work_db, case.system) == before, "the failed load changed raw"


def _assert_noticed(noticed: dict, in_template: dict, in_case: dict, key: str | None) -> None:
    """What the load noticed is what the case added, plus at most what the company has."""
    for table, items in in_case.items():
        mine = {i.format(key=key) for i in items}
        assert mine <= set(noticed.get(table, [])), f"{table}: {noticed}"
    for table, items in noticed.items():
        mine = {i.format(key=key) for i in in_case.get(table, [])}
        allowed = {*in_template.get(table, []), *mine}
        assert set(items) <= allowed, f"{table}: {items} not expected"


@pytest.mark.parametrize("case", _params())
def test_bad_input_has_its_declared_outcome(case: Case, bad_input_templates, request, tmp_path):
    if case.shared:
        shared = request.getfixturevalue("bad_input_shared_run")
        key = shared.keys[case.id]
        if case.outcome == "quarantine":
            where = f"{QUARANTINE_KEYS[case.table]} = '{key}'"
            if case.table == "quotas":
                where += " and source_file like '%quotas_FY2026.xlsx'"
            rules = _query(
                shared.work_db, f"select rule, detail from quarantine.{case.table} where {where}"
            )
            assert case.rule in [r for r, _ in rules], f"{key}: quarantined as {rules}"
            in_mart = _query(
                shared.work_db, f"select count(*) from marts.{MART_OF[case.table]} where {where}"
            )
            assert in_mart == [(0,)], f"{key} is quarantined and still in the mart"
        if case.query:
            assert _query(shared.work_db, case.query.format(key=key)) == case.expected
        return

    landing, warehouse = bad_input_templates.case_copy(case.system, tmp_path)
    key = case.fault(landing)
    if case.outcome == "error":
        _assert_error(case, landing, warehouse)
        return
    result = load_system(case.system, landing.root, warehouse)
    if case.outcome in ("blocking", "warning"):
        template = bad_input_templates.get(case.system)
        baseline_key = (case.system, case.check)
        if baseline_key not in bad_input_templates.baselines:
            bad_input_templates.baselines[baseline_key] = _check(
                template.work_db, tmp_path / "baseline_state", case.check
            )
        baseline = bad_input_templates.baselines[baseline_key]
        checked = _check(warehouse / "work.duckdb", tmp_path / "state", case.check)
        assert checked.severity == ("error" if case.outcome == "blocking" else "warning")
        assert not checked.passed, checked.message
        assert checked.failing_rows == baseline.failing_rows + case.failing_rows, (
            f"{checked.failing_rows} rows fail, {baseline.failing_rows} on the clean company:"
            f" {checked.sample}"
        )
    else:
        template = bad_input_templates.get(case.system).result
        _assert_noticed(result.new_columns, template.new_columns, case.new_columns, key)
        _assert_noticed(result.deduplicated, template.deduplicated, case.deduplicated, key)
    if case.query:
        assert _query(warehouse / "work.duckdb", case.query.format(key=key)) == case.expected


def test_readme_lists_every_case():
    """README.md is the user-facing catalogue: every case, with its outcome, and no other."""
    catalogue = (Path(__file__).parent / "README.md").read_text().split("## The cases")[1]
    rows = {line.split("`")[1]: line for line in catalogue.splitlines() if line.startswith("| `")}
    assert sorted(rows) == sorted(case.id for case in CASES)
    for case in CASES:
        assert f"| {case.outcome}" in rows[case.id], rows[case.id]
        assert ("xfail (defect)" in rows[case.id]) == bool(case.defect), rows[case.id]
