"""The raw tables of ingestion/LANDING_CONTRACT.md as DuckDB DDL, for dbt test fixtures.

The dbt tests build small companies directly in a temporary DuckDB file, without dlt, so that
the SQL is tested against exactly the tables and column types the contract promises (dlt's
snake_case names and types, plus dlt's bookkeeping columns).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import duckdb

TS = "timestamp with time zone"
DLT = [("_dlt_load_id", "varchar"), ("_dlt_id", "varchar")]
SCD2 = [("_dlt_valid_from", TS), ("_dlt_valid_to", TS)]

RAW_TABLES: dict[str, list[tuple[str, str]]] = {
    "raw_crm.user": [
        ("id", "varchar"),
        ("name", "varchar"),
        ("email", "varchar"),
        ("title", "varchar"),
        ("user_role_id", "varchar"),
        ("manager_id", "varchar"),
        ("is_active", "boolean"),
        ("created_date", TS),
        ("system_modstamp", TS),
        *DLT,
        *SCD2,
    ],
    "raw_crm.user_role": [
        ("id", "varchar"),
        ("name", "varchar"),
        ("parent_role_id", "varchar"),
        ("system_modstamp", TS),
        *DLT,
    ],
    "raw_crm.account": [
        ("id", "varchar"),
        ("name", "varchar"),
        ("industry", "varchar"),
        ("billing_country", "varchar"),
        ("owner_id", "varchar"),
        ("created_date", TS),
        ("is_deleted", "boolean"),
        ("system_modstamp", TS),
        *DLT,
    ],
    "raw_crm.product2": [
        ("id", "varchar"),
        ("name", "varchar"),
        ("family", "varchar"),
        ("is_active", "boolean"),
        ("system_modstamp", TS),
        *DLT,
    ],
    "raw_crm.opportunity": [
        ("id", "varchar"),
        ("name", "varchar"),
        ("account_id", "varchar"),
        ("owner_id", "varchar"),
        ("amount", "decimal(18,2)"),
        ("currency_iso_code", "varchar"),
        ("stage_name", "varchar"),
        ("probability", "decimal(9,4)"),
        ("forecast_category_name", "varchar"),
        ("close_date", "date"),
        ("created_date", TS),
        ("is_closed", "boolean"),
        ("is_won", "boolean"),
        ("type", "varchar"),
        ("lead_source", "varchar"),
        ("is_deleted", "boolean"),
        ("last_modified_date", TS),
        ("next_step", "varchar"),
        ("system_modstamp", TS),
        *DLT,
        *SCD2,
    ],
    "raw_crm.opportunity_history": [
        ("id", "varchar"),
        ("opportunity_id", "varchar"),
        ("stage_name", "varchar"),
        ("amount", "decimal(18,2)"),
        ("close_date", "date"),
        ("probability", "decimal(9,4)"),
        ("forecast_category", "varchar"),
        ("created_date", TS),
        ("is_deleted", "boolean"),
        ("system_modstamp", TS),
        *DLT,
    ],
    "raw_crm.opportunity_line_item": [
        ("id", "varchar"),
        ("opportunity_id", "varchar"),
        ("product2_id", "varchar"),
        ("quantity", "decimal(18,2)"),
        ("unit_price", "decimal(18,2)"),
        ("total_price", "decimal(18,2)"),
        ("is_deleted", "boolean"),
        ("system_modstamp", TS),
        *DLT,
    ],
    "raw_crm.opportunity_split": [
        ("id", "varchar"),
        ("opportunity_id", "varchar"),
        ("split_owner_id", "varchar"),
        ("split_percentage", "decimal(9,4)"),
        ("split_type_id", "varchar"),
        ("is_deleted", "boolean"),
        ("system_modstamp", TS),
        *DLT,
    ],
    "raw_crm.opportunity_split_type": [
        ("id", "varchar"),
        ("developer_name", "varchar"),
        ("master_label", "varchar"),
        ("is_total_validated", "boolean"),
        ("is_active", "boolean"),
        ("system_modstamp", TS),
        *DLT,
    ],
    "raw_crm.opportunity_stage": [
        ("id", "varchar"),
        ("master_label", "varchar"),
        ("api_name", "varchar"),
        ("is_active", "boolean"),
        ("sort_order", "bigint"),
        ("is_closed", "boolean"),
        ("is_won", "boolean"),
        ("default_probability", "decimal(9,4)"),
        ("forecast_category_name", "varchar"),
        ("system_modstamp", TS),
        *DLT,
    ],
    "raw_sales_analytics.activities": [
        ("id", "varchar"),
        ("type", "varchar"),
        ("user_id", "varchar"),
        ("opportunity_id", "varchar"),
        ("account_id", "varchar"),
        ("timestamp", TS),
        ("duration_seconds", "bigint"),
        ("direction", "varchar"),
        ("outcome", "varchar"),
        ("source_file", "varchar"),
        *DLT,
    ],
    "raw_revenue_intelligence.forecast_submissions": [
        ("submission_id", "varchar"),
        ("submitter_id", "varchar"),
        ("submitter_role", "varchar"),
        ("fiscal_period", "varchar"),
        ("forecast_category", "varchar"),
        ("amount", "decimal(18,2)"),
        ("currency", "varchar"),
        ("submitted_at", TS),
        *DLT,
    ],
    "raw_compensation.quotas": [
        ("email", "varchar"),
        ("name", "varchar"),
        ("fiscal_year", "bigint"),
        ("month", "date"),
        ("quota_amount", "decimal(18,2)"),
        ("source_file", "varchar"),
        ("source_row", "bigint"),
        ("source_column", "varchar"),
        *DLT,
        *SCD2,
    ],
    "raw_compensation.assignments": [
        ("email", "varchar"),
        ("user_id", "varchar"),
        ("team_role_id", "varchar"),
        ("role", "varchar"),
        ("effective_from", "date"),
        ("effective_to", "date"),
        ("hire_date", "date"),
        ("termination_date", "date"),
        *DLT,
    ],
    "raw_compensation.comp_plans": [
        ("plan_id", "varchar"),
        ("email", "varchar"),
        ("user_id", "varchar"),
        ("fiscal_year", "bigint"),
        ("effective_from", "date"),
        ("effective_to", "date"),
        ("currency", "varchar"),
        ("base_salary", "decimal(18,2)"),
        ("target_variable", "decimal(18,2)"),
        ("ote", "decimal(18,2)"),
        ("annual_quota", "decimal(18,2)"),
        *DLT,
    ],
    "raw_compensation.comp_plan_tiers": [
        ("plan_id", "varchar"),
        ("tier", "bigint"),
        ("attainment_from", "decimal(9,4)"),
        ("attainment_to", "decimal(9,4)"),
        ("commission_rate", "decimal(9,4)"),
        *DLT,
    ],
    "raw_compensation.payouts": [
        ("payout_id", "varchar"),
        ("email", "varchar"),
        ("user_id", "varchar"),
        ("plan_id", "varchar"),
        ("pay_month", "varchar"),
        ("currency", "varchar"),
        ("commission_amount", "decimal(18,2)"),
        *DLT,
    ],
    "raw_finance.fx_rates": [
        ("date", "date"),
        ("currency", "varchar"),
        ("rate", "decimal(18,8)"),
        *DLT,
    ],
    # cells of a mapped CRM CSV export that could not be read (ingestion/sources/crm_export)
    "raw_crm.crm_export_rejects": [
        ("file_name", "varchar"),
        ("file_row", "bigint"),
        ("field_name", "varchar"),
        ("cell_value", "varchar"),
        ("reason", "varchar"),
        ("deal_id", "varchar"),
        *DLT,
    ],
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every raw schema and table of the contract, empty."""
    for qualified, columns in RAW_TABLES.items():
        schema, table = qualified.split(".")
        con.execute(f"create schema if not exists {schema}")
        cols = ", ".join(f"{_quote(name)} {sql_type}" for name, sql_type in columns)
        con.execute(f"create or replace table {schema}.{_quote(table)} ({cols})")


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    qualified: str,
    rows: Iterable[Mapping[str, Any]],
    load_id: str = "1700000000.000001",
) -> int:
    """Insert rows given as {column: value}; missing columns are null, dlt ids are filled in.

    An unknown column is an error naming the table, so a fixture cannot drift from the contract.
    """
    columns = [name for name, _ in RAW_TABLES[qualified]]
    schema, table = qualified.split(".")
    count = 0
    for index, row in enumerate(rows):
        unknown = set(row) - set(columns)
        if unknown:
            raise KeyError(f"{qualified}: row {index} has columns not in the contract: {unknown}")
        values: dict[str, Any] = {"_dlt_load_id": load_id, "_dlt_id": f"{table}-{index:06d}"}
        values.update(row)
        names: Sequence[str] = [c for c in columns if c in values]
        placeholders = ", ".join("?" for _ in names)
        con.execute(
            f"insert into {schema}.{_quote(table)} ({', '.join(_quote(n) for n in names)}) "
            f"values ({placeholders})",
            [values[n] for n in names],
        )
        count += 1
    return count
