"""GX suite of the KPI marts (schema `marts`, built by dbt).

dbt already tests the marts' keys, relationships, accepted values, contracts and
reconciliations; GX adds what dbt does not: value ranges of the ratios and amounts, the
distribution of attainment, and row-count drift. A mart that fails a range rule shows a
number no sales leader should see, so range rules block publishing; the distribution and
drift rules need a human and warn.
"""

from __future__ import annotations

from data_quality.rules import Expect, Frame, GxCheck, between, make_check, table_frame
from data_quality.table_rules import drift_checks

REP_PERFORMANCE = ("rep_performance",)
TEAM_PERFORMANCE = ("team_performance",)
REP_PACING = ("rep_pacing",)
PERIOD = ["period_type", "fiscal_period"]

rep_performance = table_frame(
    "marts_rep_performance_all",
    "marts.rep_performance",
    [
        "quota_amount",
        "bookings_amount",
        "attainment",
        "win_rate",
        "win_rate_value",
        "avg_sales_cycle_days",
    ],
    key=["rep_id", *PERIOD],
)

closed_quarters = table_frame(
    "marts_rep_performance_closed_rep_quarters",
    "marts.rep_performance",
    ["attainment"],
    key=["rep_id", *PERIOD],
    where=(
        '"period_type" = \'quarter\' and "is_closed_period" and "role" = \'rep\' '
        'and "attainment" is not null'
    ),
    where_reads=["is_closed_period", "role"],
)

team_performance = table_frame(
    "marts_team_performance_all",
    "marts.team_performance",
    ["attainment", "win_rate"],
    key=["team_id", "hierarchy_level", *PERIOD],
)

rep_pacing = table_frame(
    "marts_rep_pacing_all",
    "marts.rep_pacing",
    ["attainment_to_date"],
    key=["rep_id", *PERIOD],
)


def _attainment(frame: Frame, asset: tuple[str, ...], column: str = "attainment") -> GxCheck:
    return between(
        frame,
        asset,
        column,
        "error",
        f"`{column}` is within [0, `max_attainment`] (default 10): above it the quota or the "
        "crediting is wrong, and the number would reach rankings and pay conversations.",
        name=f"{column}_within_range",
        min_value=0,
        max_value=lambda p: p.config.max_attainment,
    )


def _fraction(frame: Frame, asset: tuple[str, ...], column: str) -> GxCheck:
    return between(
        frame,
        asset,
        column,
        "error",
        f"`{column}` is a fraction within [0, 1].",
        name=f"{column}_within_0_1",
        min_value=0,
        max_value=1,
    )


def _not_negative(frame: Frame, asset: tuple[str, ...], column: str) -> GxCheck:
    return between(
        frame,
        asset,
        column,
        "error",
        f"`{column}` is not negative (negative amounts are quarantined before the marts).",
        name=f"{column}_not_negative",
        min_value=0,
    )


CHECKS: list[GxCheck] = [
    _attainment(rep_performance, REP_PERFORMANCE),
    _fraction(rep_performance, REP_PERFORMANCE, "win_rate"),
    _fraction(rep_performance, REP_PERFORMANCE, "win_rate_value"),
    _not_negative(rep_performance, REP_PERFORMANCE, "quota_amount"),
    _not_negative(rep_performance, REP_PERFORMANCE, "bookings_amount"),
    between(
        rep_performance,
        REP_PERFORMANCE,
        "avg_sales_cycle_days",
        "warning",
        "`avg_sales_cycle_days` is within [0, 3650]: a longer cycle is a date error upstream.",
        name="avg_sales_cycle_days_within_range",
        min_value=0,
        max_value=3650,
    ),
    make_check(
        "rep_performance__median_quarter_attainment_in_band",
        REP_PERFORMANCE,
        "warning",
        "Distribution: the median attainment of reps' closed quarters lies within "
        "`median_quarter_attainment_band` (default 0.2-3.0); outside it, quota or bookings are "
        "likely off by a unit (cents, a yearly quota entered per month). Passes when no quarter "
        "has closed yet.",
        closed_quarters,
        Expect(
            "ExpectColumnMedianToBeBetween",
            {
                "column": "attainment",
                "min_value": lambda p: p.config.median_quarter_attainment_band[0],
                "max_value": lambda p: p.config.median_quarter_attainment_band[1],
            },
        ),
        skip_when_empty=True,
    ),
    _attainment(team_performance, TEAM_PERFORMANCE),
    _fraction(team_performance, TEAM_PERFORMANCE, "win_rate"),
    _attainment(rep_pacing, REP_PACING, "attainment_to_date"),
    *drift_checks(REP_PERFORMANCE, "marts.rep_performance", shrink_severity=None),
    *drift_checks(TEAM_PERFORMANCE, "marts.team_performance", shrink_severity=None),
]
