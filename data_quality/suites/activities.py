"""GX suite of the sales-analytics activities (`raw_sales_analytics.activities`).

Activities only feed activity counts and the stalled-deal signal, never bookings, quota or
pay, so every rule here warns. Activities are by far the largest table (tens of millions of
rows at the benchmark scales): the value rules below allow a repeatable reservoir sample of
`sample_rows` rows when the table is larger, because faults in a machine-generated event
stream are systematic (a renamed type, a unit change), not single rows. The future-timestamp
rule is not sampled: it reads only rows from the as-of day on, since no earlier row can
break it.
"""

from __future__ import annotations

from data_quality.rules import (
    Frame,
    GxCheck,
    Params,
    between,
    date_literal,
    in_set,
    not_null,
    table_frame,
)
from data_quality.table_rules import drift_checks, freshness_check

ACTIVITIES = ("sales_analytics", "activities")
TABLE = "raw_sales_analytics.activities"

OUTCOMES_BY_TYPE = {
    "call": ("connected", "voicemail", "no_answer"),
    "email": ("sent", "replied"),
    "meeting": ("held", "no_show"),
}

activities = table_frame(
    "sales_analytics_activities_values",
    TABLE,
    ["type", "user_id", "timestamp", "duration_seconds", "direction", "outcome"],
    key=["id"],
    derived={"type_outcome": '"type" || \':\' || "outcome"'},
    sampling=True,
)

recent = table_frame(
    "sales_analytics_activities_from_as_of",
    TABLE,
    ["user_id", "timestamp"],
    key=["id"],
    derived={
        "days_after_as_of": lambda p: (
            f"date_diff('day', {date_literal(p.as_of)}, cast(\"timestamp\" as date))"
        )
    },
    where=lambda p: f'"timestamp" >= cast({date_literal(p.as_of)} as timestamptz)',
)

CONTENT = (
    "type",
    "user_id",
    "opportunity_id",
    "account_id",
    "timestamp",
    "duration_seconds",
    "direction",
    "outcome",
)


def _repeated_sql(params: Params) -> str:
    # Ids delivered more than once (in two day files, or one file read again) and how many
    # different contents they carry: staging keeps the latest file's version, so a second
    # content means a version was dropped. Catches repeats across loads, which the load's own
    # report (file and line of both) sees only within one load.
    # The repeated ids are found first, on the id alone, and only their rows are compared:
    # comparing the contents of every id held the whole table's rows in memory at once (7.75 GB
    # in the run's own process for the large company's 9.7 million activities).
    del params
    content = ", ".join(f'"{c}"' for c in CONTENT)
    return f"""
        with repeated_ids as (
            select "id"
            from {TABLE}
            group by "id"
            having count(*) > 1
        )
        select
            activities."id",
            count(distinct ({content})) as versions,
            string_agg(distinct activities."source_file", ', ' order by activities."source_file")
                as files
        from {TABLE} as activities
        semi join repeated_ids on activities."id" = repeated_ids."id"
        group by activities."id"
        order by activities."id"
    """


repeated = Frame(
    name="sales_analytics_activities_repeated_ids",
    sql=_repeated_sql,
    reads={TABLE: ("id", *CONTENT, "source_file")},
    key=("id",),
)

CHECKS: list[GxCheck] = [
    not_null(
        activities, ACTIVITIES, "user_id", "warning", "an activity without a rep counts for nobody"
    ),
    not_null(
        activities, ACTIVITIES, "timestamp", "warning", "an activity without a time has no day"
    ),
    in_set(
        activities,
        ACTIVITIES,
        "type",
        list(OUTCOMES_BY_TYPE),
        "warning",
        "`type` is call, email or meeting.",
    ),
    in_set(
        activities,
        ACTIVITIES,
        "direction",
        ["inbound", "outbound"],
        "warning",
        "`direction` is inbound or outbound.",
    ),
    in_set(
        activities,
        ACTIVITIES,
        "type_outcome",
        [f"{t}:{o}" for t, outcomes in OUTCOMES_BY_TYPE.items() for o in outcomes],
        "warning",
        "`outcome` is one the activity's `type` can have (call: connected/voicemail/no_answer; "
        "email: sent/replied; meeting: held/no_show).",
        name="outcome_matches_type",
    ),
    between(
        activities,
        ACTIVITIES,
        "duration_seconds",
        "warning",
        "`duration_seconds` is within [0, `max_activity_duration_seconds`] (a unit change, "
        "milliseconds for seconds, shows here).",
        name="duration_within_range",
        min_value=0,
        max_value=lambda p: p.config.max_activity_duration_seconds,
        context=["type"],
    ),
    between(
        recent,
        ACTIVITIES,
        "days_after_as_of",
        "warning",
        "No activity `timestamp` (UTC day) is after the as-of date. Warns rather than blocks: "
        "marts count activities up to the as-of date, and rebuilding a past day legitimately "
        "sees later activities.",
        name="timestamp_not_after_as_of",
        max_value=0,
        context=["timestamp", "user_id"],
    ),
    between(
        repeated,
        ACTIVITIES,
        "versions",
        "warning",
        "An activity id delivered more than once has one content: two contents mean a day file"
        " changed an event (staging keeps the latest file's version); the sample names the"
        " files.",
        name="one_content_per_id",
        max_value=1,
        context=["files"],
    ),
    freshness_check(
        "sales_analytics",
        ACTIVITIES,
        TABLE,
        '"timestamp"',
        ["timestamp"],
        what="activity (`timestamp`)",
    ),
    *drift_checks(ACTIVITIES, TABLE, shrink_severity="error"),
]
