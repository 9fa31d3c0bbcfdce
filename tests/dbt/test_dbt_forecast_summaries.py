"""The forecast page's summaries are marts: each equals its recomputation from the rows below.

`forecast_submitter_scores` (mean accuracy and bias of each submitter's scored Commit calls,
their latest trailing accuracy), `forecast_weekly_accuracy` (mean accuracy by role and week)
and `forecast_range_coverage` (how often the back-test range held) are rebuilt here with
plain Python from `forecast_accuracy` and `forecast_projection` of the forecast company.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.xdist_group("forecast_company")


def _rows(db: Path, sql: str) -> list[dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def _mean(values: list) -> float | None:
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


def test_submitter_scores_average_their_scored_calls(forecast_db: Path) -> None:
    calls = _rows(forecast_db, "select * from marts.forecast_accuracy")
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in calls:
        groups[(row["submitter_id"], row["submitter_role"], row["team_id"])].append(row)
    scores = {
        (r["submitter_id"], r["submitter_role"], r["team_id"]): r
        for r in _rows(forecast_db, "select * from marts.forecast_submitter_scores")
    }
    assert scores.keys() == groups.keys() and scores
    for key, rows in groups.items():
        score = scores[key]
        assert score["scored_call_count"] == sum(r["commit_accuracy"] is not None for r in rows)
        assert score["commit_accuracy"] == pytest.approx(
            _mean([r["commit_accuracy"] for r in rows])
        )
        assert score["commit_bias"] == pytest.approx(_mean([r["commit_bias"] for r in rows]))
        trailing = [r for r in rows if r["trailing_accuracy"] is not None]
        latest = (
            max(trailing, key=lambda r: r["period_end"])["trailing_accuracy"] if trailing else None
        )
        assert score["trailing_accuracy"] == pytest.approx(latest)


def test_weekly_accuracy_averages_each_role_and_week(forecast_db: Path) -> None:
    calls = _rows(forecast_db, "select * from marts.forecast_accuracy")
    groups: dict[tuple, list] = defaultdict(list)
    for row in calls:
        groups[(row["submitter_role"], row["week_of_period"])].append(row["commit_accuracy"])
    weekly = {
        (r["submitter_role"], r["week_of_period"]): r
        for r in _rows(forecast_db, "select * from marts.forecast_weekly_accuracy")
    }
    assert weekly.keys() == groups.keys() and weekly
    for key, values in groups.items():
        assert weekly[key]["commit_accuracy"] == pytest.approx(_mean(values))
        assert weekly[key]["scored_call_count"] == sum(v is not None for v in values)


def test_range_coverage_counts_the_backtest(forecast_db: Path) -> None:
    backtest = _rows(
        forecast_db,
        "select range_method, is_actual_within_range from marts.forecast_projection"
        " where projection_type = 'backtest'",
    )
    coverage = _rows(forecast_db, "select * from marts.forecast_range_coverage")
    assert sum(r["backtest_projection_count"] for r in coverage) == len(backtest)
    for row in coverage:
        mine = [b for b in backtest if b["range_method"] == row["range_method"]]
        held = sum(bool(b["is_actual_within_range"]) for b in mine)
        assert row["within_range_count"] == held
        assert row["share_within_range"] == pytest.approx(held / len(mine))
