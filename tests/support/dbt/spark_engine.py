"""Compares what two runs of the pipeline published (the DuckDB engine's and the Spark
engine's), table by table and row by row."""

from __future__ import annotations

from pathlib import Path

import duckdb

FLOAT_TYPES = ("DOUBLE", "FLOAT")


def compare_published(
    duckdb_file: Path, spark_file: Path, tables: list[tuple[str, str]], tolerance: float = 1e-9
) -> dict[str, dict]:
    """Each `(schema, table)` of the DuckDB engine's published file against the same table of
    the Spark engine's. Every column but the doubles, money among them, must be equal; rows
    equal in those are paired (in the order of their doubles), and each double must be within
    `tolerance` of its pair, relative to its size when above 1 (the engines sum in different
    orders). Returns per `schema.table` the row counts and the rows only one side has, or
    `missing` when one file lacks the table."""
    out: dict[str, dict] = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{duckdb_file}' as duck (read_only)")
        con.execute(f"attach '{spark_file}' as spark (read_only)")
        present = set(
            con.sql(
                "select table_catalog, table_schema, table_name from information_schema.tables"
            ).fetchall()
        )
        for schema, table in tables:
            key = f"{schema}.{table}"
            if {("duck", schema, table), ("spark", schema, table)} - present:
                out[key] = {"missing": True}
                continue
            columns = con.sql(
                "select column_name, data_type from information_schema.columns"
                f" where table_catalog = 'duck' and table_schema = '{schema}'"
                f" and table_name = '{table}' order by ordinal_position"
            ).fetchall()
            out[key] = _compare_table(con, f'"{schema}"."{table}"', columns, tolerance)
    return out


def _compare_table(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]], tolerance: float
) -> dict:
    exact = [f'"{name}"' for name, kind in columns if kind not in FLOAT_TYPES]
    floats = [f'"{name}"' for name, kind in columns if kind in FLOAT_TYPES]
    partition = f"partition by {', '.join(exact)}" if exact else ""
    order = f"order by {', '.join(floats)}" if floats else ""
    numbered = f"*, row_number() over ({partition} {order}) as row_in_key"
    paired = " and ".join(
        [f"d.{c} is not distinct from s.{c}" for c in exact] + ["d.row_in_key = s.row_in_key"]
    )
    differs = " or ".join(
        ["d.row_in_key is null", "s.row_in_key is null"]
        + [
            f"(d.{c} is null) != (s.{c} is null)"
            f" or abs(d.{c} - s.{c}) > {tolerance} * greatest(1, abs(d.{c}))"
            for c in floats
        ]
    )
    mismatched = con.sql(
        f"with d as (select {numbered} from duck.{table}),"
        f" s as (select {numbered} from spark.{table})"
        f" select d.row_in_key is not null as in_duckdb, s.row_in_key is not null as in_spark,"
        f" d.*, s.* from d full outer join s on {paired} where {differs}"
    ).fetchall()
    return {
        "duckdb_rows": con.sql(f"select count(*) from duck.{table}").fetchone()[0],
        "spark_rows": con.sql(f"select count(*) from spark.{table}").fetchone()[0],
        "only_duckdb": [row[2 : 2 + len(columns)] for row in mismatched if row[0]],
        "only_spark": [row[-len(columns) - 1 : -1] for row in mismatched if row[1]],
    }
