"""Numbers read like a person wrote them."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.formatting import FormatError, format_value


@pytest.mark.parametrize(
    ("value", "fmt", "column", "expected"),
    [
        (1187500.0, "usd0k", "", "$1,188k"),
        (-33000.4, "usd0k", "", "-$33k"),
        (1234.5, "usd0", "", "$1,234"),
        (1234.5, "usd2", "", "$1,234.50"),
        (2_500_000, "usd1m", "", "$2.5M"),
        (0.8353, "pct1", "", "83.5%"),
        (0.8353, "pct0", "", "84%"),
        (2.04, "x1", "", "2.0×"),
        (12345, "num0", "", "12,345"),
        (12345, "#,##0", "", "12,345"),
        (0.5, "0.0%", "", "50.0%"),
        (None, "usd0", "", "–"),
        (float("nan"), "pct1", "", "–"),
        (True, None, "on_pace", "Yes"),
        (dt.date(2026, 5, 15), None, "close_date", "2026-05-15"),
        (45000.0, None, "bookings_amount", "$45k"),
        (10_000_000.0, "cur", "", "$10.0M"),
        (2_840_000.0, "cur", "", "$2.8M"),
        (950_123.0, "cur", "", "$950k"),
        (999_600.0, "cur", "", "$1.0M"),
        (4_540.0, "cur", "", "$4.5k"),
        (900.0, "cur", "", "$900"),
        (-120_000.0, "cur", "", "-$120k"),
        (-0.4, "cur", "", "$0"),
        (625_000.0, "gap", "", "+$625k ahead"),
        (-120_000.0, "gap", "", "-$120k behind"),
        (0.3, "gap", "", "$0 on pace"),
        (-0.001, "pct0", "", "0%"),
        (-0.0004, "pct1", "", "0.0%"),
        (-0.25, "pct0", "", "-25%"),
        (0.912, None, "attainment", "91.2%"),
        (3.14, None, "coverage", "3.1×"),
        (7, None, "won_count", "7"),
        ("005000000000001AAA", None, "rep_id", "005000000000001AAA"),
        (2026, None, "fiscal_year", "2026"),
    ],
)
def test_format_value(value, fmt, column, expected):
    assert format_value(value, fmt, column) == expected


def test_corporate_currency_symbol():
    assert format_value(1500.0, None, "bookings_amount", currency="EUR") == "€1.5k"
    assert format_value(2_840_000.0, "cur", currency="EUR") == "€2.8M"
    assert format_value(-120_000.0, "gap", currency="EUR") == "-€120k behind"


def test_any_other_currency_shows_its_code():
    assert format_value(2_840_000.0, "cur", currency="SEK") == "SEK 2.8M"
    assert format_value(1234.5, "cur0", currency="JPY") == "¥1,234"
    assert format_value(950_000.0, "cur", currency="chf") == "CHF 950k"


def test_unknown_format_is_an_error():
    with pytest.raises(FormatError, match="unknown format 'dollars'"):
        format_value(1.0, "dollars")


@pytest.mark.parametrize(
    ("currency", "expected", "never"),
    [
        ("USD", {"$0", "$200k", "$400k", "$1.0M", "$1.2M"}, {"$0M", "$0.2M", "200k"}),
        ("EUR", {"€0", "€200k", "€1.2M"}, {"$200k", "200k"}),
    ],
)
def test_money_axes_read_like_the_tables(currency, expected, never):
    """Chart axes say $200k and $1.2M as the tables do, never d3's "$0.2M" or a bare "200k"."""
    import re

    import pandas as pd

    from reports.charts import chart_spec, to_svg

    frame = pd.DataFrame({"measure": ["Quota", "Closed"], "amount": [1_250_000.0, 610_000.0]})
    svg = to_svg(chart_spec("bar", frame, "measure", ["amount"], swap_xy=True, currency=currency))
    labels = set(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert expected <= labels, labels
    assert not (never & labels), labels
