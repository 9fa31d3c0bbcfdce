"""Tables the publish step writes itself (not dbt models), created with a description on the
table and on every column, as dbt's docs give the marts: BI tools show them beside the data."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from orchestration.sql_literals import sql_string

# name, DuckDB type (with `not null` where it holds), description
Column = tuple[str, str, str]


def create_described_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[Column],
    description: str,
    key: Sequence[str],
) -> None:
    """Create `table` (`schema.name`, its schema made if missing) with `columns`, primary key
    `key`, and their descriptions as comments."""
    con.execute(f"create schema if not exists {table.split('.')[0]}")
    definitions = ", ".join(f"{name} {kind}" for name, kind, _ in columns)
    con.execute(f"create table {table} ({definitions}, primary key ({', '.join(key)}))")
    con.execute(f"comment on table {table} is {sql_string(description)}")
    for name, _, text in columns:
        con.execute(f"comment on column {table}.{name} is {sql_string(text)}")
