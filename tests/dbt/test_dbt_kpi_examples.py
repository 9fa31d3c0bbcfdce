"""The worked examples of the KPI reference (dbt_project/docs/kpi_definitions.md), end to end
through `dbt build`.

The worked-example company is written straight into raw_* tables of a temporary DuckDB (exactly
the contract's tables and types), the whole dbt project is built on it (every model, data
test and unit test must pass), and the marts must show the hand-computed numbers.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.support.dbt.dbt_helpers import dbt_failure_summary, run_dbt
from tests.support.dbt.dbt_kpi_company import write_kpi_company

AS_OF = "2026-04-10"


def _build(tmp_path: Path, fiscal_year_start_month: int, with_unit_tests: bool) -> Path:
    db = tmp_path / "work.duckdb"
    con = duckdb.connect(str(db))
    write_kpi_company(con)
    con.close()
    # unit tests fix their own vars, so one build of them is enough
    done = run_dbt(
        ["build"] if with_unit_tests else ["build", "--exclude", "test_type:unit"],
        work_db=db,
        target_dir=tmp_path,
        dbt_vars={"as_of_date": AS_OF, "fiscal_year_start_month": fiscal_year_start_month},
    )
    assert done.returncode == 0, "dbt build failed:\n" + dbt_failure_summary(done)
    return db


# Each company is built once per worker that runs one of its tests: keep them on one worker.
pytestmark = pytest.mark.xdist_group("kpi_examples")


@pytest.fixture(scope="module", name="calendar_year_db")
def fixture_calendar_year_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("kpi_fy1"), 1, with_unit_tests=True)


@pytest.fixture(scope="module", name="february_year_db")
def fixture_february_year_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("kpi_fy2"), 2, with_unit_tests=False)


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _quarter_rows(db: Path) -> dict[tuple[str, str], tuple]:
    rows = _rows(
        db,
        "select rep_id, fiscal_period, bookings_amount, quota_amount, attainment,"
        " overlay_credit_amount, won_count, lost_count, win_rate, win_rate_value"
        " from marts.rep_performance where period_type = 'quarter'",
    )
    return {(r[0], r[1]): r[2:] for r in rows}


def test_calendar_fiscal_year_matches_the_worked_table(calendar_year_db: Path) -> None:
    quarters = _quarter_rows(calendar_year_db)
    # rep, period: bookings, quota, attainment, overlay credit (fiscal year = calendar year)
    expected = {
        ("U1", "FY2026-Q1"): (Decimal("2550.00"), Decimal("3000.00"), 0.85, Decimal("0.00")),
        ("U2", "FY2026-Q1"): (Decimal("1000.00"), Decimal("1000.00"), 1.0, Decimal("0.00")),
        ("U3", "FY2026-Q1"): (Decimal("0.00"), None, None, Decimal("2000.00")),
        ("U2", "FY2026-Q2"): (Decimal("150.00"), None, None, Decimal("0.00")),
    }
    for key, (bookings, quota, attainment, overlay) in expected.items():
        assert key in quarters, f"no rep_performance row for {key}"
        got = quarters[key]
        assert got[0] == bookings, f"{key} bookings"
        assert got[1] == quota, f"{key} quota"
        assert got[2] == (pytest.approx(attainment) if attainment is not None else None), key
        assert got[3] == overlay, f"{key} overlay credit"


def test_win_rate_by_count_and_by_value(calendar_year_db: Path) -> None:
    _, _, _, _, won, lost, win_rate, win_rate_value = _quarter_rows(calendar_year_db)[
        ("U2", "FY2026-Q2")
    ]
    assert (won, lost) == (1, 1)
    assert win_rate == pytest.approx(0.5)
    assert win_rate_value == pytest.approx(150 / 550)


def test_company_bookings_count_each_deal_once(calendar_year_db: Path) -> None:
    [(bookings,)] = _rows(
        calendar_year_db,
        "select bookings_amount from marts.team_performance"
        " where hierarchy_level = 'company' and fiscal_period = 'FY2026'",
    )
    assert bookings == Decimal("3700.00")


def test_quarantine_holds_exactly_the_three_bad_opportunities(calendar_year_db: Path) -> None:
    rows = _rows(
        calendar_year_db, "select opportunity_id, rule from quarantine.opportunities order by 1"
    )
    assert rows == [
        ("O4", "negative_amount"),
        ("O5", "unknown_owner"),
        ("O6", "close_before_created"),
    ]
    marts_ids = {
        r[0] for r in _rows(calendar_year_db, "select opportunity_id from marts.fct_opportunities")
    }
    assert marts_ids == {"O1", "O2", "O3", "O8", "O9"}, (
        "quarantined and soft-deleted deals stay out"
    )


def test_the_saturday_deal_converts_at_fridays_rate(calendar_year_db: Path) -> None:
    [(amount, rate)] = _rows(
        calendar_year_db,
        "select opportunity_amount, fx_rate_to_corporate from marts.fct_opportunities"
        " where opportunity_id = 'O2'",
    )
    assert (amount, rate) == (Decimal("550.0000000000"), Decimal("1.10000000"))


def test_february_fiscal_year_matches_the_worked_table(february_year_db: Path) -> None:
    quarters = _quarter_rows(february_year_db)
    # worked example, February fiscal year start: bookings, quota, attainment
    expected = {
        ("U1", "FY2026-Q4"): (Decimal("1000.00"), Decimal("1000.00"), 1.0),
        ("U1", "FY2027-Q1"): (Decimal("1550.00"), Decimal("2000.00"), 0.775),
        ("U2", "FY2026-Q4"): (Decimal("1000.00"), Decimal("1000.00"), 1.0),
        ("U2", "FY2027-Q1"): (Decimal("150.00"), Decimal("0.00"), None),
    }
    for key, (bookings, quota, attainment) in expected.items():
        assert key in quarters, f"no rep_performance row for {key}"
        got = quarters[key]
        assert got[0] == bookings, f"{key} bookings"
        assert got[1] == quota, f"{key} quota"
        assert got[2] == (pytest.approx(attainment) if attainment is not None else None), key


def test_february_fiscal_months_are_named_by_the_year_they_end(february_year_db: Path) -> None:
    rows = _rows(
        february_year_db,
        "select date_day, fiscal_month_period from marts.dim_date"
        " where date_day in ('2026-01-15', '2026-02-01') order by 1",
    )
    assert [r[1] for r in rows] == ["FY2026-M12", "FY2027-M01"]


def test_a_null_in_a_not_null_mart_column_stops_the_model(
    calendar_year_db: Path, tmp_path: Path
) -> None:
    """Mart columns that must not be null carry a `not_null` contract constraint instead of a
    separate test node: DuckDB refuses the row while the table is written, so a planted null
    still fails the build, at the model, naming table and column."""
    db = tmp_path / "work.duckdb"
    shutil.copyfile(calendar_year_db, db)
    con = duckdb.connect(str(db))
    # a quota month whose rep-month vanished: the left join leaves its team null
    con.execute("delete from intermediate.int_rep_months_aggregated")
    con.close()
    done = run_dbt(
        ["run", "--select", "fct_quotas"],
        work_db=db,
        target_dir=tmp_path,
        dbt_vars={"as_of_date": AS_OF, "fiscal_year_start_month": 1},
    )
    assert done.returncode != 0, done.stdout[-2000:]
    assert "NOT NULL constraint failed" in done.stdout, done.stdout[-3000:]
    assert "team_id" in done.stdout


def _compiled_rules(target: Path, model: str) -> str:
    return (target / "compiled").rglob(f"column_rules_{model}.sql").__next__().read_text()


def test_broken_column_rules_fail_the_model_test_naming_each_column(
    calendar_year_db: Path, tmp_path: Path
) -> None:
    """A model's column rules (required columns, key, foreign keys, accepted values) are one
    `column_rules` test (one dbt node per model, not per column and rule): planted nulls in
    two columns, a repeated key, keys without a parent and a value outside the accepted ones
    fail it; it counts every null cell, every row beyond the first of a key, every orphan and
    every unaccepted row, and its rows name each column with its problem and count; the other
    columns and rules do not fail it."""
    db = tmp_path / "work.duckdb"
    shutil.copyfile(calendar_year_db, db)
    con = duckdb.connect(str(db))
    table = "intermediate.int_opportunity_states_sequenced"
    con.execute(f"update {table} set valuation_rate = null where state_sequence = 1")
    planted_rates = con.execute(f"select count(*) from {table} where state_sequence = 1").fetchone()
    con.execute(
        f"update {table} set started_at = null"
        f" where opportunity_state_id = (select min(opportunity_state_id) from {table})"
    )
    # the second-lowest key repeats the lowest: one row beyond the first of a key
    con.execute(
        f"update {table} set opportunity_state_id = (select min(opportunity_state_id) from {table})"
        f" where opportunity_state_id = (select min(opportunity_state_id) from {table}"
        f" where opportunity_state_id > (select min(opportunity_state_id) from {table}))"
    )
    # two states (the two highest keys) in a stage the company's stage list does not have
    con.execute(
        f"update {table} set stage_name = 'Stage nobody has' where opportunity_state_id in"
        f" (select opportunity_state_id from {table} order by opportunity_state_id desc limit 2)"
    )
    unioned = "intermediate.int_opportunity_states_unioned"
    con.execute(f"update {unioned} set state_source = 'spreadsheet' where rowid = 0")
    con.close()
    done = run_dbt(
        [
            "test",
            "--select",
            "test_name:column_rules,int_opportunity_states_sequenced",
            "test_name:column_rules,int_opportunity_states_unioned",
        ],
        work_db=db,
        target_dir=tmp_path,
        dbt_vars={"as_of_date": AS_OF, "fiscal_year_start_month": 1},
    )
    assert done.returncode != 0, done.stdout[-2000:]
    assert f"Got {planted_rates[0] + 4} results" in done.stdout, done.stdout[-3000:]
    assert "Got 1 result" in done.stdout, done.stdout[-3000:]
    con = duckdb.connect(str(db), read_only=True)
    try:
        sequenced = con.execute(
            _compiled_rules(tmp_path / "target", "int_opportunity_states_sequenced")
        ).fetchall()
        unioned_rows = con.execute(
            _compiled_rules(tmp_path / "target", "int_opportunity_states_unioned")
        ).fetchall()
    finally:
        con.close()
    assert sorted(sequenced) == [
        ("opportunity_state_id", "repeated", 1),
        ("stage_name", "not in int_crm_stages_resolved.stage_name", 2),
        ("started_at", "null", 1),
        ("valuation_rate", "null", planted_rates[0]),
    ]
    assert unioned_rows == [("state_source", "not an accepted value", 1)]
