"""How the people under a manager call their forecast: a section of that manager's digest only.

A forecast tendency ("calls low", "calls high", "balanced") judges a person, so it stays off
the public site and the public file: it lives in `marts_restricted.forecast_tendencies`. A
manager's digest goes to that manager alone, so it may carry the tendencies of the manager's
reps (a regional manager's: of the region's team managers), read from the restricted file
when the sender has it. The figure the label is read from (the trailing bias) stands beside
it, with the accuracy, which is a separate question: a bias near zero can hide large misses
both ways.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from reports.digest_parts import table
from reports.sql_engine import QueryResult, Warehouse

TABLE = "marts_restricted.forecast_tendencies"
# the reps of a team (their own calls), or the team managers of a region (their teams' calls)
_SQL = {
    "team": f"""
select submitter_name, forecast_tendency, trailing_bias, trailing_accuracy, trailing_period_count
from {TABLE}
where team_id = ? and submitter_role = 'rep' and period_type = 'quarter'
order by abs(trailing_bias) desc, submitter_name, submitter_id
""",
    "region": f"""
select
    submitter_name || ' (' || team_name || ')' as submitter_name,
    forecast_tendency, trailing_bias, trailing_accuracy, trailing_period_count
from {TABLE}
where submitter_role = 'manager' and period_type = 'quarter'
    and team_id in (
        select team_id from marts.dim_team
        where is_current and region_id = ? and hierarchy_level = 'team'
    )
order by abs(trailing_bias) desc, submitter_name, submitter_id
""",
}
_COLUMNS = [
    ("submitter_name", "Name", None),
    ("forecast_tendency", "Tendency", None),
    ("trailing_bias", "Bias", "pct0"),
    ("trailing_accuracy", "Accuracy", "pct0"),
    ("trailing_period_count", "Quarters", None),
]
_SUMMARY = {
    "team": "Private to you. How each rep's mid-quarter Commit calls compared with what they"
    " then booked, over up to four ended quarters: bias is (call - booked) / booked on"
    " average, and the tendency is read from it; accuracy is a separate figure.",
    "region": "Private to you. How each team manager's mid-quarter Commit calls for their team"
    " compared with what the team then booked, over up to four ended quarters: bias is"
    " (call - booked) / booked on average, and the tendency is read from it; accuracy is a"
    " separate figure.",
}


class RestrictedReader:
    """The restricted file, opened once for every digest of a send (or nothing to read)."""

    def __init__(
        self, restricted_db: Path | None, duckdb_config: Mapping[str, str] | None = None
    ) -> None:
        self.warehouse = (
            Warehouse(restricted_db, duckdb_config)
            if restricted_db is not None and restricted_db.is_file()
            else None
        )

    def close(self) -> None:
        if self.warehouse is not None:
            self.warehouse.close()

    def tendencies(self, level: str, node_id: str) -> QueryResult | None:
        """The tendencies under the manager of `node_id` (`level` team or region); None
        without the restricted file or its table."""
        if self.warehouse is None or TABLE not in self.warehouse.tables:
            return None
        cursor = self.warehouse.con.execute(_SQL[level], [node_id])
        columns = [d[0] for d in cursor.description]
        return QueryResult(f"forecast_tendencies_{level}", columns, cursor.fetchall())


def tendency_section(
    result: QueryResult | None, level: str, currency: str
) -> tuple[str, str, list] | None:
    """The digest section, or None when there is nothing to show (no file, no calls yet)."""
    if result is None or not result.rows:
        return None
    who = "reps" if level == "team" else "team managers"
    return (
        f"How your {who} call the forecast",
        _SUMMARY[level],
        [("Commit calls, ended quarters", table(result, _COLUMNS, currency, 50))],
    )
