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
        (45000.0, None, "bookings_amount", "$45,000"),
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
    assert format_value(1500.0, None, "bookings_amount", currency="EUR") == "€1,500"


def test_unknown_format_is_an_error():
    with pytest.raises(FormatError, match="unknown format 'dollars'"):
        format_value(1.0, "dollars")
