"""The parts the leadership digest and a manager's digest share, so both read their pages alike.

Both digests read a page's query results the same way (first value, formatted table, inline
chart), open with the same quarter headline (quota, bookings, attainment, pace; or, with no
quota loaded, bookings, win rate, deals won and pipeline), show the
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
    ("amount", "Amount", "cur"),
]
HYGIENE_COLUMNS: Columns = [
    ("opportunity_name", "Deal", None),
    ("rep_name", "Rep", None),
    ("problem_text", "Problem", None),
    ("amount", "Amount", "cur"),
]
STALLED_COLUMNS: Columns = [*DEAL_COLUMNS, ("days_idle", "Days idle", "num0")]
DEALS_SHOWN = 5


@dataclass(frozen=True)
class InlineImage:
    """A chart attached to the HTML part, shown where the HTML says `cid:<cid>`."""

    cid: str
    png: bytes
    filename: str
    alt: str = ""


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
    missing = [c for c, _, _ in columns if c not in result.columns]
    if missing:  # a digest must never show "–" for a column its query does not return
        raise KeyError(f"query {result.name!r} has no column {missing} (it has {result.columns})")
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
    spec = build(result)
    png = charts.to_png(spec, scale=1.5)
    title = spec.get("title")
    alt = (title.get("text") if isinstance(title, dict) else title) or name
    cid = make_msgid(idstring=name, domain="spm.local")[1:-1]
    return InlineImage(cid, png, f"{name}.png", str(alt))


def money(value: object, currency: str) -> str:
    """An amount as a reader says it ($2.8M, $950k) in `currency`, or the missing mark."""
    return format_value(value, "cur", "", currency) if value is not None else MISSING


def quarter_headline(
    quarter: Result, pace: Result, currency: str, has_quotas: bool
) -> list[tuple[str, str]]:
    """The opening figures of every digest.

    With quotas: quota, bookings, attainment, pace and win rate. Without: bookings, win
    rate, deals won and open pipeline (no dash where a quota would be).
    """
    if has_quotas:
        return [
            ("Quota", money(first(quarter, "quota_amount"), currency)),
            ("Bookings", money(first(quarter, "bookings_amount"), currency)),
            ("Attainment", format_value(first(quarter, "attainment"), "pct1")),
            ("Pace", format_value(first(pace, "pace_gap_amount"), "gap", "", currency)),
            ("Win rate", format_value(first(quarter, "win_rate"), "pct0")),
        ]
    return [
        ("Bookings", money(first(quarter, "bookings_amount"), currency)),
        ("Win rate", format_value(first(quarter, "win_rate"), "pct0")),
        ("Deals won", format_value(first(quarter, "won_count"), "num0")),
        ("Open pipeline", money(first(quarter, "open_pipeline_amount"), currency)),
    ]


def trend_chart(result: Result, currency: str, has_quotas: bool) -> InlineImage | None:
    """Bookings (against quota when there is one) by month of this fiscal year."""
    measures = ["quota_amount", "bookings_amount"] if has_quotas else ["bookings_amount"]
    title = "Bookings against quota by month" if has_quotas else "Bookings by month"
    return chart_image(
        result,
        "trend",
        lambda q: charts.chart_spec(
            "bar",
            q.frame(),
            "month",
            measures,
            grouped=has_quotas,
            y_fmt="cur",
            currency=currency,
            width=520,
            height=200,
            title=title,
            x_title="Month",
            values=True,
        ),
    )


def stalled_deals(result: Result, currency: str) -> Section:
    """The 'Stalled deals' table: deal, rep, amount and days idle."""
    return ("Stalled deals", table(result, STALLED_COLUMNS, currency, DEALS_SHOWN))


def slipped_deals(result: Result, currency: str) -> Section:
    """The 'Slipped deals' table: deal, rep and amount."""
    return ("Slipped deals", table(result, DEAL_COLUMNS, currency, DEALS_SHOWN))


def hygiene_deals(result: Result, currency: str) -> Section:
    """Open deals to clean up: no amount, no close date, close date passed."""
    return ("Open deals to clean up in the CRM", table(result, HYGIENE_COLUMNS, currency, 10))


def missing_notes(result: Result) -> list[str]:
    """What each missing system would add (from `source_coverage.missing_note`)."""
    if not isinstance(result, QueryResult):
        return []
    return [str(r["missing_note"]) for r in result.records() if r.get("missing_note")]


def set_aside_notes(result: Result) -> dict[str, object] | None:
    """The deals that failed a data check and so are in no total (the `set_aside_deals` query
    of the overview over `marts.deals_set_aside`, of the team and region pages over
    `marts.deals_set_aside_by_team`): their count and the count per rule, which a reader must
    know before quoting a total. None when no deal was set aside."""
    records = result.records() if isinstance(result, QueryResult) else []
    if not records:
        return None
    return {
        "deals": format_value(records[0]["total_deals"], "num0"),
        "rules": [f"{r['rule_name']}: {format_value(r['deal_count'], 'num0')}" for r in records],
    }


COACHING_SHOWN = 5
REVIEW_DEALS_SHOWN = 3


def coaching_list(coaching: Result, deals: Result, currency: str) -> dict[str, object] | None:
    """'Coach these reps this week': the first reps of `coaching_priorities`, in its order.

    The order, the money at stake and the reason are the mart's (so the digest, the team
    page and the coaching page agree); this only formats them and puts each rep's deals to
    review (`coaching_review_deals`, largest first) under their name. A region's list names
    each rep's team (a `team_name` column).
    """
    if isinstance(coaching, Unavailable) or isinstance(deals, Unavailable):
        missing = [*getattr(coaching, "missing", []), *getattr(deals, "missing", [])]
        return {"pending": sorted(set(missing)), "reps": []}
    if not isinstance(coaching, QueryResult):
        return None
    needed = {"rep_id", "rep_name", "money_at_stake_amount", "reason_text"}
    if not needed <= set(coaching.columns):
        raise KeyError(f"query {coaching.name!r} lacks {sorted(needed - set(coaching.columns))}")
    deals_of: dict[str, list[dict]] = {}
    if isinstance(deals, QueryResult):
        for deal in deals.records():
            deals_of.setdefault(str(deal["rep_id"]), []).append(deal)
    reps = []
    for rep in coaching.records()[:COACHING_SHOWN]:
        own = deals_of.get(str(rep["rep_id"]), [])
        team = f" ({rep['team_name']})" if rep.get("team_name") else ""
        reps.append(
            {
                "name": f"{rep['rep_name']}{team}",
                "at_stake": money(rep["money_at_stake_amount"], currency),
                "reason": rep["reason_text"],
                "deals": [_review_deal(deal, currency) for deal in own[:REVIEW_DEALS_SHOWN]],
                "more_deals": max(0, len(own) - REVIEW_DEALS_SHOWN),
            }
        )
    return {"pending": None, "reps": reps}


def _review_deal(deal: dict, currency: str) -> str:
    amount = deal.get("amount")
    worth = f" ({money(amount, currency)})" if amount is not None else ""
    return f"{deal['opportunity_name']}{worth}: {deal['problems_text']}"
