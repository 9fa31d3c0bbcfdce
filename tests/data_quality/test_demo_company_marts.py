"""Every mart check on the small demo company's published marts (seed 42): all pass.

They run on the restricted published file, which holds `marts` and `marts_restricted` as the
last successful run published them (the public file has no pay marts).

The marts are clean by construction (the generator's planted faults are quarantined before
them, and its wrong payouts are what commission_audit lists), so a mart rule that fails here
is either a wrong rule or a defect in a dbt model. One warning is expected: the generator's
long tail of deal amounts holds a few deals far above their team's, which the amount-outlier
rule is there to point out. The run shares the session's pipeline of
the small company (tests/conftest.py) with the end-to-end tests: same xdist group.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from data_quality import all_checks, run_checks

pytestmark = [pytest.mark.slow, pytest.mark.company]


def test_every_mart_check_passes_on_the_small_company(
    small_pipeline, small_as_of: dt.date, tmp_path: Path
) -> None:
    settings, outcome = small_pipeline
    assert outcome.published, f"the small demo company did not publish: {outcome.report}"
    restricted_db = settings.restricted_db
    mart_assets = sorted({s.asset_key for s in all_checks() if len(s.asset_key) == 1})
    results = run_checks(restricted_db, small_as_of, tmp_path, only_assets=mart_assets)

    assert {r.asset_key for r in results} == set(mart_assets)
    assert {"pay_for_performance", "fct_pipeline_snapshots", "forecast_projection"} <= {
        r.asset_key[0] for r in results
    }
    outlier_check = "fct_opportunities__amount_within_team_outlier_line"
    not_passed = [
        f"{r.name} ({r.outcome}): {r.message}"
        for r in results
        if not r.passed and r.name != outlier_check
    ]
    assert not not_passed
    by_name = {r.name: r for r in results}
    # the generator's long tail of amounts holds a few deals of $1M and more on teams whose
    # deals run far below: the outlier rule warns about them, and only warns
    outliers = by_name[outlier_check]
    assert outliers.outcome == "warned" and outliers.failing_rows >= 1
    assert max(float(row["opportunity_amount"]) for row in outliers.sample) > 1_000_000
    assert all(
        float(row["opportunity_amount"]) > float(row["amount_outlier_threshold"])
        for row in outliers.sample
    )
    # the aggregates judged real numbers, not an empty frame
    assert by_name["forecast_projection__median_backtest_error_in_band"].message.startswith(
        "observed"
    )
    assert "rep-months" in by_name["commission_audit__flagged_share_within_limit"].message
    assert "2026-11-23" in by_name["fct_pipeline_snapshots__newest_snapshot_within_a_week"].message
