"""GX suite of the forecast marts (schema `marts`): forecast_accuracy, forecast_calls,
forecast_projection, forecast_win_rates.

dbt already owns these marts' keys, relationships, accepted values (roles, projection types,
rate levels, age buckets), contracts and the KPI logic (unit tests). GX adds what dbt does
not test: value ranges, the order of the projection's range, and two distributions.

Severity, on purpose:
- **error (blocks publish):** a number no sales leader should see, which nothing downstream
  corrects. An accuracy or a win rate outside [0, 1] is arithmetic gone wrong; a bias below
  -100% needs a negative call or actual (both are never negative); a projection range whose
  low end lies above the projection or its high end (the brief's "projected_low >
  projected_high") or outside [closed to date, closed + all open pipeline] is a projection
  that contradicts its own inputs; a negative projection amount or a won count above its
  observations means a join fanned out or a sign flipped; a negative node call (owner's,
  roll-up or shown) is a sign error in the calls a leader quotes. (That each roll-up is the
  sum of the calls below it is a dbt singular test.)
- **warning (publish and report):** the distributions need a human. The median bias of
  ended-period Commit calls and the median back-test error are near 0 on the demo
  companies (within ±0.04 on the small and medium companies, seed 42); outside ±50%
  (`MEDIAN_BIAS_BAND`, `MEDIAN_BACKTEST_ERROR_BAND`), calls and actuals (or projections
  and actuals) are most likely measured in different units or for different nodes, yet a
  real team can forecast that badly. Row-count drift of forecast_accuracy warns like every
  mart's drift.

The back-test's 80% range holds the actual in only about 35-37% of back-test rows on the
small and medium demo companies (the method does not foresee deals created later), so no
rule judges the range's calibration: it would fail on clean data.
"""

from __future__ import annotations

from data_quality.rules import Expect, Frame, GxCheck, between, make_check, table_frame
from data_quality.suites.mart_rules import col, fraction, least
from data_quality.table_rules import drift_checks

FORECAST_ACCURACY = ("forecast_accuracy",)
FORECAST_CALLS = ("forecast_calls",)
FORECAST_PROJECTION = ("forecast_projection",)
FORECAST_WIN_RATES = ("forecast_win_rates",)

# Medians outside these bands signal a unit or node mismatch (see the module docstring).
MEDIAN_BIAS_BAND = (-0.5, 0.5)
MEDIAN_BACKTEST_ERROR_BAND = (-0.5, 0.5)

accuracy = table_frame(
    "marts_forecast_accuracy_all",
    "marts.forecast_accuracy",
    [
        "commit_accuracy",
        "best_case_accuracy",
        "trailing_accuracy",
        "commit_bias",
        "best_case_bias",
        "trailing_bias",
    ],
    key=["submitter_id", "submitter_role", "period_type", "fiscal_period", "week_of_period"],
)

ended_commit_calls = table_frame(
    "marts_forecast_accuracy_ended_commit_calls",
    "marts.forecast_accuracy",
    ["commit_bias"],
    key=["submitter_id", "submitter_role", "period_type", "fiscal_period", "week_of_period"],
    where='"is_period_closed" and "commit_bias" is not null',
    where_reads=["is_period_closed"],
)

CALL_AMOUNTS = ["owner_call_amount", "roll_up_amount", "call_amount"]

node_calls = table_frame(
    "marts_forecast_calls_all",
    "marts.forecast_calls",
    CALL_AMOUNTS,
    key=["team_id", "period_type", "fiscal_period", "week_of_period", "forecast_category"],
    derived={"smallest_call_amount": least(*(col(c) for c in CALL_AMOUNTS))},
)

PROJECTION_AMOUNTS = ["closed_to_date_amount", "open_pipeline_amount", "expected_from_open_amount"]
RANGE = ["projected_low_amount", "projected_amount", "projected_high_amount"]

projection = table_frame(
    "marts_forecast_projection_all",
    "marts.forecast_projection",
    [*PROJECTION_AMOUNTS, *RANGE, "range_method"],
    key=["team_id", "fiscal_period", "projection_type", "projection_date"],
    derived={
        "smallest_amount": least(*(col(c) for c in PROJECTION_AMOUNTS)),
        # negative when the projection lies outside its own range
        "range_margin": least(
            f"{col('projected_amount')} - {col('projected_low_amount')}",
            f"{col('projected_high_amount')} - {col('projected_amount')}",
        ),
        # negative when the low end falls below what is already closed, or when a range of
        # the independent-deals method leaves closed to date + all open pipeline (a range
        # learned from the back-test may rise above it: deals not yet created close too)
        "bounds_margin": least(
            f"{col('projected_low_amount')} - {col('closed_to_date_amount')}",
            f"case when {col('range_method')} = 'independent_deals' then "
            f"{col('closed_to_date_amount')} + {col('open_pipeline_amount')} "
            f"- {col('projected_high_amount')} else 0 end",
        ),
    },
)

backtests = table_frame(
    "marts_forecast_projection_backtests",
    "marts.forecast_projection",
    ["projection_error"],
    key=["team_id", "fiscal_period", "projection_type", "projection_date"],
    where='"projection_type" = \'backtest\' and "projection_error" is not null',
)

WIN_COUNTS = [
    ("cell_observation_count", "cell_won_count"),
    ("stage_age_observation_count", "stage_age_won_count"),
    ("stage_observation_count", "stage_won_count"),
]

win_rates = table_frame(
    "marts_forecast_win_rates_all",
    "marts.forecast_win_rates",
    ["win_rate", "rate_level", *(c for pair in WIN_COUNTS for c in pair)],
    key=["fiscal_period", "stage_name", "forecast_category", "age_bucket"],
    derived={
        # negative when a level counts more wins than observations (or a negative count)
        "won_count_margin": least(
            *(f"{col(seen)} - {col(won)}" for seen, won in WIN_COUNTS),
            *(col(won) for _, won in WIN_COUNTS),
        )
    },
)


def _bias_floor(column: str, what: str) -> GxCheck:
    return between(
        accuracy,
        FORECAST_ACCURACY,
        column,
        "error",
        f"`{column}` ({what}) is at least -1: bias = (call - actual) / actual, and calls and "
        "actuals are never negative, so below -100% a negative call or actual reached the mart.",
        name=f"{column}_not_below_minus_1",
        min_value=-1,
    )


def _median_band(
    name: str,
    asset: tuple[str, ...],
    frame: Frame,
    column: str,
    band: tuple[float, float],
    description: str,
) -> GxCheck:
    """Warning when the median of `column` over `frame` leaves `band`; no rows: passes."""
    return make_check(
        name,
        asset,
        "warning",
        description,
        frame,
        Expect(
            "ExpectColumnMedianToBeBetween",
            {"column": column, "min_value": band[0], "max_value": band[1]},
        ),
        skip_when_empty=True,
    )


CHECKS: list[GxCheck] = [
    fraction(
        accuracy,
        FORECAST_ACCURACY,
        "commit_accuracy",
        "accuracy = max(0, 1 - abs(actual - call) / actual) cannot leave it.",
    ),
    fraction(
        accuracy,
        FORECAST_ACCURACY,
        "best_case_accuracy",
        "accuracy = max(0, 1 - abs(actual - call) / actual) cannot leave it.",
    ),
    fraction(
        accuracy,
        FORECAST_ACCURACY,
        "trailing_accuracy",
        "a mean of accuracies, each within [0, 1].",
    ),
    _bias_floor("commit_bias", "the Commit call's"),
    _bias_floor("best_case_bias", "the Best Case call's"),
    _bias_floor("trailing_bias", "the mean mid-period Commit bias that labels sandbaggers"),
    _median_band(
        "forecast_accuracy__median_commit_bias_in_band",
        FORECAST_ACCURACY,
        ended_commit_calls,
        "commit_bias",
        MEDIAN_BIAS_BAND,
        "Distribution: the median bias of Commit calls in ended periods lies within "
        f"[{MEDIAN_BIAS_BAND[0]}, {MEDIAN_BIAS_BAND[1]}]; outside it, calls and actuals are "
        "likely in different units or for different nodes (a manager's call scored against "
        "another team). Passes when no period has ended.",
    ),
    *drift_checks(FORECAST_ACCURACY, "marts.forecast_accuracy", shrink_severity=None),
    between(
        node_calls,
        FORECAST_CALLS,
        "smallest_call_amount",
        "error",
        "`owner_call_amount`, `roll_up_amount` and `call_amount` are not negative: they are "
        "the calls leaders quote for a node, and a negative one is a sign error in a "
        "submission or the roll-up.",
        name="calls_not_negative",
        min_value=0,
        context=CALL_AMOUNTS,
    ),
    between(
        projection,
        FORECAST_PROJECTION,
        "smallest_amount",
        "error",
        "`closed_to_date_amount`, `open_pipeline_amount` and `expected_from_open_amount` are "
        "not negative: a negative pipeline or booked amount is a sign error upstream, and the "
        "projection is built from them.",
        name="amounts_not_negative",
        min_value=0,
        context=PROJECTION_AMOUNTS,
    ),
    between(
        projection,
        FORECAST_PROJECTION,
        "range_margin",
        "error",
        "The projection lies within its range: `projected_low_amount` <= `projected_amount` "
        "<= `projected_high_amount` (so the low end is never above the high end).",
        name="range_contains_projection",
        min_value=0,
        context=RANGE,
    ),
    between(
        projection,
        FORECAST_PROJECTION,
        "bounds_margin",
        "error",
        "The range lies within what the quarter can still book: the low end is not below "
        "`closed_to_date_amount`; for `range_method` independent_deals the high end is not "
        "above closed to date + `open_pipeline_amount` either.",
        name="range_within_closed_and_open",
        min_value=0,
        context=["closed_to_date_amount", "open_pipeline_amount", *RANGE, "range_method"],
    ),
    _median_band(
        "forecast_projection__median_backtest_error_in_band",
        FORECAST_PROJECTION,
        backtests,
        "projection_error",
        MEDIAN_BACKTEST_ERROR_BAND,
        "Distribution: the median `projection_error` of the back-test rows lies within "
        f"[{MEDIAN_BACKTEST_ERROR_BAND[0]}, {MEDIAN_BACKTEST_ERROR_BAND[1]}]; outside it, the "
        "projection and the actuals it is compared with are likely measured differently "
        "(snapshots, win rates or bookings off by a unit). Passes when no back-test row has "
        "an actual.",
    ),
    fraction(
        win_rates,
        FORECAST_WIN_RATES,
        "win_rate",
        "open deals are weighted with it in forecast_projection.",
        context=["rate_level"],
    ),
    between(
        win_rates,
        FORECAST_WIN_RATES,
        "won_count_margin",
        "error",
        "At every level (cell, stage x age, stage) the won count is not negative and not above "
        "the observation count: more wins than observations means the snapshots were joined "
        "twice, and every rate built on the counts is wrong.",
        name="won_counts_within_observations",
        min_value=0,
        context=[c for pair in WIN_COUNTS for c in pair],
    ),
]
