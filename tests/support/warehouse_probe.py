"""Read-only helpers the end-to-end tests use to compare warehouses."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from orchestration.settings import PUBLISHED_DB_NAME, RESTRICTED_DB_NAME


def table_counts(db: Path, schema_prefixes: tuple[str, ...]) -> dict[str, int]:
    """Row counts of every table whose schema starts with one of the prefixes (no dlt tables)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' order by 1, 2"
        ).fetchall()
        counts = {}
        for schema, table in tables:
            if not schema.startswith(schema_prefixes) or table.startswith("_dlt"):
                continue
            counts[f"{schema}.{table}"] = con.execute(
                f'select count(*) from "{schema}"."{table}"'
            ).fetchone()[0]
        return counts
    finally:
        con.close()


def _digest(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> str:
    """An order-independent digest of a table's contents: each row's text (DuckDB's cast of
    the row to text names every column and value) hashed, the hashes sorted and hashed again,
    in DuckDB (reading the rows into Python took seconds a warehouse)."""
    count, digest = con.execute(
        "select count(*), md5(string_agg(row_hash, ',' order by row_hash))"
        f' from (select md5(cast(t as varchar)) as row_hash from "{schema}"."{table}" as t)'
    ).fetchone()
    return f"{count}:{digest}"


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# the run's own records: run reports grow per run, publication names the run and its time
RUN_RECORDS = ("marts.run_reports", "marts.run_report_checks", "marts.publication")


def published_digests(warehouse_dir: Path) -> dict[str, str]:
    """A digest of every published table of both files, but the run's own records."""
    digests = {}
    for name, label in ((PUBLISHED_DB_NAME, "public"), (RESTRICTED_DB_NAME, "restricted")):
        db = warehouse_dir / name
        tables = table_counts(db, ("marts", "quarantine", "marts_restricted"))
        con = duckdb.connect(str(db), read_only=True)
        try:
            for table in tables:
                if table not in RUN_RECORDS:
                    digests[f"{label}:{table}"] = _digest(con, *table.split("."))
        finally:
            con.close()
    assert any(k.startswith("restricted:marts_restricted.") for k in digests), warehouse_dir
    return digests


def set_aside_shares(db: Path, node_column: str) -> dict[str, int]:
    """Deals held in `quarantine.opportunities` per team (`node_column` `team_id`) or region
    (`region_id`) of their owner's current `dim_rep` version, recomputed apart from
    `marts.deals_set_aside_by_team`: whole deals only, an owner nobody knows in no share."""
    if node_column not in ("team_id", "region_id"):
        raise ValueError(f"no set-aside share by {node_column!r}")
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(
            con.execute(
                f"select r.{node_column}, count(distinct q.opportunity_id)"
                " from quarantine.opportunities q"
                " join marts.dim_rep r on q.owner_id = r.rep_id and r.is_current"
                f" where q.split_id is null group by r.{node_column}"
            ).fetchall()
        )
    finally:
        con.close()
