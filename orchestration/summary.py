"""The plain-text summaries `spm run` and `spm demo` print, read from the published warehouse."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
"""Symbols printed before an amount; any other currency is printed as its code (CHF 1,200)."""


def money(value: Any, currency: str = "USD") -> str:
    """An amount in the corporate currency, whole units: `$1,200`, `€1,200`, `CHF 1,200`."""
    if value is None:
        return "-"
    symbol = CURRENCY_SYMBOLS.get(currency)
    number = f"{float(value):,.0f}"
    if symbol:
        return f"-{symbol}{number[1:]}" if number.startswith("-") else f"{symbol}{number}"
    return f"{currency} {number}"


def _pct(value: Any) -> str:
    return "-" if value is None else f"{float(value) * 100:.1f}%"


def _reps_by_bookings(con: duckdb.DuckDBPyConnection, period: str) -> list[tuple]:
    return con.execute(
        """
        select rep_name, team_name, bookings_amount, win_rate
        from marts.rep_performance
        where period_type = 'quarter' and fiscal_period = ?
        order by bookings_amount desc nulls last, rep_name
        limit 3
        """,
        [period],
    ).fetchall()


def _no_quota_summary(
    period: str, as_of: dt.date, bookings: Any, reps: list[tuple], show: Any
) -> str:
    """Without quotas there is no attainment to rank by: bookings and win rate lead."""
    lines = [
        f"Company, {period} (as of {as_of}; no quotas loaded):",
        f"  bookings {show(bookings)}",
        "Top 3 reps by bookings:",
    ]
    for name, team, rep_bookings, win_rate in reps:
        lines.append(
            f"  {name:<28} {team or '':<24} {show(rep_bookings):>12}  win rate {_pct(win_rate)}"
        )
    return "\n".join(lines)


def current_quarter_summary(published_db: Path, as_of: dt.date, currency: str = "USD") -> str:
    """Company quota, bookings and attainment for the quarter of `as_of`; top/bottom 3 reps.

    Amounts are in the corporate currency (`currency`, SPM_CORPORATE_CURRENCY). Without
    quotas (no rep has an attainment) it shows bookings and the top reps by bookings.
    """

    def _money(value: Any) -> str:
        return money(value, currency)

    con = duckdb.connect(str(published_db), read_only=True)
    try:
        company = con.execute(
            """
            select fiscal_period, quota_amount, bookings_amount, attainment
            from marts.team_performance
            where hierarchy_level = 'company' and period_type = 'quarter'
              and ? between period_start and period_end
            """,
            [as_of],
        ).fetchone()
        if company is None:
            return f"No company row for the quarter of {as_of} in marts.team_performance."
        period = company[0]
        reps = con.execute(
            """
            select rep_name, team_name, attainment, bookings_amount, quota_amount
            from marts.rep_performance
            where period_type = 'quarter' and fiscal_period = ? and attainment is not null
            order by attainment desc, bookings_amount desc, rep_name
            """,
            [period],
        ).fetchall()
        by_bookings = [] if reps else _reps_by_bookings(con, period)
    finally:
        con.close()
    if not reps:
        return _no_quota_summary(period, as_of, company[2], by_bookings, _money)
    lines = [
        f"Company, {period} (as of {as_of}):",
        f"  quota {_money(company[1])}   bookings {_money(company[2])}   "
        f"attainment {_pct(company[3])}",
    ]

    def rows(title: str, chosen: list[tuple]) -> None:
        lines.append(title)
        for name, team, attainment, bookings, quota in chosen:
            lines.append(
                f"  {name:<28} {team:<24} {_pct(attainment):>7}  "
                f"{_money(bookings):>12} of {_money(quota)}"
            )

    rows("Top 3 reps by attainment:", reps[:3])
    rows("Bottom 3 reps by attainment:", list(reversed(reps[-3:])) if len(reps) > 3 else [])
    return "\n".join(lines)
