"""Reading the work warehouse: a read-only DuckDB connection and what tables it holds.

Checks never write, so they open the file read-only (DuckDB allows several read-only
connections but none while a writer holds the file: the orchestration runs checks between
writes). The session time zone is UTC so that a `timestamp with time zone` cast to a date
gives the UTC day the landing contract speaks of, whatever the machine's zone.

A large company's checks read tables of millions of rows, so the connection takes the run's
memory limit and spills beyond it (`QualityConfig.duckdb_memory_limit`, `duckdb_spill_dir`)
rather than growing until the machine kills the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb


def connect(
    work_db: Path, memory_limit: str | None = None, spill_dir: Path | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the work warehouse, in UTC, within `memory_limit`.

    `spill_dir` is made owner-only; the process spills into a folder of its own inside it
    (DuckDB names its spill files alike, so two processes must not share one folder), which
    DuckDB creates when it first spills and removes when the last connection closes. The
    connections of one process to one file share one DuckDB instance, so they get the same
    folder: DuckDB refuses a second connection to a file with other settings.
    """
    if not Path(work_db).is_file():
        raise FileNotFoundError(f"work warehouse {work_db} does not exist")
    config: dict[str, str] = {}
    if memory_limit:
        config["memory_limit"] = memory_limit
    if spill_dir is not None:
        spill_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        spill_dir.chmod(0o700)
        config["temp_directory"] = str(spill_dir / f"checks-{os.getpid()}")
    con = duckdb.connect(str(work_db), read_only=True, config=config)
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
