"""The "What changed since last week" section that opens every digest.

A sales leader's Monday question is why the number moved. The section reads one row of the
`weekly_changes` mart (the node's running week of the current quarter) and the largest deals
behind each cause from `weekly_change_deals`, both through the page's own queries
(`weekly_change` and `weekly_change_deals`, on the overview, region and team pages), so the
email says what the page says. The mart balances every measure to the cent (start + causes
= end); this module only lays the numbers out, it never adds them up.
"""

from __future__ import annotations

from collections.abc import Mapping

from reports.digest_parts import Columns, Result, first, money, table
from reports.formatting import MISSING
from reports.sql_engine import QueryResult, Unavailable

TITLE = "What changed since last week"

# (column prefix in weekly_changes, label); the order of the table's columns
MEASURES: list[tuple[str, str]] = [
    ("bookings", "Bookings"),
    ("open_pipeline", "Open pipeline"),
    ("commit_pipeline", "Commit pipeline"),
    ("commit_call", "Commit call"),
]

# (cause, label); the order of the table's rows between Start and End. A measure without a
# column for a cause (bookings have no `created`, only the commit pipeline and the call have
# `category_change`, only the call has the caller's `judgement`) shows the missing mark there.
CAUSES: list[tuple[str, str]] = [
    ("created", "Created"),
    ("won", "Won"),
    ("lost", "Lost"),
    ("reopened", "Reopened"),
    ("pushed_out", "Pushed out of the quarter"),
    ("pulled_in", "Pulled into the quarter"),
    ("category_change", "Moved into or out of Commit"),
    ("amount_increase", "Amount increased"),
    ("amount_decrease", "Amount decreased"),
    ("judgement", "Caller's judgement (not explained by deals)"),
]

DEAL_COLUMNS: Columns = [
    ("measure_label", "Measure", None),
    ("change_cause_label", "Cause", None),
    ("opportunity_name", "Deal", None),
    ("owner_name", "Owner", None),
    ("change_amount", "Change", "cur"),
]
DEALS_SHOWN = 10

Section = tuple[str, dict[str, object] | None]


def signed_money(value: object, currency: str) -> str:
    """A change as a reader says it: +$50k, -$80k, $0 (no "ahead"/"behind": not a pace)."""
    if value is None:
        return MISSING
    text = money(value, currency)
    return f"+{text}" if value > 0 else text


def _week_label(change: QueryResult) -> str:
    start = first(change, "week_start")
    end = first(change, "cutoff_date")
    week = first(change, "week_of_period")
    period = first(change, "fiscal_period")
    return f"{period}, week {week} ({start} to {end})"


def _change_table(change: Result, currency: str) -> dict[str, object] | None:
    """Start, each cause and end (rows) of bookings, open and commit pipeline and the commit
    call (columns)."""
    if isinstance(change, Unavailable):
        return {"pending": change.missing, "headers": [], "rows": []}
    if not isinstance(change, QueryResult) or not change.rows:
        return None
    row = change.records()[0]

    def cell(column: str, signed: bool = False) -> str:
        if column not in row:
            return MISSING
        return signed_money(row[column], currency) if signed else money(row[column], currency)

    rows = [["Start", *(cell(f"{m}_start_amount") for m, _ in MEASURES)]]
    for cause, label in CAUSES:
        cells = [cell(f"{m}_{cause}_amount", signed=True) for m, _ in MEASURES]
        if any(f"{m}_{cause}_amount" in row for m, _ in MEASURES):
            rows.append([label, *cells])
    rows.append(["End", *(cell(f"{m}_end_amount") for m, _ in MEASURES)])
    return {
        "pending": None,
        "headers": ["", *(label for _, label in MEASURES)],
        "rows": rows,
        "more": 0,
    }


def _projection_part(change: QueryResult, currency: str) -> str | None:
    """The projection's move and its two parts, when a projection was made both weeks."""
    end = first(change, "projection_end_amount")
    moved = first(change, "projection_change_amount")
    if end is None or moved is None:
        return None
    booked = signed_money(first(change, "projection_booked_change_amount"), currency)
    from_open = signed_money(first(change, "projection_open_change_amount"), currency)
    return (
        f"projection {money(end, currency)} ({signed_money(moved, currency)}: "
        f"{booked} booked, {from_open} from the weighted open pipeline)"
    )


def _summary(change: Result, currency: str) -> str | None:
    """One sentence: how bookings, open pipeline and the commit call moved in the week."""
    if not isinstance(change, QueryResult) or not change.rows:
        return None
    parts = []
    for measure, label in MEASURES[:2]:
        start = first(change, f"{measure}_start_amount")
        end = first(change, f"{measure}_end_amount")
        if start is None or end is None:
            continue
        delta = signed_money(end - start, currency)
        parts.append(f"{label} {money(start, currency)} to {money(end, currency)} ({delta})")
    call_end = first(change, "commit_call_end_amount")
    call_change = first(change, "commit_call_change_amount")
    if call_end is not None:
        moved = signed_money(call_change, currency) if call_change is not None else None
        if moved is None:
            moved = "new"
        elif call_change == 0:
            moved = "unchanged"
        parts.append(f"commit call {money(call_end, currency)} ({moved})")
    projection = _projection_part(change, currency)
    if projection:
        parts.append(projection)
    return f"{_week_label(change)}: " + "; ".join(parts) + "." if parts else None


def weekly_change_section(
    results: Mapping[str, Result], currency: str
) -> tuple[str, str | None, list[Section]]:
    """The digest section from a page's results (its `weekly_change` and
    `weekly_change_deals` queries): a one-line summary, the start-causes-end table and the
    largest deals behind each cause."""
    change = results["weekly_change"]
    deals = results["weekly_change_deals"]
    return (
        TITLE,
        _summary(change, currency),
        [
            ("Start, each cause and end", _change_table(change, currency)),
            ("Largest deals behind each cause", table(deals, DEAL_COLUMNS, currency, DEALS_SHOWN)),
        ],
    )
