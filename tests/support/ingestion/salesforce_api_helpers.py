"""Helpers of the Salesforce API tests: a config pointing at a replica, raw-table readers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from ingestion.sources.salesforce_api import SalesforceConfig
from replicas.salesforce import SalesforceReplica
from replicas.server import ReplicaServer

SCD2_TABLES = {"user", "opportunity"}


def replica_config(
    server: ReplicaServer, replica: SalesforceReplica, **changes: Any
) -> SalesforceConfig:
    """Settings of a real org, pointing at the replica (client-credentials flow)."""
    values: dict[str, Any] = {
        "instance_url": server.url,
        "token_url": f"{server.url}/services/oauth2/token",
        "client_id": replica.client_id,
        "client_secret": replica.client_secret,
    }
    values.update(changes)
    return SalesforceConfig(**values)


def raw_tables(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse / "work.duckdb"), read_only=True) as con:
        rows = con.sql(
            "select table_name from information_schema.tables where table_schema = 'raw_crm'"
            " and table_name not like '\\_dlt%' escape '\\' order by 1"
        ).fetchall()
    return [name for (name,) in rows]


def table_shape(warehouse: Path, table: str) -> list[tuple[str, str]]:
    """Column names and DuckDB types of a raw table, in order."""
    with duckdb.connect(str(warehouse / "work.duckdb"), read_only=True) as con:
        return [(c[0], c[1]) for c in con.sql(f'describe raw_crm."{table}"').fetchall()]


def compared_columns(warehouse: Path, table: str) -> list[str]:
    """Every column but dlt's load bookkeeping; scd2 tables keep `_dlt_id` (the row version)."""
    names = [name for name, _ in table_shape(warehouse, table)]
    keep = [n for n in names if not n.startswith("_dlt")]
    if table in SCD2_TABLES:
        keep.append("_dlt_id")
    return keep


def rows_only_in(left: Path, right: Path, table: str) -> tuple[int, int]:
    """(rows of `left` not in `right`, rows of `right` not in `left`), as multisets."""
    columns = ", ".join(f'"{c}"' for c in compared_columns(left, table))
    with duckdb.connect(":memory:") as con:
        con.sql(f"attach '{left / 'work.duckdb'}' as l (read_only)")
        con.sql(f"attach '{right / 'work.duckdb'}' as r (read_only)")
        only_left = con.sql(
            f'select count(*) from (select {columns} from l.raw_crm."{table}" except all '
            f'select {columns} from r.raw_crm."{table}")'
        ).fetchone()[0]
        only_right = con.sql(
            f'select count(*) from (select {columns} from r.raw_crm."{table}" except all '
            f'select {columns} from l.raw_crm."{table}")'
        ).fetchone()[0]
    return only_left, only_right


def query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse / "work.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()
