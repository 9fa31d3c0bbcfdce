"""The pipeline, forecast, coaching and compensation marts on the small demo company.

The session's small company, as its pipeline run built it (tests/conftest.py).

The commission audit must list exactly the payouts the generator deliberately got wrong (its
manifest says which), each with both figures; the pipeline snapshots must build incrementally,
a later run adding only the new snapshot dates and matching a full refresh row for row.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.support.dbt.dbt_helpers import dbt_failure_summary, run_dbt

AS_OF = dt.date(2026, 11, 28)  # a Saturday: the last weekly snapshot is Monday 2026-11-23
NEXT_DAY_WITH_A_MONDAY = dt.date(2026, 11, 30)

# the session's small company serves the whole module: keep its tests on the worker of its
# pipeline run (make test: loadgroup), which then runs once
pytestmark = [pytest.mark.slow, pytest.mark.company, pytest.mark.xdist_group("analytics_marts")]


def _query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module", name="small_build")
def fixture_small_build(small_landing, small_pipeline, tmp_path_factory: pytest.TempPathFactory):
    """(root, manifest, warehouse file): a copy of the session's small company's work
    warehouse, which its pipeline run built (these marts and every other), as of AS_OF with
    fiscal years starting in January. A copy, because the snapshot test runs dbt on it."""
    settings, _ = small_pipeline
    assert settings.as_of == AS_OF and settings.fiscal_year_start_month == 1
    root = tmp_path_factory.mktemp("analytics_marts_small")
    db = root / "warehouse" / "work.duckdb"
    db.parent.mkdir()
    shutil.copy(settings.work_db, db)
    manifest = json.loads((small_landing / "_manifest.json").read_text(encoding="utf-8"))
    return root, manifest, db


def test_commission_audit_finds_exactly_the_wrong_payouts(small_build):
    _, manifest, db = small_build
    wrong = {(w["email"], w["month"]) for w in manifest["faults"]["wrong_payouts"]}
    assert wrong, "the generator should plant wrong payouts"
    rows = _query(
        db,
        "select email, pay_month, expected_commission_amount, paid_commission_amount,"
        " difference_amount, audit_status from marts_restricted.commission_audit",
    )
    assert {(email, month) for email, month, *_ in rows} == wrong
    assert len(rows) == len(wrong)
    for email, month, expected, paid, difference, status in rows:
        assert expected is not None and paid is not None, (email, month)
        assert difference == paid - expected and abs(difference) > 0.01, (email, month)
        assert status == ("overpaid" if paid > expected else "underpaid")


def test_individual_pay_is_never_in_the_public_marts(small_build):
    _, _, db = small_build
    pay_columns = _query(
        db,
        "select table_schema, table_name, column_name from information_schema.columns"
        " where table_schema in ('marts', 'marts_restricted') and column_name in"
        " ('paid_commission_amount', 'variable_pay_amount', 'base_salary_amount',"
        " 'commission_amount', 'expected_commission_amount')",
    )
    restricted = {table for schema, table, _ in pay_columns if schema == "marts_restricted"}
    assert {"commission_audit", "pay_for_performance", "dim_comp_plan"} <= restricted
    assert [row for row in pay_columns if row[0] == "marts"] == []


def test_forecast_tendency_labels_are_only_in_the_restricted_marts(small_build):
    _, _, db = small_build
    labelled = _query(
        db,
        "select table_schema, table_name from information_schema.columns"
        " where table_schema in ('marts', 'marts_restricted')"
        " and column_name = 'forecast_tendency'",
    )
    assert labelled == [("marts_restricted", "forecast_tendencies")]
    labels = _query(
        db, "select distinct forecast_tendency from marts_restricted.forecast_tendencies"
    )
    assert {label for (label,) in labels} <= {"calls low", "calls high", "balanced"}


def test_the_company_call_is_the_cros_latest_call_not_a_sum_of_managers(small_build):
    _, _, db = small_build
    # the CRO: the manager whose team is the company node; their latest Commit call for the
    # as-of date's quarter, read straight from the submissions
    [(quarter, cro_call, managers_summed)] = _query(
        db,
        f"""
        with quarter as (
            select fiscal_period from marts.team_performance
            where hierarchy_level = 'company' and period_type = 'quarter'
                and period_start <= date '{AS_OF}' and period_end >= date '{AS_OF}'
        ),
        latest as (
            select s.submitter_id, s.team_id, s.call_amount, row_number() over (
                partition by s.submitter_id order by s.submitted_at desc) as call_rank
            from marts.fct_forecast_submissions as s
            where s.submitter_role = 'manager' and s.forecast_category = 'Commit'
                and s.fiscal_period = (select fiscal_period from quarter)
                and s.submitted_date <= date '{AS_OF}'
        )
        select
            (select fiscal_period from quarter),
            max(latest.call_amount) filter (where teams.hierarchy_level = 'company'),
            sum(latest.call_amount)
        from latest
        inner join marts.dim_team as teams on latest.team_id = teams.team_id
        where latest.call_rank = 1
        """,
    )
    rows = _query(
        db,
        "select hierarchy_level, owner_call_amount, roll_up_amount, call_amount, call_source"
        " from marts.forecast_calls where forecast_category = 'Commit' and is_latest_week"
        f" and fiscal_period = '{quarter}' and hierarchy_level in ('company', 'region')",
    )
    company = next(r for r in rows if r[0] == "company")
    regions = [r for r in rows if r[0] == "region"]
    assert company[1:4:2] == (round(cro_call, 2), round(cro_call, 2))
    assert company[4] == "owner"
    assert company[2] == sum(r[3] for r in regions)
    assert company[3] < managers_summed / 2  # the old overview's triple count


def _snapshot_rows(db: Path) -> list[tuple]:
    return _query(db, "select * from marts.fct_pipeline_snapshots order by pipeline_snapshot_id")


def test_snapshots_grow_incrementally_and_equal_a_full_refresh(small_build):
    root, _, db = small_build
    before = _snapshot_rows(db)
    dates_before = {row[1] for row in before}
    assert max(dates_before) == dt.date(2026, 11, 23)
    assert {day.isoweekday() for day in dates_before} == {1}, "weekly snapshots are Mondays"

    def run_snapshots(as_of: dt.date, *extra: str) -> None:
        done = run_dbt(
            ["run", "--select", "fct_pipeline_snapshots", *extra],
            work_db=db,
            target_dir=root,
            dbt_vars={"as_of_date": as_of.isoformat()},
        )
        assert done.returncode == 0, "dbt run failed:\n" + dbt_failure_summary(done)

    run_snapshots(NEXT_DAY_WITH_A_MONDAY)
    incremental = _snapshot_rows(db)
    added = [row for row in incremental if row[1] == NEXT_DAY_WITH_A_MONDAY]
    assert added, "the run should add the new Monday's snapshot"
    assert [row for row in incremental if row[1] != NEXT_DAY_WITH_A_MONDAY] == before

    run_snapshots(NEXT_DAY_WITH_A_MONDAY, "--full-refresh")
    assert _snapshot_rows(db) == incremental

    # rebuilding a past day drops the snapshots after it
    run_snapshots(AS_OF)
    assert _snapshot_rows(db) == before
