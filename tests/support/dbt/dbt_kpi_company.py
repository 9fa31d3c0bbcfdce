"""The worked-example company of the KPI reference as raw rows, written straight into raw_* tables.

Every row here is a row of the worked examples; the expected numbers live in the tests, copied
from the worked examples in dbt_project/docs/kpi_definitions.md, so that the SQL is checked
against figures computed by hand.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb

from tests.support.dbt.dbt_raw_tables import create_raw_tables, insert_rows

UTC = dt.UTC


def ts(text: str) -> dt.datetime:
    """An ISO timestamp (or date) as an aware UTC datetime."""
    value = dt.datetime.fromisoformat(text if "T" in text else text + "T09:00:00")
    return value.replace(tzinfo=UTC)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


ROLES = [
    {"id": "RC", "name": "Company", "parent_role_id": None},
    {"id": "RR", "name": "Region", "parent_role_id": "RC"},
    {"id": "R1", "name": "Team 1", "parent_role_id": "RR"},
]

USERS = [
    {"id": "U1", "name": "A", "email": "a@x.com", "user_role_id": "R1", "manager_id": "U3"},
    {"id": "U2", "name": "B", "email": " B@x.com", "user_role_id": "R1", "manager_id": "U3"},
    {"id": "U3", "name": "M", "email": "m@x.com", "user_role_id": "R1", "manager_id": None},
]

# Id, owner, amount, currency, won, close, created, deleted, modstamp
OPPORTUNITIES = [
    ("O1", "U1", "1000", "USD", True, "2026-02-10", "2026-01-01", False, "2026-02-10"),
    ("O2", "U1", "500", "EUR", True, "2026-03-07", "2026-01-01", False, "2026-03-07"),
    ("O3", "U2", "2000", "USD", True, "2026-01-15", "2025-12-01", False, "2026-01-15"),
    ("O4", "U2", "-10", "USD", True, "2026-01-20", "2025-12-01", False, "2026-01-20"),
    ("O5", "U9", "300", "USD", True, "2026-01-20", "2025-12-01", False, "2026-01-20"),
    ("O6", "U1", "700", "USD", True, "2026-01-20", "2026-02-01", False, "2026-02-01"),
    ("O7", "U1", "900", "USD", True, "2026-01-20", "2025-12-01", True, "2026-01-21"),
    ("O8", "U2", "100", "USD", True, "2026-04-02", "2026-01-01", False, "2026-04-02T10:00:00"),
    ("O8", "U2", "150", "USD", True, "2026-04-02", "2026-01-01", False, "2026-04-02T11:00:00"),
    ("O9", "U2", "400", "USD", False, "2026-04-02", "2026-01-01", False, "2026-04-02"),
]

SPLIT_TYPES = [
    {"id": "ST_REV", "developer_name": "Revenue", "master_label": "Revenue", "is_active": True},
    {"id": "ST_OVL", "developer_name": "Overlay", "master_label": "Overlay", "is_active": True},
]

SPLITS = [
    {
        "id": "S1",
        "opportunity_id": "O3",
        "split_owner_id": "U1",
        "split_percentage": "50",
        "split_type_id": "ST_REV",
    },
    {
        "id": "S2",
        "opportunity_id": "O3",
        "split_owner_id": "U2",
        "split_percentage": "50",
        "split_type_id": "ST_REV",
    },
    {
        "id": "S3",
        "opportunity_id": "O3",
        "split_owner_id": "U3",
        "split_percentage": "100",
        "split_type_id": "ST_OVL",
    },
]

FX_RATES = [
    ("2026-03-05", "EUR", "1.05"),
    ("2026-03-06", "EUR", "1.10"),
    ("2026-03-09", "EUR", "1.20"),
]

# email as written in the workbook, name, {month: amount or None for a blank cell}
QUOTAS = [
    ("a@x.com", "A", {"2026-01": "1000", "2026-02": "1000", "2026-03": "1000"}),
    ("b@x.com", "B", {"2026-01": "1000", "2026-02": None, "2026-03": "0"}),
]


def _opportunity_rows() -> list[dict]:
    rows = []
    for oid, owner, amount, cur, won, close, created, deleted, modstamp in OPPORTUNITIES:
        rows.append(
            {
                "id": oid,
                "name": f"Deal {oid}",
                "owner_id": owner,
                "amount": Decimal(amount),
                "currency_iso_code": cur,
                "stage_name": "Closed Won" if won else "Closed Lost",
                "probability": Decimal(100 if won else 0),
                "forecast_category_name": "Closed" if won else "Omitted",
                "close_date": d(close),
                "created_date": ts(created),
                "is_closed": True,
                "is_won": won,
                "type": "New Business",
                "lead_source": "Web",
                "is_deleted": deleted,
                "last_modified_date": ts(modstamp),
                "system_modstamp": ts(modstamp),
                "_dlt_valid_from": ts("2026-04-10"),
            }
        )
    return rows


def _quota_rows() -> list[dict]:
    rows = []
    for row_number, (email, name, months) in enumerate(QUOTAS, start=2):
        for col_index, (month, amount) in enumerate(months.items()):
            rows.append(
                {
                    "email": email,
                    "name": name,
                    "fiscal_year": 2026,
                    "month": d(month + "-01"),
                    "quota_amount": None if amount is None else Decimal(amount),
                    "source_file": "compensation/quotas_FY2026.xlsx",
                    "source_row": row_number,
                    "source_column": "CDE"[col_index],
                    "_dlt_valid_from": ts("2026-04-10"),
                }
            )
    return rows


def write_kpi_company(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schemas and fill them with the worked-example company."""
    create_raw_tables(con)
    modstamp = ts("2025-11-01")
    insert_rows(con, "raw_crm.user_role", [{**r, "system_modstamp": modstamp} for r in ROLES])
    insert_rows(
        con,
        "raw_crm.user",
        [
            {
                **u,
                "title": "Account Executive",
                "is_active": True,
                "created_date": modstamp,
                "system_modstamp": modstamp,
                "_dlt_valid_from": modstamp,
            }
            for u in USERS
        ],
    )
    insert_rows(con, "raw_crm.opportunity", _opportunity_rows())
    insert_rows(
        con,
        "raw_crm.opportunity_split_type",
        [
            {**t, "is_total_validated": t["id"] == "ST_REV", "system_modstamp": modstamp}
            for t in SPLIT_TYPES
        ],
    )
    insert_rows(
        con,
        "raw_crm.opportunity_split",
        [
            {
                **s,
                "split_percentage": Decimal(s["split_percentage"]),
                "is_deleted": False,
                "system_modstamp": modstamp,
            }
            for s in SPLITS
        ],
    )
    insert_rows(
        con,
        "raw_finance.fx_rates",
        [{"date": d(day), "currency": cur, "rate": Decimal(rate)} for day, cur, rate in FX_RATES],
    )
    insert_rows(con, "raw_compensation.quotas", _quota_rows())
