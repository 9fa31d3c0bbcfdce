"""Reading the work warehouse: a read-only DuckDB connection and what tables it holds.

Checks never write, so they open the file read-only (DuckDB allows several read-only
connections but none while a writer holds the file: the orchestration runs checks between
writes). The session time zone is UTC so that a `timestamp with time zone` cast to a date
gives the UTC day the landing contract speaks of, whatever the machine's zone.

A large company's checks read tables of millions of rows, so the connection takes the run's
memory limit and spills beyond it (`QualityConfig.duckdb_config`, made by the orchestration's
`Settings.reader_duckdb_config`) rather than growing until the machine kills the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb


def connect(
    work_db: Path, duckdb_config: Mapping[str, str] | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the work warehouse, in UTC, with `duckdb_config` (memory
    limit, spill folder). The connections of one process to one file share one DuckDB
    instance, so they must share its settings: DuckDB refuses a second connection to a file
    with other settings.
    """
    if not Path(work_db).is_file():
        raise FileNotFoundError(f"work warehouse {work_db} does not exist")
    con = duckdb.connect(str(work_db), read_only=True, config=dict(duckdb_config or {}))
    con.execute("set TimeZone = 'UTC'")
    return con


def existing_columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """`{schema.table: {columns}}` of every table and view in the warehouse file."""
    rows = con.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where database_name = current_database()"
    ).fetchall()
    columns: dict[str, set[str]] = {}
    for schema, table, column in rows:
        columns.setdefault(f"{schema}.{table}", set()).add(column)
    return columns


def existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return set(existing_columns(con))
