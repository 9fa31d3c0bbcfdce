"""The Dagster side of a company with only a CRM: an absent system's ingest asset succeeds and
says it skipped, a vanished one fails; the corporate currency reaches the checks and the
console summary."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.ingest import build_ingest_assets, ingest_resources
from orchestration.settings import Settings
from orchestration.summary import current_quarter_summary, money
from tests.support.ingestion.tiny_landing import TinyLanding


def _settings(landing: Path, root: Path, **changes: object) -> Settings:
    return Settings.from_env().with_overrides(
        landing_dir=landing,
        warehouse_dir=root / "warehouse",
        reports_dir=root / "reports",
        as_of=dt.date(2026, 4, 15),
        **changes,
    )


def _asset_of(settings: Settings, system: str) -> dg.AssetsDefinition:
    return next(a for a in build_ingest_assets(settings) if a.node_def.name == f"load_{system}")


def _materialize(settings: Settings, system: str) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [_asset_of(settings, system)],
        resources=ingest_resources(),
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def test_an_absent_systems_asset_succeeds_and_says_it_skipped(tmp_path: Path) -> None:
    landing = TinyLanding(tmp_path / "landing")
    shutil.rmtree(landing.root / "compensation")
    settings = _settings(landing.root, tmp_path)

    result = _materialize(settings, "compensation")

    assert result.success
    materializations = result.asset_materializations_for_node("load_compensation")
    keys = {m.asset_key.to_user_string() for m in materializations}
    assert keys == {
        "compensation/quotas",
        "compensation/assignments",
        "compensation/comp_plans",
        "compensation/comp_plan_tiers",
        "compensation/payouts",
    }
    for materialization in materializations:
        assert materialization.metadata["skipped"].value == (
            f"skipped: compensation absent (no folder compensation/ in {landing.root})"
        )
    con = duckdb.connect(str(settings.work_db), read_only=True)
    try:
        assert con.execute("select count(*) from raw_compensation.payouts").fetchone() == (0,)
    finally:
        con.close()


def test_a_present_systems_asset_creates_the_tables_of_its_missing_files(tmp_path: Path) -> None:
    landing = TinyLanding(tmp_path / "landing")
    (landing.root / "crm" / "OpportunitySplit.csv").unlink()
    settings = _settings(landing.root, tmp_path)

    assert _materialize(settings, "crm").success

    con = duckdb.connect(str(settings.work_db), read_only=True)
    try:
        assert con.execute("select count(*) from raw_crm.opportunity_split").fetchone() == (0,)
        assert con.execute("select count(*) from raw_crm.opportunity_stage").fetchone() == (0,)
        assert con.execute("select count(*) from raw_crm.opportunity").fetchone() == (4,)
    finally:
        con.close()


def test_a_vanished_systems_asset_fails(tmp_path: Path) -> None:
    landing = TinyLanding(tmp_path / "landing")
    settings = _settings(landing.root, tmp_path)
    assert _materialize(settings, "finance").success
    shutil.rmtree(landing.root / "finance")

    result = _materialize(settings, "finance")

    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    assert "but raw_finance holds 6 rows from earlier loads" in str(failure.step_failure_data.error)


def test_the_corporate_currency_reaches_the_quality_config(tmp_path: Path) -> None:
    settings = _settings(tmp_path, tmp_path, corporate_currency="EUR")
    assert settings.quality_config().corporate_currency == "EUR"


@pytest.mark.parametrize(
    ("currency", "shown"),
    [("USD", "$1,234,568"), ("EUR", "€1,234,568"), ("GBP", "£1,234,568"), ("CHF", "CHF 1,234,568")],
)
def test_amounts_print_with_the_corporate_currency(currency: str, shown: str) -> None:
    assert money(1_234_567.89, currency) == shown
    assert money(-5, currency) == ("CHF -5" if currency == "CHF" else f"-{shown[0]}5")
    assert money(None, currency) == "-"


def test_the_console_summary_prints_the_corporate_currency(tmp_path: Path) -> None:
    db = tmp_path / "spm.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema marts")
    con.execute(
        "create table marts.team_performance as select 'company' as hierarchy_level,"
        " 'quarter' as period_type, 'FY2026-Q2' as fiscal_period, date '2026-04-01' as"
        " period_start, date '2026-06-30' as period_end, 100000.0 as quota_amount,"
        " 80000.0 as bookings_amount, 0.8 as attainment"
    )
    con.execute(
        "create table marts.rep_performance as select 'Ana' as rep_name, 'Team A' as team_name,"
        " 0.8 as attainment, 80000.0 as bookings_amount, 100000.0 as quota_amount,"
        " 'quarter' as period_type, 'FY2026-Q2' as fiscal_period"
    )
    con.close()

    summary = current_quarter_summary(db, dt.date(2026, 4, 15), "EUR")

    assert "quota €100,000   bookings €80,000   attainment 80.0%" in summary
    assert "€80,000 of €100,000" in summary
    assert "$" not in summary


def test_without_quotas_the_summary_ranks_by_bookings(tmp_path: Path) -> None:
    db = tmp_path / "spm.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema marts")
    con.execute(
        "create table marts.team_performance as select 'company' as hierarchy_level,"
        " 'quarter' as period_type, 'FY2026-Q2' as fiscal_period, date '2026-04-01' as"
        " period_start, date '2026-06-30' as period_end, null::decimal as quota_amount,"
        " 90000.0 as bookings_amount, null::double as attainment"
    )
    con.execute(
        "create table marts.rep_performance as select * from (values"
        " ('Ana', 'Team A', null::double, 60000.0, null::decimal, 'quarter', 'FY2026-Q2', 0.5),"
        " ('Bo', 'Team A', null::double, 30000.0, null::decimal, 'quarter', 'FY2026-Q2', 0.25))"
        " as t(rep_name, team_name, attainment, bookings_amount, quota_amount, period_type,"
        " fiscal_period, win_rate)"
    )
    con.close()

    summary = current_quarter_summary(db, dt.date(2026, 4, 15), "GBP")

    assert summary.splitlines()[:3] == [
        "Company, FY2026-Q2 (as of 2026-04-15; no quotas loaded):",
        "  bookings £90,000",
        "Top 3 reps by bookings:",
    ]
    assert "Ana" in summary.splitlines()[3] and "win rate 50.0%" in summary.splitlines()[3]
    assert "attainment" not in summary and "quota" not in summary.replace("no quotas", "")
