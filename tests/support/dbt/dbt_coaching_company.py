"""A team of seven reps and a leaver, as raw rows, for whom-to-coach-first (coaching_priorities).

As of Friday 2026-05-15, fiscal year = calendar year. Every rep has a quota of 26,000 USD a
month, so 78,000 for FY2026-Q2; 33 of the quarter's 65 weekdays have elapsed, so each is
expected to have booked 78,000 * 33 / 65 = 39,600 by today. Every deal took 30 days from
creation to close, so no rep's sales cycle stands out. Per rep (won and lost over FY2026-Q1
and FY2026-Q2):

| rep | booked Q2 | short of pace | won / closed | avg deal | deals to review |
|-----|-----------|---------------|--------------|----------|-----------------|
| Ann | 45,000    | 0             | 5 / 6        | 15,000   | none            |
| Bob | 30,000    | 9,600         | 1 / 10       | 30,000   | none            |
| Cid | 6,000     | 33,600        | 2 / 2        | 10,500   | none            |
| Dee | 40,000    | 0             | 3 / 4        | 20,000   | 50,000 past due |
| Fay | 35,000    | 4,600         | 2 / 3        | 17,500   | none            |
| Gus | 38,000    | 1,600         | 2 / 3        | 19,000   | 10,000 undated  |
| Hal | 39,000    | 600           | 2 / 3        | 19,500   | none            |
| Eve | 0         | 39,600        | 1 / 1        | 15,000   | (left 2026-04-30) |

Ann logged a call on each of her deals won this quarter, so an activity feed is loaded and
Dee's open deal, untouched since it was created on 2026-03-01, has stalled (75 days idle).

Team medians (Eve left, so she is neither listed nor counted): win rate 2 / 3 = 67%, deal size
19,000. The expected order and reasons are worked out in the test from this table.

The CRM has no next-step field (`next_step` null: unknown), so no deal is to review for a
missing next step. With `next_steps=True` it keeps them: Dee's past-due deal has a blank one,
Gus's undated deal has one, and Hal has a new deal (5,000, closing 2026-06-30, created
2026-05-11, so neither stalled nor late) whose next step is blank: a deal to review for that
alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb

from tests.support.dbt.dbt_kpi_company import d, ts
from tests.support.dbt.dbt_raw_tables import create_raw_tables, insert_rows

AS_OF = "2026-05-15"
FIRST_LOAD = ts("2026-05-15T06:00:00")
MONTHLY_QUOTA = "26000"

ROLES = [
    {"id": "RC", "name": "Acme", "parent_role_id": None},
    {"id": "RW", "name": "West", "parent_role_id": "RC"},
    {"id": "R1", "name": "Team Mia", "parent_role_id": "RW"},
]

REPS = ["Ann", "Bob", "Cid", "Dee", "Fay", "Gus", "Hal", "Eve"]
LEAVER = "Eve"
LEAVER_LAST_DAY = "2026-04-30"

# owner, won?, amount, close date: every deal was created 30 days before it closed
CLOSED_DEALS = [
    *[("Ann", True, "15000", day) for day in ("2026-02-10", "2026-03-10")],
    *[("Ann", True, "15000", day) for day in ("2026-04-08", "2026-04-22", "2026-05-06")],
    ("Ann", False, "15000", "2026-04-15"),
    ("Bob", True, "30000", "2026-04-20"),
    *[("Bob", False, "15000", f"2026-03-{day:02d}") for day in (2, 5, 9, 12, 16)],
    *[("Bob", False, "15000", f"2026-04-{day:02d}") for day in (6, 9, 13, 16)],
    ("Cid", True, "15000", "2026-02-18"),
    ("Cid", True, "6000", "2026-05-04"),
    ("Dee", True, "20000", "2026-03-18"),
    *[("Dee", True, "20000", day) for day in ("2026-04-14", "2026-05-12")],
    ("Dee", False, "20000", "2026-04-02"),
    *[("Fay", True, "17500", day) for day in ("2026-04-10", "2026-05-08")],
    ("Fay", False, "17500", "2026-04-24"),
    *[("Gus", True, "19000", day) for day in ("2026-04-17", "2026-05-11")],
    ("Gus", False, "19000", "2026-03-24"),
    *[("Hal", True, "19500", day) for day in ("2026-04-21", "2026-05-13")],
    ("Hal", False, "19500", "2026-04-28"),
    ("Eve", True, "15000", "2026-02-25"),
]
# Dee's open deal: its close date (2026-04-30) has passed
PAST_DUE_DEAL = ("Dee", "50000", "2026-04-30", "2026-03-01")
# Gus's open deal has no close date; created on 2026-05-04, 11 days ago, so not stalled
UNDATED_DEAL = ("Gus", "10000", "2026-05-04")
# with next steps kept: Hal's open deal, fine but for its blank next step
NO_NEXT_STEP_DEAL = ("Hal", "5000", "2026-06-30", "2026-05-11")


def _user_id(name: str) -> str:
    return "U" + name


def _email(name: str) -> str:
    return f"{name.lower()}@acme.example"


def _deal(
    opp_id: str,
    owner: str,
    stage: str,
    closed: bool,
    won: bool,
    amount: str,
    close: str,
    created: dt.date,
) -> dict:
    return {
        "id": opp_id,
        "name": f"{owner} deal {opp_id}",
        "owner_id": _user_id(owner),
        "amount": Decimal(amount),
        "currency_iso_code": "USD",
        "stage_name": stage,
        "probability": Decimal(100 if won else 0 if closed else 60),
        "forecast_category_name": "Closed" if won else "Omitted" if closed else "Best Case",
        "close_date": d(close),
        "created_date": ts(created.isoformat()),
        "is_closed": closed,
        "is_won": won,
        "type": "New Business",
        "lead_source": "Web",
        "is_deleted": False,
        "last_modified_date": ts(close) if closed else FIRST_LOAD,
        "system_modstamp": ts(close) if closed else FIRST_LOAD,
        "_dlt_valid_from": FIRST_LOAD,
    }


def _with_next_steps(deals: list[dict]) -> list[dict]:
    """The deals of a CRM that keeps next steps: blank ('') but for Gus's undated deal, and
    Hal's deal whose only problem is its blank next step."""
    kept = [
        {**deal, "next_step": "Send the proposal" if deal["id"] == "U01" else ""} for deal in deals
    ]
    owner, amount, close, created = NO_NEXT_STEP_DEAL
    hal = _deal("N01", owner, "Proposal", False, False, amount, close, d(created))
    return [*kept, {**hal, "next_step": "  "}]


def write_coaching_company(con: duckdb.DuckDBPyConnection, *, next_steps: bool = False) -> None:
    """Every raw table of the contract; the CRM, quotas and the leaver's assignment filled.

    `next_steps`: the CRM keeps a next step per deal (see the module docstring).
    """
    create_raw_tables(con)
    insert_rows(con, "raw_crm.user_role", ROLES)
    users = [("M", "Mia", None)] + [(_user_id(n), n, "M") for n in REPS]
    insert_rows(
        con,
        "raw_crm.user",
        [
            {
                "id": user_id,
                "name": name,
                "email": _email(name),
                "title": "Account Executive",
                "user_role_id": "R1",
                "manager_id": manager,
                "is_active": name != LEAVER,
                "created_date": ts("2025-01-06"),
                "system_modstamp": ts("2026-05-01"),
                "_dlt_valid_from": FIRST_LOAD,
            }
            for user_id, name, manager in users
        ],
    )
    deals = [
        _deal(
            f"W{i:02d}" if won else f"L{i:02d}",
            owner,
            "Closed Won" if won else "Closed Lost",
            True,
            won,
            amount,
            close,
            d(close) - dt.timedelta(days=30),
        )
        for i, (owner, won, amount, close) in enumerate(CLOSED_DEALS)
    ]
    owner, amount, close, created = PAST_DUE_DEAL
    deals.append(_deal("P01", owner, "Negotiation", False, False, amount, close, d(created)))
    owner, amount, created = UNDATED_DEAL
    undated = _deal("U01", owner, "Discovery", False, False, amount, created, d(created))
    deals.append({**undated, "close_date": None})
    if next_steps:
        deals = _with_next_steps(deals)
    insert_rows(con, "raw_crm.opportunity", deals)
    insert_rows(
        con,
        "raw_sales_analytics.activities",
        [
            {
                "id": f"A{deal['id']}",
                "type": "call",
                "user_id": deal["owner_id"],
                "opportunity_id": deal["id"],
                "timestamp": ts((deal["close_date"] - dt.timedelta(days=3)).isoformat()),
                "duration_seconds": 900,
                "direction": "outbound",
                "outcome": "connected",
                "source_file": "sales_analytics/2026/05/15/activities.jsonl",
            }
            for deal in deals
            if deal["owner_id"] == _user_id("Ann")
            and deal["is_won"]
            and deal["close_date"] >= dt.date(2026, 4, 1)
        ],
    )
    insert_rows(
        con,
        "raw_compensation.quotas",
        [
            {
                "email": _email(name),
                "name": name,
                "fiscal_year": 2026,
                "month": dt.date(2026, month, 1),
                "quota_amount": Decimal(MONTHLY_QUOTA),
                "source_file": "compensation/quotas_FY2026.xlsx",
                "source_row": row,
                "source_column": "ABCDEF"[month - 1],
                "_dlt_valid_from": FIRST_LOAD,
            }
            for row, name in enumerate(REPS, start=2)
            for month in range(1, 7)
        ],
    )
    insert_rows(
        con,
        "raw_compensation.assignments",
        [
            {
                "email": _email(LEAVER),
                "user_id": _user_id(LEAVER),
                "team_role_id": "R1",
                "role": "rep",
                "effective_from": d("2025-01-06"),
                "effective_to": None,
                "hire_date": d("2025-01-06"),
                "termination_date": d(LEAVER_LAST_DAY),
            }
        ],
    )
