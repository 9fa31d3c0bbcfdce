"""A CRM-only company the demo generator would never write, as raw rows.

Its own stage vocabulary (Prospecting / Engaging / Won / Lost) and no OpportunityStage export,
one currency (EUR, the corporate currency) and no FX file, no splits, no history, no quotas,
no assignments, no activities or forecasts, and open deals with a blank amount, a blank close
date, a past close date and a blank created date. The expected numbers are in the test,
worked out by hand from these rows.
"""

from __future__ import annotations

import duckdb

from tests.support.dbt.dbt_kpi_company import d, ts
from tests.support.dbt.dbt_raw_tables import create_raw_tables, insert_rows

AS_OF = "2026-04-10"
FIRST_LOAD = ts("2026-04-10T06:00:00")

ROLES = [
    {"id": "RC", "name": "Acme", "parent_role_id": None},
    {"id": "RW", "name": "West", "parent_role_id": "RC"},
    {"id": "R1", "name": "Team Mia", "parent_role_id": "RW"},
]

USERS = [
    {"id": "M", "name": "Mia", "user_role_id": "R1", "manager_id": None, "created": "2020-05-04"},
    {"id": "A", "name": "Ann", "user_role_id": "R1", "manager_id": "M", "created": "2025-01-10"},
    {"id": "B", "name": "Ben", "user_role_id": "R1", "manager_id": "M", "created": "2026-03-02"},
]

# Id, owner, stage, closed, won, amount, close date, created date, probability, category
OPPORTUNITIES = [
    ("D1", "A", "Won", True, True, "1000", "2026-02-10", "2026-01-01", 100, "Closed"),
    ("D2", "A", "Lost", True, False, "500", "2026-03-05", "2026-01-15", 0, "Omitted"),
    ("D3", "B", "Won", True, True, "2000", "2026-03-20", "2026-03-02", 100, "Closed"),
    ("D4", "A", "Engaging", False, False, None, "2026-05-15", "2026-02-01", 50, "Best Case"),
    ("D5", "A", "Prospecting", False, False, "300", None, "2026-03-01", 10, "Pipeline"),
    ("D6", "B", "Engaging", False, False, "400", "2026-03-31", "2026-03-10", 50, "Best Case"),
    ("D7", "B", "Won", True, True, "600", "2026-04-05", None, 100, "Closed"),
    ("D8", "A", "Prospecting", False, False, "100", "2026-06-30", None, 10, "Pipeline"),
]


def write_messy_company(con: duckdb.DuckDBPyConnection) -> None:
    """Every raw table of the contract, only the CRM's opportunities, users and roles filled."""
    create_raw_tables(con)
    insert_rows(con, "raw_crm.user_role", ROLES)
    insert_rows(
        con,
        "raw_crm.user",
        [
            {
                "id": user["id"],
                "name": user["name"],
                "user_role_id": user["user_role_id"],
                "manager_id": user["manager_id"],
                "is_active": True,
                "created_date": ts(user["created"]),
                "system_modstamp": ts("2026-04-01"),
                "_dlt_valid_from": FIRST_LOAD,
            }
            for user in USERS
        ],
    )
    insert_rows(con, "raw_crm.opportunity", [_opportunity_row(*row) for row in OPPORTUNITIES])


def _opportunity_row(
    opp_id: str,
    owner: str,
    stage: str,
    closed: bool,
    won: bool,
    amount: str | None,
    close: str | None,
    created: str | None,
    probability: int,
    category: str,
) -> dict:
    return {
        "id": opp_id,
        "name": f"Deal {opp_id}",
        "owner_id": owner,
        "amount": amount,
        "currency_iso_code": "EUR",
        "stage_name": stage,
        "probability": probability,
        "forecast_category_name": category,
        "close_date": d(close) if close else None,
        "created_date": ts(created) if created else None,
        "is_closed": closed,
        "is_won": won,
        "is_deleted": False,
        "system_modstamp": ts("2026-04-09"),
        "_dlt_valid_from": FIRST_LOAD,
    }
