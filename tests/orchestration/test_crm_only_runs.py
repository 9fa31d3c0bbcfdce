"""A company with only a CRM runs end to end: the small demo company with compensation, sales
analytics and revenue intelligence removed publishes, and its CRM KPIs per rep and period equal
the full company's; with finance removed as well, only the foreign-currency deals change.

Expected values come from the full run of the same company (the `small_pipeline` fixture),
never from the run under test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import make_settings

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("small_pipeline")]

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
    "is_won",
    "is_closed",
    "close_date",
    "currency_code",
    "opportunity_amount",
    "sales_cycle_days",
]


def _landing(small_landing: Path, root: Path, keep: tuple[str, ...]) -> Path:
    landing = root / "landing"
    landing.mkdir(parents=True)
    for system in keep:
        shutil.copytree(small_landing / system, landing / system)
    return landing


def _query(db: Path, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def _kpis(db: Path) -> pd.DataFrame:
    frame = _query(db, f"select {', '.join(REP_PERIOD + CRM_KPIS)} from marts.rep_performance")
    return frame.sort_values(REP_PERIOD).reset_index(drop=True)


@pytest.fixture(scope="module")
def crm_only_run(small_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    from orchestration.runner import run_pipeline

    root = tmp_path_factory.mktemp("crm_only")
    settings = make_settings(_landing(small_landing, root, ("crm", "finance")), root)
    return settings, run_pipeline(settings)


@pytest.fixture(scope="module")
def crm_without_finance_run(small_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    from orchestration.runner import run_pipeline

    root = tmp_path_factory.mktemp("crm_no_finance")
    settings = make_settings(_landing(small_landing, root, ("crm",)), root)
    return settings, run_pipeline(settings)


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


def test_without_finance_only_the_foreign_currency_deals_change(
    crm_without_finance_run, small_published_db
) -> None:
    settings, outcome = crm_without_finance_run
    assert outcome.published, (outcome.failed_steps, outcome.failed_checks)
    full = _query(
        small_published_db, f"select {', '.join(FCT_COLUMNS)} from marts.fct_opportunities"
    )
    found = _query(
        settings.published_db, f"select {', '.join(FCT_COLUMNS)} from marts.fct_opportunities"
    )
    foreign = full[full["currency_code"] != "USD"]
    assert len(foreign) > 0

    expected = full[full["currency_code"] == "USD"].sort_values("opportunity_id")
    pd.testing.assert_frame_equal(
        found.sort_values("opportunity_id").reset_index(drop=True),
        expected.reset_index(drop=True),
        check_dtype=False,
    )
    quarantined = _query(
        settings.published_db,
        "select opportunity_id, currency_code from quarantine.opportunities"
        " where rule = 'no_fx_rate'",
    )
    assert set(foreign["opportunity_id"]) <= set(quarantined["opportunity_id"])
    assert set(quarantined["currency_code"]) >= set(foreign["currency_code"])
    warned = {c["name"] for c in outcome.report["checks"] if not c["passed"]}
    assert "opportunity__currency_has_rate" in warned
    assert not [
        c for c in outcome.report["checks"] if c["asset"].startswith("finance/") and not c["passed"]
    ]
