"""A small company whose managers' forecast calls disagree at every level, as raw rows.

Company "Acme" (CRO C) has two regions: Americas (VP VA) with teams West (manager MW, reps R1
and R2) and East (manager ME, rep R3), and EMEA (VP VE) with team Europe (manager MU, rep
R4). Every person comes from the CRM role tree (no assignments workbook): a person whose
CRM user others name as ManagerId is a manager of the role they hold.

Commit calls for FY2026-Q2 (calendar fiscal year, as of Friday 2026-05-15, week 7 of the
quarter): the CRO called 800 on 2026-04-06 and 900 on 2026-05-11 (and 1000 on 2026-05-20,
after the as-of date); VA 500, MW 300, MU 250; VE and ME made no call; the reps R1 100,
R2 150, R3 120, R4 90. The CRO alone also called Best Case 1200. The tests work out the
expected node calls by hand from these rows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb

from tests.support.dbt.dbt_raw_tables import create_raw_tables, insert_rows

AS_OF = "2026-05-15"
QUARTER = "FY2026-Q2"

ROLES = [
    {"id": "RC", "name": "Acme", "parent_role_id": None},
    {"id": "RA", "name": "Americas", "parent_role_id": "RC"},
    {"id": "RE", "name": "EMEA", "parent_role_id": "RC"},
    {"id": "TW", "name": "West", "parent_role_id": "RA"},
    {"id": "TE", "name": "East", "parent_role_id": "RA"},
    {"id": "TU", "name": "Europe", "parent_role_id": "RE"},
]

# id, name, role (node), ManagerId
USERS = [
    ("C", "Cora CRO", "RC", None),
    ("VA", "Val Americas", "RA", "C"),
    ("VE", "Vic EMEA", "RE", "C"),
    ("MW", "Mia West", "TW", "VA"),
    ("ME", "Max East", "TE", "VA"),
    ("MU", "Mo Europe", "TU", "VE"),
    ("R1", "Rep One", "TW", "MW"),
    ("R2", "Rep Two", "TW", "MW"),
    ("R3", "Rep Three", "TE", "ME"),
    ("R4", "Rep Four", "TU", "MU"),
]

# submitter, role, category, amount, submitted at (UTC)
SUBMISSIONS = [
    ("C", "manager", "Commit", "800", "2026-04-06T16:00:00"),
    ("C", "manager", "Commit", "900", "2026-05-11T16:00:00"),
    ("C", "manager", "Commit", "1000", "2026-05-20T16:00:00"),
    ("C", "manager", "Best Case", "1200", "2026-05-11T16:00:00"),
    ("VA", "manager", "Commit", "500", "2026-05-11T15:00:00"),
    ("MW", "manager", "Commit", "300", "2026-05-11T14:00:00"),
    ("MU", "manager", "Commit", "250", "2026-05-11T14:00:00"),
    ("R1", "rep", "Commit", "100", "2026-05-11T10:00:00"),
    ("R2", "rep", "Commit", "150", "2026-05-11T10:00:00"),
    ("R3", "rep", "Commit", "120", "2026-05-11T10:00:00"),
    ("R4", "rep", "Commit", "90", "2026-05-11T10:00:00"),
]

# one won deal per rep, so the CRM is not empty
DEALS = [("O1", "R1", "400"), ("O2", "R3", "300"), ("O3", "R4", "200")]


def _ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def write_forecast_company(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schemas and fill them with the company above."""
    create_raw_tables(con)
    modstamp = _ts("2025-11-01T09:00:00")
    insert_rows(con, "raw_crm.user_role", [{**r, "system_modstamp": modstamp} for r in ROLES])
    insert_rows(
        con,
        "raw_crm.user",
        [
            {
                "id": user_id,
                "name": name,
                "email": f"{user_id.lower()}@acme.example",
                "user_role_id": role,
                "manager_id": manager,
                "title": "Account Executive",
                "is_active": True,
                "created_date": modstamp,
                "system_modstamp": modstamp,
                "_dlt_valid_from": modstamp,
            }
            for user_id, name, role, manager in USERS
        ],
    )
    insert_rows(
        con,
        "raw_crm.opportunity",
        [
            {
                "id": deal_id,
                "name": f"Deal {deal_id}",
                "owner_id": owner,
                "amount": Decimal(amount),
                "currency_iso_code": "USD",
                "stage_name": "Closed Won",
                "probability": Decimal(100),
                "forecast_category_name": "Closed",
                "close_date": dt.date(2026, 4, 20),
                "created_date": _ts("2026-02-01T09:00:00"),
                "is_closed": True,
                "is_won": True,
                "type": "New Business",
                "lead_source": "Web",
                "is_deleted": False,
                "last_modified_date": _ts("2026-04-20T09:00:00"),
                "system_modstamp": _ts("2026-04-20T09:00:00"),
                "_dlt_valid_from": _ts("2026-05-15T09:00:00"),
            }
            for deal_id, owner, amount in DEALS
        ],
    )
    insert_rows(
        con,
        "raw_revenue_intelligence.forecast_submissions",
        [
            {
                "submission_id": f"fs_{number:012x}",
                "submitter_id": submitter,
                "submitter_role": role,
                "fiscal_period": QUARTER,
                "forecast_category": category,
                "amount": Decimal(amount),
                "currency": "USD",
                "submitted_at": _ts(submitted),
            }
            for number, (submitter, role, category, amount, submitted) in enumerate(
                SUBMISSIONS, start=1
            )
        ],
    )
