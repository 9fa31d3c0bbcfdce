"""Table-level rules: row-count drift against the recorded baseline, freshness, distribution."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from data_quality import QualityConfig, record_successful_counts, run_checks
from data_quality.state import drift_tables, load_previous_counts

DRIFT = "activities__row_count_drift"
SHRINK = "activities__row_count_not_decreased"
SHRINK_FORECASTS = "forecast_submissions__row_count_not_decreased"
ACTIVITY_COPY = (
    "insert into raw_sales_analytics.activities "
    "select id || '_copy', type, user_id, opportunity_id, account_id, \"timestamp\", "
    "duration_seconds, direction, outcome, source_file, 'l2', _dlt_id || '_copy' "
    "from raw_sales_analytics.activities"
)


def _by_name(results: list) -> dict:
    return {r.name: r for r in results}


def test_drift_passes_without_a_baseline_and_says_so(
    warehouse: Path, tmp_path: Path, as_of: dt.date
) -> None:
    results = _by_name(
        run_checks(warehouse, as_of, tmp_path / "state", only_checks=[DRIFT, SHRINK])
    )
    assert results[DRIFT].passed and results[SHRINK].passed
    assert "no previous successful load recorded" in results[DRIFT].message
    assert "4 rows" in results[DRIFT].message


def test_record_successful_counts_writes_one_json_per_table(
    warehouse: Path, tmp_path: Path, as_of: dt.date
) -> None:
    state = tmp_path / "state"
    written = record_successful_counts(warehouse, state, run_id="run-1", as_of=as_of)

    assert set(written) == set(drift_tables())
    assert written["raw_sales_analytics.activities"] == 4
    assert written["raw_crm.opportunity"] == 6  # every scd2 version counts
    assert written["marts.rep_performance"] == 5
    record = json.loads((state / "row_counts" / "raw_crm.opportunity.json").read_text())
    assert record["table"] == "raw_crm.opportunity"
    assert record["row_count"] == 6
    assert record["run_id"] == "run-1"
    assert record["as_of"] == "2026-04-15"
    assert load_previous_counts(state)["raw_crm.opportunity"].row_count == 6


def test_record_skips_tables_that_do_not_exist(
    warehouse: Path, tmp_path: Path, plant: Callable[..., None]
) -> None:
    plant(warehouse, "drop table marts.rep_pacing", "drop table marts.team_performance")
    written = record_successful_counts(warehouse, tmp_path / "state")
    assert "marts.team_performance" not in written
    assert not (tmp_path / "state" / "row_counts" / "marts.team_performance.json").exists()


def test_growth_beyond_tolerance_warns_but_is_not_a_shrink(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    state = tmp_path / "state"
    record_successful_counts(warehouse, state)
    plant(warehouse, ACTIVITY_COPY)  # 4 -> 8 rows: +100%, tolerance 50%

    results = _by_name(run_checks(warehouse, as_of, state, only_checks=[DRIFT, SHRINK]))
    drift = results[DRIFT]
    assert not drift.passed and drift.severity == "warning" and drift.outcome == "warned"
    assert drift.failing_rows == 1
    assert drift.sample[0]["previous_row_count"] == 4
    assert drift.sample[0]["row_count"] == 8
    assert drift.sample[0]["change_ratio"] == pytest.approx(1.0)
    assert "8 rows" in drift.message and "vs 4" in drift.message and "+100.0%" in drift.message
    assert results[SHRINK].passed


def test_tolerance_is_configured(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    state = tmp_path / "state"
    record_successful_counts(warehouse, state)
    plant(warehouse, ACTIVITY_COPY)
    config = QualityConfig(drift_tolerance=1.0)
    [result] = run_checks(warehouse, as_of, state, only_checks=[DRIFT], config=config)
    assert result.passed, result.message


def test_a_raw_table_that_lost_rows_blocks(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    state = tmp_path / "state"
    record_successful_counts(warehouse, state)
    plant(warehouse, "delete from raw_sales_analytics.activities where id = 'act_04'")

    results = _by_name(run_checks(warehouse, as_of, state, only_checks=[DRIFT, SHRINK]))
    shrink = results[SHRINK]
    assert not shrink.passed and shrink.outcome == "failed"
    assert shrink.failing_rows == 1
    assert shrink.sample[0]["row_count_change"] == -1
    assert results[DRIFT].passed  # -25% is within the 50% tolerance


def test_marts_have_drift_but_may_shrink(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    state = tmp_path / "state"
    record_successful_counts(warehouse, state)
    # 5 -> 1 rows: -80%
    plant(
        warehouse,
        "delete from marts.rep_performance where rep_period_id <> '005U1|quarter|FY2026-Q1'",
    )
    [result] = run_checks(
        warehouse,
        as_of,
        state,
        only_assets=[("rep_performance",)],
        only_checks=["rep_performance__row_count_drift"],
    )
    assert not result.passed and result.severity == "warning"
    assert "-80.0%" in result.message
    names = {r.name for r in run_checks(warehouse, as_of, state, only_assets=["rep_performance"])}
    assert "rep_performance__row_count_not_decreased" not in names


def test_the_baseline_moves_only_when_recorded(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    state = tmp_path / "state"
    record_successful_counts(warehouse, state)
    plant(warehouse, ACTIVITY_COPY)
    assert not run_checks(warehouse, as_of, state, only_checks=[DRIFT])[0].passed
    # running checks again does not accept the new count...
    assert not run_checks(warehouse, as_of, state, only_checks=[DRIFT])[0].passed
    # ...a successful publish does
    record_successful_counts(warehouse, state)
    assert run_checks(warehouse, as_of, state, only_checks=[DRIFT])[0].passed


def test_an_unreadable_count_file_is_an_error_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "state" / "row_counts"
    folder.mkdir(parents=True)
    (folder / "raw_crm.user.json").write_text("{not json")
    with pytest.raises(ValueError, match=r"raw_crm\.user\.json: not a row-count record"):
        load_previous_counts(tmp_path / "state")


@pytest.mark.parametrize(
    ("check", "fresh_until", "stale_on", "newest"),
    [
        # newest opportunity change 2026-04-15, window 3 days
        ("crm__freshness", "2026-04-18", "2026-04-19", "2026-04-15T08:00:00+00:00"),
        # newest activity 2026-04-15 23:59 UTC, window 3 days
        ("sales_analytics__freshness", "2026-04-18", "2026-04-19", "2026-04-15T23:59:00+00:00"),
        # newest call Monday 2026-04-13, window 8 days
        (
            "revenue_intelligence__freshness",
            "2026-04-21",
            "2026-04-22",
            "2026-04-13T08:05:00+00:00",
        ),
        # quota months run to December 2026: the workbook covers the as-of month until then
        ("compensation__freshness", "2026-12-31", "2027-01-01", "2026-12-31"),
    ],
)
def test_freshness_window_against_as_of(
    warehouse: Path, tmp_path: Path, check: str, fresh_until: str, stale_on: str, newest: str
) -> None:
    state = tmp_path / "state"
    [fresh] = run_checks(warehouse, dt.date.fromisoformat(fresh_until), state, only_checks=[check])
    assert fresh.passed, fresh.message
    [stale] = run_checks(warehouse, dt.date.fromisoformat(stale_on), state, only_checks=[check])
    assert not stale.passed and stale.severity == "warning"
    assert stale.failing_rows == 1
    assert stale.sample[0]["newest_record_at"] == newest
    assert "newest record of" in stale.message and newest in stale.message


def test_freshness_fails_on_a_source_emptied_since_the_last_publish(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    state = tmp_path / "state"
    record_successful_counts(warehouse, state)
    plant(warehouse, "delete from raw_revenue_intelligence.forecast_submissions")
    results = _by_name(
        run_checks(
            warehouse,
            as_of,
            state,
            only_checks=["revenue_intelligence__freshness", SHRINK_FORECASTS],
        )
    )
    result = results["revenue_intelligence__freshness"]
    assert not result.passed
    assert result.failing_rows == 1
    assert result.sample[0]["row_count"] == 0
    assert "holds no record" in result.message
    # the system vanished: the shrink rule blocks the publish
    assert not results[SHRINK_FORECASTS].passed
    assert results[SHRINK_FORECASTS].severity == "error"


def test_checks_on_a_source_that_never_landed_are_skipped(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    """A company without forecasts: the empty table's checks pass and say why."""
    plant(warehouse, "delete from raw_revenue_intelligence.forecast_submissions")
    results = run_checks(
        warehouse,
        as_of,
        tmp_path / "state",
        only_assets=["revenue_intelligence/forecast_submissions"],
    )
    assert results and all(r.passed for r in results)
    for result in results:
        assert result.message == (
            "skipped: raw_revenue_intelligence.forecast_submissions never landed (no row now, "
            "none at the last published load): its system or optional file is absent"
        )


def test_compensation_freshness_ignores_blank_months_and_old_versions(
    warehouse: Path, tmp_path: Path, plant: Callable[..., None]
) -> None:
    # blank the workbook from May on: the newest quota month is April
    plant(
        warehouse,
        "update raw_compensation.quotas set quota_amount = null where month >= date '2026-05-01'",
    )
    state = tmp_path / "state"
    [ok] = run_checks(
        warehouse, dt.date(2026, 4, 30), state, only_checks=["compensation__freshness"]
    )
    assert ok.passed, ok.message
    [late] = run_checks(
        warehouse, dt.date(2026, 5, 1), state, only_checks=["compensation__freshness"]
    )
    assert not late.passed
    assert late.sample[0]["newest_record_at"] == "2026-04-30"


def test_median_attainment_band(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    check = "rep_performance__median_quarter_attainment_in_band"
    state = tmp_path / "state"
    [clean] = run_checks(warehouse, as_of, state, only_checks=[check])
    assert clean.passed and "observed 0.925 over 2 rows" in clean.message  # managers excluded

    # quota loaded per year instead of per month: every closed quarter at a twelfth
    plant(warehouse, "update marts.rep_performance set attainment = attainment / 12")
    [result] = run_checks(warehouse, as_of, state, only_checks=[check])
    assert not result.passed and result.severity == "warning"
    assert result.failing_rows == 0 and result.sample == []
    assert "outside the expected range" in result.message


def test_median_attainment_passes_before_any_quarter_closed(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    plant(warehouse, "update marts.rep_performance set is_closed_period = false")
    check = "rep_performance__median_quarter_attainment_in_band"
    [result] = run_checks(warehouse, as_of, tmp_path / "state", only_checks=[check])
    assert result.passed and result.message == "no rows to judge"


def test_only_the_activity_value_rules_are_sampled(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    config = QualityConfig(sample_rows=2)  # the clean activities table has 4 rows
    results = run_checks(warehouse, as_of, tmp_path / "state", config=config)
    sampled = {r.name for r in results if "reservoir sample" in r.message}
    assert sampled == {
        "activities__user_id_not_null",
        "activities__timestamp_not_null",
        "activities__type_in_set",
        "activities__direction_in_set",
        "activities__outcome_matches_type",
        "activities__duration_within_range",
    }
    by_name = _by_name(results)
    assert by_name["activities__type_in_set"].message == (
        "2 rows checked, none breaks the rule (repeatable reservoir sample of 2 of 4 rows)"
    )

    # a systematic fault (every call renamed) is found in any sample, the same way each run
    plant(warehouse, "update raw_sales_analytics.activities set type = 'phone' where type = 'call'")
    runs = [
        run_checks(
            warehouse,
            as_of,
            tmp_path / "state",
            only_checks=["activities__type_in_set"],
            config=QualityConfig(sample_rows=3),
        )[0]
        for _ in range(2)
    ]
    assert not runs[0].passed
    assert runs[0].failing_rows >= 1
    assert (runs[0].failing_rows, runs[0].sample) == (runs[1].failing_rows, runs[1].sample)
