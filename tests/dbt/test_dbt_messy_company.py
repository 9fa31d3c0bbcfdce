"""A CRM-only company with its own stages, one currency and messy open deals, through dbt build.

The company (dbt_messy_company.py) has only CRM opportunities, users and roles; every mart
must build, its tests pass (messy deals only warn), and the marts show the numbers worked
out by hand below from its eight deals.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.support.dbt.dbt_helpers import dbt_failure_summary, run_dbt
from tests.support.dbt.dbt_messy_company import AS_OF, write_messy_company

pytestmark = pytest.mark.xdist_group("messy_company")


@pytest.fixture(scope="module", name="messy_build")
def fixture_messy_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("messy")
    db = root / "work.duckdb"
    con = duckdb.connect(str(db))
    write_messy_company(con)
    con.close()
    done = run_dbt(
        ["build", "--exclude", "test_type:unit"],
        work_db=db,
        target_dir=root,
        dbt_vars={"as_of_date": AS_OF, "fiscal_year_start_month": 1, "corporate_currency": "EUR"},
    )
    assert done.returncode == 0, "dbt build failed:\n" + dbt_failure_summary(done)
    results = json.loads((root / "target" / "run_results.json").read_text())
    statuses = {r["unique_id"].split(".")[2]: r["status"] for r in results["results"]}
    return db, statuses


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_stages_are_the_companys_own_in_probability_order(messy_build):
    db, _ = messy_build
    assert _rows(
        db, "select stage_name, stage_order, is_closed, is_won from marts.dim_stage order by 2"
    ) == [
        ("Prospecting", 1, False, False),
        ("Engaging", 2, False, False),
        ("Won", 3, True, True),
        ("Lost", 4, True, False),
    ]


def test_nothing_is_quarantined_and_messy_open_deals_only_warn(messy_build):
    db, statuses = messy_build
    assert _rows(db, "select count(*) from quarantine.opportunities") == [(0,)]
    assert statuses["fct_opportunities_open_deal_has_no_amount"] == "warn"
    assert statuses["fct_opportunities_created_date_is_inferred"] == "warn"
    assert "error" not in statuses.values() and "fail" not in statuses.values()


def test_open_deals_are_flagged_and_undated_or_past_due_ones_are_current_pipeline(messy_build):
    db, _ = messy_build
    flags = _rows(
        db,
        "select opportunity_id, local_amount, is_amount_missing, close_date_status,"
        " pipeline_close_date, created_date_source, fx_rate_to_corporate"
        " from marts.fct_opportunities order by 1",
    )
    by_id = {row[0]: row[1:] for row in flags}
    assert by_id["D4"][:3] == (Decimal("0.00"), True, "dated")
    assert by_id["D5"][2:4] == ("undated", dt.date(2026, 4, 10))
    assert by_id["D6"][2] == "past_due"
    assert by_id["D7"][4] == "close_date" and by_id["D8"][4] == "first_load"
    assert {row[6] for row in flags} == {Decimal(1)}, "EUR is the corporate currency: rate 1"

    health = {
        row[0]: row[1:]
        for row in _rows(
            db,
            "select fiscal_period, open_deal_count, open_pipeline_amount, undated_deal_count,"
            " past_due_deal_count, no_amount_deal_count from marts.pipeline_health"
            " where hierarchy_level = 'company'",
        )
    }
    # April holds the undated D5 (300) and the past-due D6 (400); Q2 adds D4 (May, no
    # amount) and D8 (June, 100)
    assert health["FY2026-M04"] == (2, Decimal("700.00"), 1, 1, 0)
    assert health["FY2026-Q2"] == (4, Decimal("800.00"), 1, 1, 1)


def test_pipeline_by_stage_is_long_and_in_the_companys_order(messy_build):
    db, _ = messy_build
    assert _rows(
        db,
        "select stage_name, stage_order, deal_count, open_amount from marts.pipeline_by_stage"
        " where hierarchy_level = 'company' and fiscal_period = 'FY2026-Q2' order by stage_order",
    ) == [("Prospecting", 1, 2, Decimal("400.00")), ("Engaging", 2, 2, Decimal("400.00"))]


def test_pipeline_hygiene_lists_each_open_deal_problem_with_its_owner(messy_build):
    db, _ = messy_build
    assert _rows(
        db,
        "select opportunity_id, problem, rep_name, team_name, manager_name"
        " from marts.pipeline_hygiene order by 1",
    ) == [
        ("D4", "no_amount", "Ann", "Team Mia", "Mia"),
        ("D5", "undated", "Ann", "Team Mia", "Mia"),
        ("D6", "past_due", "Ben", "Team Mia", "Mia"),
        ("D8", "created_date_inferred", "Ann", "Team Mia", "Mia"),
    ]


def test_cycle_time_leaves_out_inferred_created_dates_and_says_so(messy_build):
    db, _ = messy_build
    rows = _rows(
        db,
        "select fiscal_period, won_count, avg_sales_cycle_days, cycle_excluded_count"
        " from marts.rep_performance where rep_id = 'B' and period_type = 'quarter' order by 1",
    )
    # Q1: D3, created 2026-03-02, won 2026-03-20 (18 days); Q2: D7 has no created date
    assert rows == [("FY2026-Q1", 1, 18.0, 0), ("FY2026-Q2", 1, None, 1)]


def test_without_quotas_the_board_ranks_by_bookings_with_win_rate(messy_build):
    db, _ = messy_build
    assert _rows(
        db,
        "select rep_id, ranked_by, board_rank, bookings_amount, won_count, win_rate"
        " from marts.leaderboard where board = 'company' and fiscal_period = 'FY2026-Q1'"
        " order by board_rank",
    ) == [
        ("B", "bookings", 1, Decimal("2000.00"), 1, 1.0),
        ("A", "bookings", 2, Decimal("1000.00"), 1, 0.5),
    ]


def test_teams_and_hire_dates_come_from_the_crm_role_tree(messy_build):
    db, _ = messy_build
    reps = {
        row[0]: row[1:]
        for row in _rows(
            db,
            "select rep_id, assignment_source, team_name, manager_name, hire_date, is_ramping"
            " from marts.dim_rep where is_current",
        )
    }
    assert reps["B"][:3] == ("crm_role_tree", "Team Mia", "Mia")
    assert str(reps["B"][3]) == "2026-03-02"


def test_source_coverage_names_what_is_missing(messy_build):
    db, _ = messy_build
    coverage = {
        row[0]: row[1:]
        for row in _rows(
            db, "select dataset, is_loaded, row_count, missing_note from marts.source_coverage"
        )
    }
    assert coverage["opportunities"] == (True, 8, None)
    assert coverage["fx_rates"][0] is False
    assert coverage["fx_rates"][2].startswith("No fx rates loaded: conversion of deals")
    assert coverage["quotas"][2] == (
        "No quotas loaded: attainment, pace and leaderboards by attainment need"
        " compensation/quotas_FY<yyyy>.xlsx"
    )


def test_whom_to_coach_without_quotas_or_activities(messy_build):
    db, _ = messy_build
    # no activity feed: inactivity is unknown, so no deal is flagged stalled
    deals = _rows(
        db,
        "select rep_id, opportunity_id, amount, is_stalled, problems_text"
        " from marts.coaching_review_deals order by rep_id, opportunity_id",
    )
    assert deals == [
        ("A", "D4", None, False, "no amount"),
        ("A", "D5", Decimal("300.00"), False, "no close date"),
        ("B", "D6", Decimal("400.00"), False, "close date 2026-03-31 passed"),
    ]
    # no quota: the money at stake is the deals to review; Ann's won deal took 40 days
    # (Jan 1 to Feb 10) against Ben's 18 (Mar 2 to 20; D7's created date is inferred, left
    # out), team median 29, above 125% of it
    rows = _rows(
        db,
        "select priority_rank_in_team, rep_id, money_at_stake_amount, reason_text"
        " from marts.coaching_priorities order by priority_rank_in_team",
    )
    assert rows == [
        (1, "B", Decimal("400.00"), "1 deal to review worth €400: 1 past due"),
        (2, "A", Decimal("300.00"), "sales cycle 40 days vs team 29 over the last 2 quarters"),
    ]
