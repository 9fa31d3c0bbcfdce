"""The parts the leadership digest and a manager's digest share, so both read their pages alike.

Both digests read a page's query results the same way (first value, formatted table, inline
chart), open with the same quarter headline (quota, bookings, attainment, pace gap), show the
same monthly trend chart and list stalled and slipped deals with the same columns. Keeping
those here means a change to, say, the deal columns reaches both emails at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email.utils import make_msgid

from reports import charts
from reports.formatting import MISSING, format_value
from reports.sql_engine import QueryResult, Unavailable

Result = QueryResult | Unavailable | None
Columns = list[tuple[str, str, str | None]]
Section = tuple[str, dict[str, object] | None]

DEAL_COLUMNS: Columns = [
    ("opportunity_name", "Deal", None),
    ("rep_name", "Rep", None),
    ("amount", "Amount", "cur0"),
]
STALLED_COLUMNS: Columns = [*DEAL_COLUMNS, ("days_idle", "Days idle", "num0")]
DEALS_SHOWN = 5


@dataclass(frozen=True)
class InlineImage:
    """A chart attached to the HTML part, shown where the HTML says `cid:<cid>`."""

    cid: str
    png: bytes
    filename: str


def first(result: Result, column: str) -> object:
    """The first row's value of `column`, or None when the query is unavailable or empty."""
    if not isinstance(result, QueryResult) or not result.rows:
        return None
    return result.records()[0].get(column)


def table(
    result: Result,
    columns: Columns,
    currency: str,
    limit: int = 10,
) -> dict[str, object] | None:
    """Rows formatted for the email template (or the pending marts when unavailable)."""
    if isinstance(result, Unavailable):
        return {"pending": result.missing, "headers": [], "rows": []}
    if not isinstance(result, QueryResult):
        return None
    rows = [
        [format_value(r.get(c), f, c, currency) for c, _, f in columns]
        for r in result.records()[:limit]
    ]
    return {
        "pending": None,
        "headers": [t for _, t, _ in columns],
        "rows": rows,
        "more": max(0, len(result.rows) - limit),
    }


def chart_image(
    result: Result,
    name: str,
    build: Callable[[QueryResult], dict],
) -> InlineImage | None:
    """The chart `build` draws from `result` as a PNG, or None when there is nothing to draw."""
    if not isinstance(result, QueryResult) or not result.rows:
        return None
    png = charts.to_png(build(result), scale=1.5)
    return InlineImage(make_msgid(idstring=name, domain="spm.local")[1:-1], png, f"{name}.png")


def money(value: object, currency: str) -> str:
    """An amount in thousands of `currency`, or the missing mark."""
    return format_value(value, "cur0k", "", currency) if value is not None else MISSING


def quarter_headline(quarter: Result, pace: Result, currency: str) -> list[tuple[str, str]]:
    """Quota, bookings, attainment and pace gap: the opening figures of every digest."""
    return [
        ("Quota", money(first(quarter, "quota_amount"), currency)),
        ("Bookings", money(first(quarter, "bookings_amount"), currency)),
        ("Attainment", format_value(first(quarter, "attainment"), "pct1")),
        ("Pace gap", money(first(pace, "pace_gap_amount"), currency)),
    ]


def trend_chart(result: Result, currency: str) -> InlineImage | None:
    """Quota against bookings by fiscal month, as grouped bars."""
    return chart_image(
        result,
        "trend",
        lambda q: charts.chart_spec(
            "bar",
            q.frame(),
            "fiscal_period",
            ["quota_amount", "bookings_amount"],
            grouped=True,
            y_fmt="usd0k",
            currency=currency,
            width=520,
            height=200,
        ),
    )


def stalled_deals(result: Result, currency: str) -> Section:
    """The 'Stalled deals' table: deal, rep, amount and days idle."""
    return ("Stalled deals", table(result, STALLED_COLUMNS, currency, DEALS_SHOWN))


def slipped_deals(result: Result, currency: str) -> Section:
    """The 'Slipped deals' table: deal, rep and amount."""
    return ("Slipped deals", table(result, DEAL_COLUMNS, currency, DEALS_SHOWN))
