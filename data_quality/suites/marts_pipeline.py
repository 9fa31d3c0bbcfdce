"""GX suite of the pipeline marts (schema `marts`): pipeline_health, stalled_deals,
slipped_deals, pipeline_waterfall, stage_conversion, fct_pipeline_snapshots, and the
amounts of fct_opportunities against their team's.

dbt already owns these marts' keys, relationships, accepted values (levels, period types,
open stages), contracts, the KPI logic (unit tests) and their reconciliations (singular
tests: every waterfall row balances, a node's open pipeline equals the sum of its reps', the
company's won amount equals its bookings). GX adds what dbt does not test: value ranges,
cross-field plausibility, the size and age of the newest pipeline snapshot, and drift.

Severity, on purpose:
- **error (blocks publish):** a number no sales leader should see, which nothing downstream
  corrects: a negative pipeline, waterfall movement or deal amount (negative amounts are
  quarantined before the marts, so one here is a sign error in the mart); weighted pipeline
  above the open pipeline it weighs, or Commit plus Best Case above it; a negative coverage;
  a win rate, conversion rate or slip rate outside [0, 1]; a deal listed as slipped whose
  close date did not leave the quarter (the slip rate and the slipped-deal list are shown to
  leaders as facts).
- **warning (publish and report):** the fault touches secondary measures or needs a human.
  Days in stage above a deal's age (pipeline_health averages, stalled deals' idle days)
  means stage or activity dates before the deal's creation upstream; the deals stay open and
  idle, only the ages are off. The newest pipeline snapshot holding far more or fewer deals
  than the one before, or being more than `SNAPSHOT_MAX_AGE_DAYS` old, means the
  incremental model appended a partial snapshot or stopped adding them (a snapshot, once
  appended, is never rewritten); row-count drift warns like every mart's drift. Snapshots
  legitimately lose rows when a past as-of day is rebuilt, so there is no shrink rule.
  A deal whose amount is above its team's outlier line (fct_opportunities.
  amount_outlier_threshold, 3 x the team's 99th-percentile amount) is most likely a typo
  that moves pipeline, coverage and win rate; it may also be real, so it warns and the
  pipeline page lists it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from data_quality.rules import (
    Expect,
    Frame,
    GxCheck,
    Params,
    between,
    date_literal,
    make_check,
    table_frame,
)
from data_quality.suites.mart_rules import col, fraction, least, not_negative
from data_quality.table_rules import drift_checks

PIPELINE_HEALTH = ("pipeline_health",)
PIPELINE_BY_STAGE = ("pipeline_by_stage",)
STALLED_DEALS = ("stalled_deals",)
SLIPPED_DEALS = ("slipped_deals",)
PIPELINE_WATERFALL = ("pipeline_waterfall",)
STAGE_CONVERSION = ("stage_conversion",)
PIPELINE_SNAPSHOTS = ("fct_pipeline_snapshots",)
OPPORTUNITIES = ("fct_opportunities",)
SNAPSHOTS_TABLE = "marts.fct_pipeline_snapshots"

# Weekly snapshots are taken on Mondays: on any as-of date the newest is at most 6 days old.
SNAPSHOT_MAX_AGE_DAYS = 6

NODE_KEY = ["hierarchy_level", "team_id", "rep_id"]
PERIOD = ["period_type", "fiscal_period"]
CATEGORY_AMOUNTS = ["commit_pipeline_amount", "best_case_pipeline_amount"]

health = table_frame(
    "marts_pipeline_health_all",
    "marts.pipeline_health",
    [
        "open_pipeline_amount",
        "weighted_pipeline_amount",
        *CATEGORY_AMOUNTS,
        "coverage",
        "trailing_win_rate",
        "avg_age_days",
        "avg_days_in_stage",
    ],
    key=[*NODE_KEY, *PERIOD],
    derived={
        "weighted_margin": least(
            col("weighted_pipeline_amount"),
            f"{col('open_pipeline_amount')} - {col('weighted_pipeline_amount')}",
        ),
        "category_margin": least(
            *(col(c) for c in CATEGORY_AMOUNTS),
            f"{col('open_pipeline_amount')} - " + " - ".join(col(c) for c in CATEGORY_AMOUNTS),
        ),
        "stage_age_margin": least(
            col("avg_days_in_stage"), f"{col('avg_age_days')} - {col('avg_days_in_stage')}"
        ),
    },
)

stalled = table_frame(
    "marts_stalled_deals_all",
    "marts.stalled_deals",
    ["rep_id", "amount", "age_days", "days_idle"],
    key=["opportunity_id"],
    derived={"idle_margin": least(col("days_idle"), f"{col('age_days')} - {col('days_idle')}")},
)

slipped = table_frame(
    "marts_slipped_deals_all",
    "marts.slipped_deals",
    ["amount", "period_start", "period_end", "original_close_date", "period_end_close_date"],
    key=["opportunity_id", "period_type", "fiscal_period"],
    derived={
        # 1 when the deal was in the quarter at its start and out of it at the window's end
        "left_the_quarter": (
            'case when "original_close_date" between "period_start" and "period_end" '
            'and "period_end_close_date" is not null '
            'and "period_end_close_date" not between "period_start" and "period_end" '
            "then 1 else 0 end"
        )
    },
)

WATERFALL_AMOUNTS = [
    "start_amount",
    "created_amount",
    "moved_in_amount",
    "won_amount",
    "lost_amount",
    "moved_out_amount",
    "end_amount",
]

waterfall = table_frame(
    "marts_pipeline_waterfall_all",
    "marts.pipeline_waterfall",
    [*WATERFALL_AMOUNTS, "slip_rate"],
    key=[*NODE_KEY, *PERIOD],
    derived={"smallest_movement": least(*(col(c) for c in WATERFALL_AMOUNTS))},
)

opportunity_amounts = table_frame(
    "marts_fct_opportunities_amounts",
    "marts.fct_opportunities",
    ["owner_id", "opportunity_amount", "amount_outlier_threshold"],
    key=["opportunity_id"],
    derived={"outlier_margin": f"{col('amount_outlier_threshold')} - {col('opportunity_amount')}"},
    where='"amount_outlier_threshold" is not null',
    where_reads=["amount_outlier_threshold"],
)

conversion = table_frame(
    "marts_stage_conversion_all",
    "marts.stage_conversion",
    ["conversion_rate", "win_rate_from_stage"],
    key=[*NODE_KEY, "stage_name"],
)


def _newest_snapshots_sql(params: Params) -> str:
    return (
        'with per_date as (select "snapshot_date", count(*) as deal_count '
        'from "marts"."fct_pipeline_snapshots" group by "snapshot_date"), '
        'ranked as (select *, row_number() over (order by "snapshot_date" desc) as recency '
        "from per_date) "
        f"select '{SNAPSHOTS_TABLE}' as table_name, "
        'max("snapshot_date") filter (where recency = 1) as newest_snapshot_date, '
        "date_diff('day', max(\"snapshot_date\") filter (where recency = 1), "
        f"{date_literal(params.as_of)}) as newest_snapshot_age_days, "
        f"{SNAPSHOT_MAX_AGE_DAYS} as max_age_days, "
        "max(deal_count) filter (where recency = 1) as newest_deal_count, "
        'max("snapshot_date") filter (where recency = 2) as previous_snapshot_date, '
        "max(deal_count) filter (where recency = 2) as previous_deal_count, "
        "max(deal_count) filter (where recency = 1) "
        "/ nullif(cast(max(deal_count) filter (where recency = 2) as double), 0) - 1 "
        f"as change_ratio, {float(params.config.drift_tolerance)} as tolerance "
        "from ranked"
    )


newest_snapshots = Frame(
    name="marts_fct_pipeline_snapshots_newest",
    sql=_newest_snapshots_sql,
    reads={SNAPSHOTS_TABLE: ("snapshot_date",)},
    key=("table_name",),
    summary=True,
)


def _explain_size(row: Mapping[str, Any]) -> str:
    if row.get("previous_deal_count") is None:
        return (
            f"{SNAPSHOTS_TABLE} holds {row.get('newest_deal_count') or 0} deal(s) on its newest "
            f"snapshot {row.get('newest_snapshot_date')} and no earlier snapshot to compare with"
        )
    ratio = row.get("change_ratio")
    change = f"{ratio:+.1%}" if ratio is not None else "from zero"
    return (
        f"newest snapshot {row['newest_snapshot_date']} holds {row['newest_deal_count']:,} open "
        f"deal(s) vs {row['previous_deal_count']:,} on {row['previous_snapshot_date']}: {change}, "
        f"tolerance ±{row['tolerance']:.0%}"
    )


def _explain_age(row: Mapping[str, Any]) -> str:
    if row.get("newest_snapshot_date") is None:
        return f"{SNAPSHOTS_TABLE} holds no snapshot"
    age = row["newest_snapshot_age_days"]
    when = f"{age} day(s) before" if age >= 0 else f"{-age} day(s) after"
    return (
        f"newest snapshot of {SNAPSHOTS_TABLE} is {row['newest_snapshot_date']}, {when} the "
        f"as-of date (allowed: 0 to {row['max_age_days']} day(s) before)"
    )


# pipeline by stage is a long table: one row per node, period and company stage
by_stage = table_frame(
    "marts_pipeline_by_stage_all",
    "marts.pipeline_by_stage",
    ["stage_name", "deal_count", "open_amount", "weighted_amount"],
    key=[*NODE_KEY, *PERIOD, "stage_name"],
    derived={"weighted_margin": f"{col('open_amount')} - {col('weighted_amount')}"},
)
by_stage_checks: list[GxCheck] = [
    not_negative(
        by_stage,
        PIPELINE_BY_STAGE,
        "open_amount",
        "a stage's open pipeline is a sum of open deal amounts, which quarantine keeps "
        "non-negative.",
    ),
    between(
        by_stage,
        PIPELINE_BY_STAGE,
        "weighted_margin",
        "error",
        "`weighted_amount` is not above `open_amount`: probabilities are at most 100%.",
        name="weighted_within_open",
        min_value=0,
        context=["open_amount", "weighted_amount"],
    ),
]

CHECKS: list[GxCheck] = [
    not_negative(
        health,
        PIPELINE_HEALTH,
        "open_pipeline_amount",
        "negative amounts are quarantined before the marts, so a negative pipeline is a sign "
        "error in the mart, and coverage divides it.",
    ),
    between(
        health,
        PIPELINE_HEALTH,
        "weighted_margin",
        "error",
        "`weighted_pipeline_amount` is within [0, `open_pipeline_amount`]: probabilities are "
        "0-100%, so the weighted pipeline can never exceed the pipeline it weighs.",
        name="weighted_pipeline_within_open",
        min_value=0,
        context=["open_pipeline_amount", "weighted_pipeline_amount"],
    ),
    between(
        health,
        PIPELINE_HEALTH,
        "category_margin",
        "error",
        "`commit_pipeline_amount` and `best_case_pipeline_amount` are not negative and "
        "together not above `open_pipeline_amount`: they are disjoint parts of it.",
        name="category_pipeline_within_open",
        min_value=0,
        context=["open_pipeline_amount", *CATEGORY_AMOUNTS],
    ),
    not_negative(
        health,
        PIPELINE_HEALTH,
        "coverage",
        "open pipeline / remaining quota, and it is null when nothing remains to close, so a "
        "negative coverage is a sign error.",
        context=["open_pipeline_amount"],
    ),
    fraction(
        health,
        PIPELINE_HEALTH,
        "trailing_win_rate",
        "won / (won + lost); coverage_needed is its inverse.",
    ),
    between(
        health,
        PIPELINE_HEALTH,
        "stage_age_margin",
        "warning",
        "`avg_days_in_stage` is within [0, `avg_age_days`]: a deal cannot sit in a stage longer "
        "than it exists; otherwise stage dates precede creation upstream (ages only, amounts "
        "are unaffected).",
        name="days_in_stage_within_age",
        min_value=0,
        context=["avg_age_days", "avg_days_in_stage"],
    ),
    *drift_checks(PIPELINE_HEALTH, "marts.pipeline_health", shrink_severity=None),
    not_negative(
        stalled,
        STALLED_DEALS,
        "amount",
        "negative amounts are quarantined before the marts.",
        context=["rep_id"],
    ),
    between(
        stalled,
        STALLED_DEALS,
        "idle_margin",
        "warning",
        "`days_idle` is within [0, `age_days`]: idle days count from the stage entry or the "
        "last activity, never before the deal's creation; otherwise an activity or stage date "
        "precedes the deal upstream (the deal is still open and idle).",
        name="days_idle_within_age",
        min_value=0,
        context=["rep_id", "age_days", "days_idle"],
    ),
    not_negative(
        slipped,
        SLIPPED_DEALS,
        "amount",
        "negative amounts are quarantined before the marts.",
    ),
    between(
        slipped,
        SLIPPED_DEALS,
        "left_the_quarter",
        "error",
        "A slipped deal's `original_close_date` lies in the quarter and its "
        "`period_end_close_date` outside it: a deal listed otherwise did not slip, and the "
        "slip rate leaders see would count it.",
        name="close_date_left_the_quarter",
        min_value=1,
        context=["period_start", "period_end", "original_close_date", "period_end_close_date"],
    ),
    between(
        waterfall,
        PIPELINE_WATERFALL,
        "smallest_movement",
        "error",
        "Every waterfall amount but the signed `amount_change` ("
        + ", ".join(f"`{c}`" for c in WATERFALL_AMOUNTS)
        + ") is not negative: a negative start, end or movement is a sign error the balance "
        "test cannot see (it balances either way).",
        name="amounts_not_negative",
        min_value=0,
        context=WATERFALL_AMOUNTS,
    ),
    fraction(
        waterfall,
        PIPELINE_WATERFALL,
        "slip_rate",
        "slipped deals / deals in the pipeline at the start.",
    ),
    fraction(
        conversion,
        STAGE_CONVERSION,
        "conversion_rate",
        "advanced / (advanced + lost in stage).",
    ),
    fraction(
        conversion,
        STAGE_CONVERSION,
        "win_rate_from_stage",
        "won / (won + lost) of the deals that entered the stage.",
    ),
    make_check(
        "fct_pipeline_snapshots__newest_snapshot_size_stable",
        PIPELINE_SNAPSHOTS,
        "warning",
        "The newest pipeline snapshot holds within ±`drift_tolerance` (relative) as many open "
        "deals as the snapshot before it: a snapshot, once appended, is never rewritten, so a "
        "partial one would stay in every trend. Passes with fewer than two snapshots.",
        newest_snapshots,
        Expect(
            "ExpectColumnValuesToBeBetween",
            {
                "column": "change_ratio",
                "min_value": lambda p: -p.config.drift_tolerance,
                "max_value": lambda p: p.config.drift_tolerance,
            },
        ),
        explain=_explain_size,
    ),
    make_check(
        "fct_pipeline_snapshots__newest_snapshot_within_a_week",
        PIPELINE_SNAPSHOTS,
        "warning",
        "The newest pipeline snapshot is dated 0 to `SNAPSHOT_MAX_AGE_DAYS` (6) days before the "
        "as-of date: older means the incremental model stopped adding snapshots, newer means "
        "snapshots after the as-of date were not dropped on a rebuild.",
        newest_snapshots,
        Expect("ExpectColumnValuesToNotBeNull", {"column": "newest_snapshot_date"}),
        Expect(
            "ExpectColumnValuesToBeBetween",
            {
                "column": "newest_snapshot_age_days",
                "min_value": 0,
                "max_value": SNAPSHOT_MAX_AGE_DAYS,
            },
        ),
        explain=_explain_age,
    ),
    *drift_checks(PIPELINE_SNAPSHOTS, SNAPSHOTS_TABLE, shrink_severity=None),
    *by_stage_checks,
    between(
        opportunity_amounts,
        OPPORTUNITIES,
        "outlier_margin",
        "warning",
        "`opportunity_amount` is not above `amount_outlier_threshold` (3 x the 99th percentile "
        "of the owner's team's deals): a deal far above its team's is most likely a typo that "
        "moves pipeline, coverage and win rate; it is counted, and listed on the pipeline page.",
        name="amount_within_team_outlier_line",
        min_value=0,
        context=["owner_id", "opportunity_amount", "amount_outlier_threshold"],
    ),
]
