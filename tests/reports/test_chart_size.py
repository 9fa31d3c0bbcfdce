"""A chart of many rows is drawn: the site of a large company never fails on a chart's size."""

from __future__ import annotations

import pandas as pd

from reports.charts import chart_spec


def test_a_chart_of_more_than_five_thousand_rows_keeps_every_row() -> None:
    """The xl company's site failed on Altair's 5,000-row guard (meant for notebooks, where
    the data is embedded in the page): the coaching page plotted two bars for each of 4,965
    reps. Charts here are drawn to static SVG and PNG; the spec keeps every row."""
    reps = [f"Rep {i:05d}" for i in range(5_000)]
    frame = pd.DataFrame({"rep_name": reps, "win_rate": 0.3, "team_median_win_rate": 0.25})
    spec = chart_spec("bar", frame, "rep_name", ["win_rate", "team_median_win_rate"], grouped=True)
    rows = [row for dataset in spec["datasets"].values() for row in dataset]
    assert len(rows) == 10_000 and {row["rep_name"] for row in rows} == set(reps)
