"""A company with only a CRM runs end to end: the small demo company with compensation, sales
analytics and revenue intelligence removed publishes, and its CRM KPIs per rep and period equal
the full company's; with finance and the optional CRM files removed as well, only the
foreign-currency deals change. (`tests/dbt/test_dbt_demo_company.py` reads the same runs'
marts: every mart with its columns, boards by bookings.)

Expected values come from the full run of the same company (the `small_pipeline` fixture),
never from the run under test.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.company]

ABSENT = ("sales_analytics", "revenue_intelligence", "compensation")
REP_PERIOD = ["rep_id", "period_type", "fiscal_period"]
CRM_KPIS = [
    "bookings_amount",
    "won_count",
    "lost_count",
    "lost_amount",
    "win_rate",
    "win_rate_value",
    "avg_deal_size",
    "won_cycle_days_sum",
    "avg_sales_cycle_days",
    "pipeline_created_amount",
    "created_count",
    "open_pipeline_amount",
    "weighted_pipeline_amount",
    "open_opportunity_count",
]
FCT_COLUMNS = [
    "opportunity_id",
    "owner_id",
    "stage_name",
    "close_date",
    "currency_code",
    "local_amount",
    "opportunity_amount",
]


def _query(db: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def _kpis(db: Path) -> pd.DataFrame:
    frame = _query(db, f"select {', '.join(REP_PERIOD + CRM_KPIS)} from marts.rep_performance")
    return frame.sort_values(REP_PERIOD).reset_index(drop=True)


def test_crm_only_company_publishes_and_no_check_fails_for_absent_systems(crm_only_run) -> None:
    settings, outcome = crm_only_run
    assert outcome.published, (outcome.failed_steps, outcome.failed_checks)
    assert outcome.success
    absent_checks = [c for c in outcome.report["checks"] if c["asset"].startswith(ABSENT)]
    assert absent_checks, "the absent systems' checks ran"
    assert [c["name"] for c in absent_checks if not c["passed"]] == []
    messages = {d["dataset"]: d["message"] for d in outcome.report["missing_datasets"]}
    assert messages["quotas"] == (
        "No quotas loaded: attainment, pace and leaderboards by attainment need "
        "compensation/quotas_FY<yyyy>.xlsx"
    )
    assert set(messages) == {
        "activities",
        "forecast_submissions",
        "quotas",
        "assignments",
        "comp_plans",
        "payouts",
    }


def test_crm_kpis_per_rep_and_period_equal_the_full_run(crm_only_run, small_published_db) -> None:
    settings, outcome = crm_only_run
    assert outcome.published
    expected = _kpis(small_published_db)
    found = _kpis(settings.published_db)
    # A rep-period may exist in one run only when it carries no CRM number at all: the full
    # company also has rows that only its quotas or assignments create (a hire month with a
    # quota and no deal). Every CRM KPI of such a row must be empty (0 or null).
    keys = expected.merge(found, on=REP_PERIOD, how="outer", indicator=True, suffixes=("", "_f"))
    for side, columns in (("left_only", CRM_KPIS), ("right_only", [f"{k}_f" for k in CRM_KPIS])):
        only = keys[keys["_merge"] == side]
        values = only[columns].fillna(0).astype(float)
        assert (values == 0).all().all(), f"rep periods with CRM numbers in one run only:\n{only}"
    shared = keys[keys["_merge"] == "both"][REP_PERIOD]
    pd.testing.assert_frame_equal(
        found.merge(shared, on=REP_PERIOD).reset_index(drop=True),
        expected.merge(shared, on=REP_PERIOD).reset_index(drop=True),
        check_dtype=False,
    )


def test_the_least_a_crm_can_land_publishes_and_only_foreign_deals_drop_out(
    crm_minimal_run, small_published_db
) -> None:
    """No finance and no optional CRM file (splits, history, line items): deals in the
    corporate currency publish as in the full run; foreign ones are quarantined for want of a
    rate; every deal credits its owner in full."""
    settings, outcome = crm_minimal_run
    assert outcome.published, (outcome.failed_steps, outcome.failed_checks)
    columns = ", ".join(FCT_COLUMNS)
    full = _query(small_published_db, f"select {columns} from marts.fct_opportunities")
    found = _query(settings.published_db, f"select {columns} from marts.fct_opportunities")
    foreign = set(full.loc[full["currency_code"] != "USD", "opportunity_id"])
    assert foreign, "the demo company sells in more than one currency"
    # without split rows, a deal the full run set aside only for its splits is counted again
    split_faults = set(
        _query(
            small_published_db,
            "select opportunity_id from quarantine.opportunities group by opportunity_id"
            " having bool_and(rule in"
            " ('unknown_split_owner', 'unknown_split_type', 'revenue_splits_not_100'))",
        )["opportunity_id"]
    )
    assert set(found["opportunity_id"]) == (set(full["opportunity_id"]) - foreign) | (
        split_faults - foreign
    )
    shared = sorted(set(found["opportunity_id"]) & set(full["opportunity_id"]))
    pd.testing.assert_frame_equal(
        found.set_index("opportunity_id").loc[shared],
        full.set_index("opportunity_id").loc[shared],
        check_dtype=False,
    )

    no_rate = _query(
        settings.published_db,
        "select opportunity_id, currency_code, detail from quarantine.opportunities"
        " where rule = 'no_fx_rate'",
    )
    assert set(no_rate["opportunity_id"]) >= foreign & set(full["opportunity_id"])
    assert all(
        f"No {row.currency_code} rate" in row.detail for row in no_rate.itertuples(index=False)
    )
    credits = _query(
        settings.published_db,
        "select count(*) as credits,"
        " count(*) filter (where rep_id = owner_id and credit_share = 1) as owner_credits"
        " from marts.fct_opportunity_credits",
    ).iloc[0]
    assert credits["credits"] == credits["owner_credits"] == len(found)

    warned = {c["name"] for c in outcome.report["checks"] if not c["passed"]}
    assert "opportunity__currency_has_rate" in warned
    assert not [
        c for c in outcome.report["checks"] if c["asset"].startswith("finance/") and not c["passed"]
    ]
    missing = {d["dataset"] for d in outcome.report["missing_datasets"]}
    assert {"splits", "history", "line_items", "fx_rates"} <= missing, missing
