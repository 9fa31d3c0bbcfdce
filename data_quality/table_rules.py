"""Table-level rules every family shares: freshness of a source and row-count drift.

Both judge an aggregate (the newest record, the row count), so DuckDB computes the aggregate
into a one-row summary frame and GX validates that row; reading millions of timestamps into
pandas to take their maximum would cost minutes and prove nothing more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from data_quality.rules import (
    Expect,
    Frame,
    GxCheck,
    Params,
    SqlText,
    date_literal,
    ident,
    make_check,
    resolve,
    table_ref,
)
from data_quality.spec import Severity


def _explain_freshness(row: Mapping[str, Any]) -> str:
    if row.get("newest_record_at") is None:
        return f"{row['table_name']} holds no record to judge freshness by"
    age = row["newest_record_age_days"]
    when = f"{age} day(s) before" if age >= 0 else f"{-age} day(s) after"
    return (
        f"newest record of {row['table_name']} is {row['newest_record_at']}, {when} the as-of "
        f"date (allowed: {row['max_age_days']} day(s) before)"
    )


def _explain_drift(row: Mapping[str, Any]) -> str:
    rows = int(row["row_count"])
    if row.get("previous_row_count") is None:
        return (
            f"{rows:,} rows in {row['table_name']}; no previous successful load recorded: "
            "this load becomes the baseline once published"
        )
    previous = int(row["previous_row_count"])
    ratio = row.get("change_ratio")
    change = f"{ratio:+.1%}" if ratio is not None else "from zero"
    return (
        f"{rows:,} rows in {row['table_name']} vs {previous:,} at the previous successful load "
        f"({row['previous_load_recorded_at']}): {change}, tolerance ±{row['tolerance']:.0%}"
    )


def freshness_check(
    system: str,
    asset: tuple[str, ...],
    table: str,
    record_at: str,
    reads: Sequence[str],
    *,
    what: str,
    current_only: bool = False,
    where: SqlText | None = None,
) -> GxCheck:
    """Warning when the newest record of a source is older than its window before as_of.

    A stale source still holds correct numbers as of its own time, so the product publishes
    and says so rather than blocking. A table with no record at all fails the check too.
    """
    filters = ['"_dlt_valid_to" is null'] if current_only else []
    all_reads = list(reads) + (["_dlt_valid_to"] if current_only else [])

    def sql(params: Params) -> str:
        max_age = params.config.max_age_days[system]
        clauses = filters + ([f"({resolve(where, params)})"] if where is not None else [])
        clause = f" where {' and '.join(clauses)}" if clauses else ""
        return (
            f"select '{table}' as table_name, max({record_at}) as newest_record_at, "
            f"date_diff('day', cast(max({record_at}) as date), {date_literal(params.as_of)}) "
            f"as newest_record_age_days, {int(max_age)} as max_age_days, "
            f"count(*) as row_count from {table_ref(table)}{clause}"
        )

    frame = Frame(
        name=f"{table}__freshness",
        sql=sql,
        reads={table: tuple(dict.fromkeys(all_reads))},
        key=("table_name",),
        summary=True,
    )
    return make_check(
        f"{system}__freshness",
        asset,
        "warning",
        f"Freshness of the {system} source: the newest {what} is at most "
        f"`max_age_days[{system!r}]` days older than the as-of date.",
        frame,
        Expect("ExpectColumnValuesToNotBeNull", {"column": "newest_record_at"}),
        Expect(
            "ExpectColumnValuesToBeBetween",
            {
                "column": "newest_record_age_days",
                "max_value": lambda p: p.config.max_age_days[system],
            },
        ),
        explain=_explain_freshness,
    )


def _drift_frame(table: str) -> Frame:
    def sql(params: Params) -> str:
        previous = params.previous_counts.get(table)
        prev = "null" if previous is None else str(int(previous.row_count))
        recorded = "none recorded" if previous is None else previous.recorded_at.replace("'", "")
        return (
            f"select '{table}' as table_name, '{recorded}' as previous_load_recorded_at, "
            f"cast({prev} as bigint) as previous_row_count, count(*) as row_count, "
            f"count(*) - cast({prev} as bigint) as row_count_change, "
            f"(count(*) - cast({prev} as bigint)) / nullif(cast({prev} as double), 0) "
            f"as change_ratio, {float(params.config.drift_tolerance)} as tolerance "
            f"from {table_ref(table)}"
        )

    return Frame(
        name=f"{table}__row_count", sql=sql, reads={table: ()}, key=("table_name",), summary=True
    )


def drift_checks(
    asset: tuple[str, ...], table: str, *, shrink_severity: Severity | None
) -> list[GxCheck]:
    """Row-count drift against the previous successful load (the counts in the state dir).

    `row_count_drift` (warning): the count moved by more than `drift_tolerance` either way;
    a big backfill is legitimate, a halved mart is suspicious: a human decides.
    `row_count_not_decreased` (when `shrink_severity` is given): raw tables are merged,
    appended or scd2-versioned and never lose rows, so fewer rows than at the last published
    load means a load replaced or truncated history that published numbers rest on.
    With no recorded previous load both pass: this load becomes the baseline once published.
    """
    frame = _drift_frame(table)
    name = asset[-1]
    checks = [
        make_check(
            f"{name}__row_count_drift",
            asset,
            "warning",
            f"Row count of `{table}` within ±`drift_tolerance` (relative) of the previous "
            "successful load.",
            frame,
            Expect(
                "ExpectColumnValuesToBeBetween",
                {
                    "column": "change_ratio",
                    "min_value": lambda p: -p.config.drift_tolerance,
                    "max_value": lambda p: p.config.drift_tolerance,
                },
            ),
            explain=_explain_drift,
        )
    ]
    if shrink_severity is not None:
        checks.append(
            make_check(
                f"{name}__row_count_not_decreased",
                asset,
                shrink_severity,
                f"`{table}` has at least as many rows as at the previous successful load: raw "
                "tables never lose rows, so a drop means history was replaced or truncated.",
                frame,
                Expect(
                    "ExpectColumnValuesToBeBetween", {"column": "row_count_change", "min_value": 0}
                ),
                explain=_explain_drift,
            )
        )
    return checks


def days_between(start: str, end: str) -> str:
    """SQL for whole days from `start` to `end` (dates or UTC timestamps, by calendar day)."""
    return f"date_diff('day', cast({ident(start)} as date), cast({ident(end)} as date))"
