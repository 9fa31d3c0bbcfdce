"""Every shape of chart the pages and digests draw is a valid Vega-Lite spec.

`chart_spec` skips Altair's schema check when the pages are drawn (a third of each chart's
time); this test is that check, for every combination of its options."""

from __future__ import annotations

import itertools

import altair as alt
import pandas as pd
import pytest

from reports.charts import chart_spec

FRAME = pd.DataFrame(
    {
        "month": ["2026-01", "2026-02", "2026-03"],
        "fiscal_period": ["FY2026-M01", "FY2026-M02", "FY2026-M03"],
        "rep_name": ["Ann", "Bo", "Cy"],
        "bookings_amount": [1200.0, 0.0, 98000.5],
        "quota_amount": [5000.0, 5000.0, 5000.0],
        "win_rate": [0.25, 0.5, 1.0],
        "deal_count": [1, 2, 3],
    }
)

SHAPES = list(
    itertools.product(
        ("bar", "line"),
        (["bookings_amount"], ["bookings_amount", "quota_amount"], ["win_rate"], ["deal_count"]),
        (False, True),  # swap_xy
        (False, True),  # grouped
        (False, True),  # values
    )
)


@pytest.mark.parametrize(("kind", "y", "swap_xy", "grouped", "values"), SHAPES)
def test_the_spec_validates(kind, y, swap_xy, grouped, values) -> None:
    spec = chart_spec(
        kind,
        FRAME,
        "month",
        y,
        swap_xy=swap_xy,
        grouped=grouped,
        values=values,
        title="Bookings",
        currency="EUR",
    )
    top = alt.LayerChart if "layer" in spec else alt.Chart
    top.from_dict(spec, validate=True)


def test_an_invalid_spec_fails_the_check() -> None:
    spec = chart_spec("bar", FRAME, "month", ["bookings_amount"])
    spec["mark"] = {"type": "not-a-mark"}
    with pytest.raises(Exception, match="not-a-mark|is not one of|not valid"):
        alt.Chart.from_dict(spec, validate=True)


def test_a_series_and_a_numeric_axis_validate() -> None:
    frame = FRAME.assign(team=["East", "West", "East"])
    spec = chart_spec("line", frame, "deal_count", ["bookings_amount"], series="team")
    alt.Chart.from_dict(spec, validate=True)
