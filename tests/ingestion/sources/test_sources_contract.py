"""The raw tables dlt creates are exactly the ones of the landing contract.

The dbt tests build their fixtures from `tests/support/dbt/dbt_raw_tables.py` (the contract as DDL);
comparing what dlt really creates with it keeps ingestion, contract and staging in step.
"""

from __future__ import annotations

from pathlib import Path

from ingestion.pipeline import SYSTEMS, make_source

ROOT = Path(__file__).resolve().parents[3]


def _contract_tables() -> dict[str, list[tuple[str, str]]]:
    from tests.support.dbt.dbt_raw_tables import RAW_TABLES

    return RAW_TABLES


def _normal(sql_type: str) -> str:
    return {"varchar": "VARCHAR", "timestamp with time zone": "TIMESTAMP WITH TIME ZONE"}.get(
        sql_type.lower(), sql_type.upper()
    )


def test_every_raw_table_has_the_contract_columns_and_types(loaded_template):
    raw = loaded_template.raw
    loaded = {}
    for schema, table, column, data_type in raw.query(
        "select table_schema, table_name, column_name, data_type from information_schema.columns"
        " where table_schema like 'raw\\_%' escape '\\' and table_schema not like '%\\_staging'"
        " escape '\\' and table_name not like '\\_dlt%' escape '\\'"
        " order by table_schema, table_name, ordinal_position"
    ):
        loaded.setdefault(f"{schema}.{table}", {})[column] = data_type

    expected = {
        table: {name: _normal(sql_type) for name, sql_type in columns}
        for table, columns in _contract_tables().items()
    }
    assert loaded == expected


def test_resources_are_named_after_their_raw_tables():
    tables = {
        f"raw_{system}.{name}"
        for system in SYSTEMS
        for name in make_source(system, Path("/nonexistent")).resources
    }
    assert tables == set(_contract_tables())
