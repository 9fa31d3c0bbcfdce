"""The raw tables mirrored to the lake as Parquet, where the Spark engine reads them.

dlt loads every system into the work warehouse whatever the engine: the CRM's `user` and
`opportunity` and the quotas are scd2 tables and most others merge, and dlt's `filesystem`
destination keeps neither on plain Parquet (it merges only Delta or Iceberg tables, which
Spark cannot read here without jars fetched at run time, and it has no scd2 at all). So the
raw tables keep exactly today's semantics in the work warehouse, and after the loads each one
is written to the lake as `<lake>/<raw_schema>/<table>/part-0.parquet`, the layout
`spark_register_raw_tables` (dbt_project/macros/engines/spark_raw_tables.sql) registers.

The lake is a local folder or any URL fsspec opens (`s3://...` with s3fs installed). A table
is written under a hidden name first (Spark skips files that start with `.`) and then moved
over the old one, so a reader never sees half a table; the DuckDB rows stream through Arrow
in batches, so a table larger than memory mirrors in bounded memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb
import fsspec
import pyarrow.parquet as pq

from ingestion.raw_tables import quoted_name

PART_NAME = "part-0.parquet"
BATCH_ROWS = 100_000


def loaded_raw_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The raw tables dlt loaded into a work warehouse, by schema (`raw_<system>`), without
    dlt's merge staging schemas (`raw_<system>_staging`) and views. Not the landing contract's
    list (`ingestion.raw_tables`): HubSpot's tables and columns added by a schema change are
    mirrored too."""
    rows = con.sql(
        "select table_schema, table_name from information_schema.tables"
        " where table_schema like 'raw!_%' escape '!'"
        " and table_schema not like '%!_staging' escape '!'"
        " and table_type = 'BASE TABLE' order by 1, 2"
    ).fetchall()
    tables: dict[str, list[str]] = {}
    for schema, table in rows:
        tables.setdefault(schema, []).append(table)
    return tables


def mirror_raw_tables(
    work_db: Path, lake: str, duckdb_config: Mapping[str, str] | None = None
) -> dict[str, list[str]]:
    """Write every raw table of `work_db` to `lake` as Parquet (replacing what was there);
    returns the tables written, by schema."""
    fs, root = fsspec.core.url_to_fs(lake)
    with duckdb.connect(str(work_db), read_only=True, config=dict(duckdb_config or {})) as con:
        con.execute("set TimeZone = 'UTC'")
        tables = loaded_raw_tables(con)
        for schema, names in tables.items():
            for name in names:
                _write_table(con, fs, f"{root}/{schema}/{name}", schema, name)
    return tables


def _write_table(
    con: duckdb.DuckDBPyConnection,
    fs: fsspec.AbstractFileSystem,
    folder: str,
    schema: str,
    name: str,
) -> None:
    fs.makedirs(folder, exist_ok=True)
    partial = f"{folder}/.{PART_NAME}.partial"
    query = f"select * from {quoted_name(schema)}.{quoted_name(name)}"
    reader = con.execute(query).fetch_record_batch(BATCH_ROWS)
    with fs.open(partial, "wb") as out, pq.ParquetWriter(out, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
    for old in fs.ls(folder, detail=False):
        if old.rsplit("/", 1)[-1] not in {PART_NAME, f".{PART_NAME}.partial"}:
            fs.rm(old)  # a file of another writer (Spark's part files) would be read too
    fs.mv(partial, f"{folder}/{PART_NAME}")
