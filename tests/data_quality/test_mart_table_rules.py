"""The mart rules that judge an aggregate, not a row: medians, the newest pipeline snapshot,
the share of rep-months the commission audit flags, and the drift of the new marts.

Each passes on the clean warehouse of conftest.py and fails, as a warning, on one planted
fault; the messages name the numbers a user reads in `spm check`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from data_quality import CheckResult, record_successful_counts, run_checks

SNAPSHOTS = "marts.fct_pipeline_snapshots"
SIZE = "fct_pipeline_snapshots__newest_snapshot_size_stable"
AGE = "fct_pipeline_snapshots__newest_snapshot_within_a_week"
SHARE = "commission_audit__flagged_share_within_limit"
BIAS = "forecast_accuracy__median_commit_bias_in_band"
BACKTEST = "forecast_projection__median_backtest_error_in_band"


def _one(warehouse: Path, as_of: dt.date, state: Path, check: str) -> CheckResult:
    [result] = run_checks(warehouse, as_of, state, only_checks=[check])
    return result


def test_median_commit_bias_band(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    clean = _one(warehouse, as_of, tmp_path, BIAS)
    # ended periods only: the running FY2026-Q2 row has no bias; median of -0.1, 0.05, -0.08
    assert clean.passed and clean.message.startswith("observed -0.08 over 3 rows"), clean.message

    # calls entered in thousands, actuals in units: every ended call reads ~1000x over
    plant(warehouse, "update marts.forecast_accuracy set commit_bias = commit_bias + 999")
    result = _one(warehouse, as_of, tmp_path, BIAS)
    assert not result.passed and result.outcome == "warned"
    assert "outside the expected range" in result.message


def test_median_commit_bias_passes_before_any_period_ended(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    plant(warehouse, "update marts.forecast_accuracy set is_period_closed = false")
    result = _one(warehouse, as_of, tmp_path, BIAS)
    assert result.passed and result.message == "no rows to judge"


def test_median_backtest_error_band(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    clean = _one(warehouse, as_of, tmp_path, BACKTEST)
    assert clean.passed and "over 2 rows" in clean.message  # current rows are not judged

    # snapshots valued in cents: every back-test projects about 100x what was booked
    plant(
        warehouse,
        "update marts.forecast_projection set projection_error = 99 "
        "where projection_type = 'backtest'",
    )
    result = _one(warehouse, as_of, tmp_path, BACKTEST)
    assert not result.passed and result.outcome == "warned"
    assert result.message.startswith("observed 99")


def test_a_partial_newest_snapshot_warns(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    clean = _one(warehouse, as_of, tmp_path, SIZE)
    assert clean.passed and "+0.0%" in clean.message

    # the week before the newest snapshot held three deals, the newest one
    plant(
        warehouse,
        f"insert into {SNAPSHOTS} values ('006O3|2026-04-06', '2026-04-06', '006O3'), "
        "('006O1|2026-04-06', '2026-04-06', '006O1')",
    )
    result = _one(warehouse, as_of, tmp_path, SIZE)
    assert not result.passed and result.outcome == "warned" and result.failing_rows == 1
    row = result.sample[0]
    assert (row["newest_snapshot_date"], row["newest_deal_count"]) == ("2026-04-13", 1)
    assert (row["previous_snapshot_date"], row["previous_deal_count"]) == ("2026-04-06", 3)
    assert "-66.7%" in result.message and "tolerance ±50%" in result.message


def test_one_snapshot_alone_passes_the_size_rule(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    plant(warehouse, f"delete from {SNAPSHOTS} where snapshot_date < date '2026-04-13'")
    result = _one(warehouse, as_of, tmp_path, SIZE)
    assert result.passed and "no earlier snapshot to compare with" in result.message


def test_newest_snapshot_age_against_as_of(warehouse: Path, tmp_path: Path) -> None:
    # newest snapshot Monday 2026-04-13: fine until the Sunday after, stale from Monday 20th
    fresh = _one(warehouse, dt.date(2026, 4, 19), tmp_path, AGE)
    assert fresh.passed, fresh.message
    stale = _one(warehouse, dt.date(2026, 4, 20), tmp_path, AGE)
    assert not stale.passed and stale.outcome == "warned"
    assert stale.sample[0]["newest_snapshot_age_days"] == 7
    assert "7 day(s) before the as-of date" in stale.message
    # a snapshot after the as-of date: a rebuild of a past day did not drop it
    future = _one(warehouse, dt.date(2026, 4, 12), tmp_path, AGE)
    assert not future.passed and "1 day(s) after" in future.message


def test_no_snapshot_at_all_warns(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    plant(warehouse, f"delete from {SNAPSHOTS}")
    result = _one(warehouse, as_of, tmp_path, AGE)
    assert not result.passed and result.message == f"{SNAPSHOTS} holds no snapshot"


def test_an_audit_flagging_most_rep_months_warns(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    clean = _one(warehouse, as_of, tmp_path, SHARE)
    assert clean.passed and "flags 1 of 5 rep-months (20.0%" in clean.message

    # a wrong fiscal-year start: February's payouts all disagree with the plan too
    plant(
        warehouse,
        "insert into marts_restricted.commission_audit values "
        "('005U1|2026-02-01', '005U1', '2026-02', '2026-02-01', 'overpaid', 10.00), "
        "('005U2|2026-02-01', '005U2', '2026-02', '2026-02-01', 'overpaid', 10.00)",
    )
    result = _one(warehouse, as_of, tmp_path, SHARE)
    assert not result.passed and result.outcome == "warned" and result.failing_rows == 1
    assert result.sample[0]["flagged_rep_months"] == 3
    assert result.sample[0]["rep_months"] == 5
    assert "flags 3 of 5 rep-months (60.0%; at most 25% expected)" in result.message


def test_missing_payouts_count_as_flagged_rep_months(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    # no payout file at all: every payable month is a missing_payout row and nothing is paid
    plant(
        warehouse,
        "delete from marts_restricted.fct_payouts",
        "delete from marts_restricted.commission_audit",
        "insert into marts_restricted.commission_audit values "
        "('005U1|2026-01-01', '005U1', '2026-01', '2026-01-01', 'missing_payout', 0.00), "
        "('005U2|2026-02-01', '005U2', '2026-02', '2026-02-01', 'missing_payout', 0.00)",
    )
    result = _one(warehouse, as_of, tmp_path, SHARE)
    assert not result.passed and "flags 2 of 2 rep-months (100.0%" in result.message


def test_pipeline_snapshots_drift_but_may_shrink(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    state = tmp_path / "state"
    written = record_successful_counts(warehouse, state)
    assert written[SNAPSHOTS] == 7
    assert written["marts.pipeline_health"] == 4
    assert written["marts.forecast_accuracy"] == 4
    # a past as-of day rebuilt: the snapshots after it are dropped, 7 -> 3 rows
    plant(warehouse, f"delete from {SNAPSHOTS} where snapshot_date > date '2026-03-16'")
    results = run_checks(warehouse, as_of, state, only_assets=["fct_pipeline_snapshots"])
    by_name = {r.name: r for r in results}
    drift = by_name["fct_pipeline_snapshots__row_count_drift"]
    assert not drift.passed and drift.outcome == "warned" and "-57.1%" in drift.message
    assert "fct_pipeline_snapshots__row_count_not_decreased" not in by_name


def test_a_correlation_rounded_past_one_is_not_a_finding(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    # two reps' correlation is exactly 1 in theory; DuckDB may return 1 plus one ulp
    check = "pay_for_performance__team_attainment_pay_correlation_within_range"
    plant(
        warehouse,
        "update marts_restricted.pay_for_performance "
        "set team_attainment_pay_correlation = 1.0000000000000002",
    )
    result = _one(warehouse, as_of, tmp_path, check)
    assert result.passed, result.message
