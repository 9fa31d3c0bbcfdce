"""dbt's `catalog.json` of the work warehouse, read straight from DuckDB.

dbt's documentation site shows each model's and source's columns with their types from the
catalog, which `dbt docs generate` builds by starting dbt, parsing the project again and asking
the warehouse. The publish step already holds the run's manifest and the warehouse, so it reads
the same rows here, with the query dbt-duckdb's catalog macro runs (`duckdb__get_catalog`:
`duckdb_tables()`, `duckdb_views()`, `duckdb_columns()`), and keys them to the manifest's nodes
as dbt does (database, schema and relation name, case-insensitive): the same catalog, without a
second dbt process (3 to 5 s of every run). A test compares it with dbt's own.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb

CATALOG_SCHEMA = "https://schemas.getdbt.com/dbt/catalog/v1.json"

_CATALOG_SQL = """
with

tables as (
    select database_name, schema_name, table_name, 'BASE TABLE' as table_type, comment
    from duckdb_tables()
    where database_name = current_database()
    union all
    select database_name, schema_name, view_name, 'VIEW', comment
    from duckdb_views()
    where database_name = current_database() and not internal
)

select
    tables.database_name,
    tables.schema_name,
    tables.table_name,
    tables.table_type,
    tables.comment,
    columns.column_name,
    columns.column_index,
    columns.data_type,
    columns.comment
from tables
inner join duckdb_columns() as columns
    on
        tables.database_name = columns.database_name
        and tables.schema_name = columns.schema_name
        and tables.table_name = columns.table_name
order by tables.schema_name, tables.table_name, columns.column_index
"""

_NO_STATS = {
    "has_stats": {
        "id": "has_stats",
        "label": "Has Stats?",
        "value": False,
        "include": False,
        "description": "Indicates whether there are statistics for this table",
    }
}


def _relations(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Every table and view of the file: (database, schema, name) lower case -> catalog entry."""
    relations: dict[tuple[str, str, str], dict[str, Any]] = {}
    for (
        database,
        schema,
        name,
        kind,
        comment,
        column,
        index,
        data_type,
        column_comment,
    ) in con.execute(_CATALOG_SQL).fetchall():
        key = (database.lower(), schema.lower(), name.lower())
        entry = relations.setdefault(
            key,
            {
                "metadata": {
                    "type": kind,
                    "schema": schema,
                    "name": name,
                    "database": database,
                    "comment": comment,
                    "owner": None,
                },
                "columns": {},
                "stats": _NO_STATS,
            },
        )
        entry["columns"][column] = {
            "type": data_type,
            "index": index,
            "name": column,
            "comment": column_comment,
        }
    return relations


def _entries(
    nodes: Mapping[str, Mapping[str, Any]],
    relations: Mapping[tuple[str, str, str], dict[str, Any]],
    name_field: str,
) -> dict[str, dict[str, Any]]:
    entries = {}
    for unique_id, node in nodes.items():
        name = node.get(name_field) or node.get("name")
        key = (
            str(node.get("database")).lower(),
            str(node.get("schema")).lower(),
            str(name).lower(),
        )
        if key in relations:
            entries[unique_id] = {**relations[key], "unique_id": unique_id}
    return entries


def work_catalog(
    work_db: Path, manifest: Mapping[str, Any], duckdb_config: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The catalog of `manifest`'s models, seeds, snapshots and sources in `work_db`."""
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con = duckdb.connect(str(work_db), read_only=True, config=dict(duckdb_config or {}))
    try:
        relations = _relations(con)
    finally:
        con.close()
    relational = {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in {"model", "seed", "snapshot"}
        and node.get("config", {}).get("materialized") != "ephemeral"
    }
    return {
        "metadata": {
            "dbt_schema_version": CATALOG_SCHEMA,
            "dbt_version": manifest["metadata"]["dbt_version"],
            "generated_at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat() + "Z",
            "invocation_id": str(uuid.uuid4()),
            "invocation_started_at": started.isoformat() + "Z",
            "env": {},
        },
        "nodes": _entries(relational, relations, "alias"),
        "sources": _entries(manifest["sources"], relations, "identifier"),
        "errors": None,
    }
