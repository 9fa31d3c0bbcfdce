"""What changed since last week, on the small demo company's published marts: the parts add up.

For every node (company, regions, teams) and every week of every quarter, each measure's
start plus its causes is exactly its end, to the cent, in exact decimals here rather than in
the SQL that the dbt test uses; a week starts where the week before ended (week 1 where the
day before the quarter stood); and the deals weekly_change_deals names behind each cause sum
to that cause's amount. The run is the session's shared pipeline of the small company
(tests/conftest.py), so it shares its xdist group with the other tests of that run.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import duckdb
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.company]

MEASURE_CAUSES = {
    "bookings": [
        "won", "lost", "reopened", "pushed_out", "pulled_in", "amount_increase", "amount_decrease",
    ],
    "open_pipeline": [
        "created", "won", "lost", "reopened", "pushed_out", "pulled_in", "amount_increase",
        "amount_decrease",
    ],
    "commit_pipeline": [
        "created", "won", "lost", "reopened", "pushed_out", "pulled_in", "category_change",
        "amount_increase", "amount_decrease",
    ],
}  # fmt: skip


def _records(db, sql: str) -> list[dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


@pytest.fixture(scope="module")
def weekly_rows(small_published_db) -> list[dict]:
    return _records(small_published_db, "select * from marts.weekly_changes")


def test_every_node_and_week_balances_to_the_cent(weekly_rows) -> None:
    assert weekly_rows
    assert {r["hierarchy_level"] for r in weekly_rows} == {"company", "region", "team"}
    moved = 0
    for row in weekly_rows:
        for measure, causes in MEASURE_CAUSES.items():
            start = Decimal(row[f"{measure}_start_amount"])
            parts = [Decimal(row[f"{measure}_{cause}_amount"]) for cause in causes]
            end = Decimal(row[f"{measure}_end_amount"])
            assert start + sum(parts) == end, (row["weekly_change_id"], measure, start, parts, end)
            assert end - start == Decimal(row[f"{measure}_change_amount"])
            moved += any(parts)
    assert moved > 100  # the demo company's pipeline moves: the sums are not of zeros


def test_the_commit_calls_change_splits_into_deal_causes_and_judgement(weekly_rows) -> None:
    """A Commit call stands for bookings plus commit pipeline: each call cause is the two
    measures' causes added, the judgement is the rest, and the projection's change is what
    was booked plus what the weighted open pipeline adds."""
    call_causes = MEASURE_CAUSES["commit_pipeline"]
    split = projected = 0
    for row in weekly_rows:
        start, end = row["commit_call_start_amount"], row["commit_call_end_amount"]
        if start is None or end is None:
            assert row["commit_call_judgement_amount"] is None
            assert all(row[f"commit_call_{cause}_amount"] is None for cause in call_causes)
        else:
            parts = []
            for cause in call_causes:
                expected = Decimal(row[f"commit_pipeline_{cause}_amount"])
                if cause in MEASURE_CAUSES["bookings"]:
                    expected += Decimal(row[f"bookings_{cause}_amount"])
                assert Decimal(row[f"commit_call_{cause}_amount"]) == expected, (row, cause)
                parts.append(expected)
            judgement = Decimal(row["commit_call_judgement_amount"])
            assert Decimal(start) + sum(parts) + judgement == Decimal(end), row["weekly_change_id"]
            split += 1
        if row["projection_start_amount"] is not None and row["projection_end_amount"] is not None:
            booked = Decimal(row["projection_booked_change_amount"])
            from_open = Decimal(row["projection_open_change_amount"])
            assert booked + from_open == Decimal(row["projection_change_amount"]), row
            projected += row["is_current_period"]
    assert split > 20
    # the running quarter has a projection every week (the weekly replays), not only the last
    current_weeks = {r["week_of_period"] for r in weekly_rows if r["is_current_period"]}
    assert projected >= len(current_weeks) - 1 > 1


def test_a_week_starts_where_the_week_before_ended(weekly_rows) -> None:
    by_node_quarter: dict[tuple[str, str], dict[int, dict]] = defaultdict(dict)
    for row in weekly_rows:
        by_node_quarter[(row["team_id"], row["fiscal_period"])][row["week_of_period"]] = row
    for key, weeks in by_node_quarter.items():
        assert sorted(weeks) == list(range(1, len(weeks) + 1)), key
        for week in range(2, len(weeks) + 1):
            for measure in MEASURE_CAUSES:
                assert (
                    weeks[week][f"{measure}_start_amount"]
                    == weeks[week - 1][f"{measure}_end_amount"]
                ), (key, week, measure)


def test_the_deals_behind_each_cause_add_up_to_it(small_published_db, weekly_rows) -> None:
    deals = _records(
        small_published_db,
        "select team_id, fiscal_period, week_of_period, measure, change_cause, change_amount,"
        " cause_rank from marts.weekly_change_deals",
    )
    sums: dict[tuple, Decimal] = defaultdict(Decimal)
    ranks: dict[tuple, list[int]] = defaultdict(list)
    for deal in deals:
        key = (deal["team_id"], deal["fiscal_period"], deal["week_of_period"])
        cause = (deal["measure"], deal["change_cause"])
        assert deal["change_amount"] != 0
        sums[(*key, *cause)] += Decimal(deal["change_amount"])
        ranks[(*key, *cause)].append(deal["cause_rank"])
    for row in weekly_rows:
        key = (row["team_id"], row["fiscal_period"], row["week_of_period"])
        for measure, causes in MEASURE_CAUSES.items():
            for cause in causes:
                assert sums.pop((*key, measure, cause), Decimal(0)) == Decimal(
                    row[f"{measure}_{cause}_amount"]
                ), (key, measure, cause)
    assert not sums, f"deals under a cause weekly_changes has no column for: {list(sums)[:5]}"
    for key, shown in ranks.items():
        assert sorted(shown) == list(range(1, len(shown) + 1)), key


def test_the_running_week_ends_where_the_quarters_waterfall_ends(small_published_db) -> None:
    """The running week's end is the quarter's pipeline on the as-of date, which
    pipeline_waterfall reads from the same deals by another route (its movements)."""
    rows = _records(
        small_published_db,
        "select changes.team_id, changes.open_pipeline_end_amount, waterfall.end_amount"
        " from marts.weekly_changes as changes"
        " join marts.pipeline_waterfall as waterfall"
        "   on changes.team_id = waterfall.team_id and waterfall.rep_id is null"
        "   and waterfall.period_type = 'quarter'"
        "   and waterfall.fiscal_period = changes.fiscal_period"
        " where changes.is_current_period and changes.is_latest_week",
    )
    assert rows
    for row in rows:
        assert row["open_pipeline_end_amount"] == row["end_amount"], row
