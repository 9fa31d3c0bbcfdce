"""Runs the dbt project on Apache Spark (the `spark` target, method session) from a DuckDB work
warehouse: the raw tables are written as Parquet and registered in the Spark metastore under
their source schema names, then dbt builds as on DuckDB.

The Spark metastore is embedded Derby, which one process may open at a time: every step here
is a dbt process of its own (registration is the `spark_register_raw_tables` operation), never
a Spark session in the test process.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import duckdb

from tests.support.dbt.dbt_helpers import DBT, dbt_arguments, dbt_environment


def export_raw_tables(work_db: Path, root: Path) -> dict[str, list[str]]:
    """Every raw_* table of `work_db` as `<root>/<schema>/<table>/part-0.parquet`; returns the
    table names per schema."""
    tables: dict[str, list[str]] = {}
    with duckdb.connect(str(work_db), read_only=True) as con:
        rows = con.sql(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema like 'raw!_%' escape '!'"
            " and table_schema not like '%!_staging' escape '!'"  # dlt's merge staging
            " and table_type = 'BASE TABLE' order by 1, 2"
        ).fetchall()
        for schema, table in rows:
            folder = root / schema / table
            folder.mkdir(parents=True, exist_ok=True)
            target = str(folder / "part-0.parquet").replace("'", "''")
            con.execute(
                f'copy (select * from "{schema}"."{table}") to \'{target}\' (format parquet)'
            )
            tables.setdefault(schema, []).append(table)
    return tables


def run_dbt_spark(
    args: list[str], spark_dir: Path, target_dir: Path, dbt_vars: dict | None = None
) -> subprocess.CompletedProcess[str]:
    """`dbt <args> --target spark` with the metastore and lake in `spark_dir`."""
    return subprocess.run(
        [
            str(DBT if DBT.exists() else "dbt"),
            *dbt_arguments(args, target_dir, dbt_vars, target="spark"),
        ],
        env=dbt_environment(SPM_SPARK_DIR=str(spark_dir)),
        capture_output=True,
        text=True,
        check=False,
        cwd=str(target_dir),
    )


def register_raw_tables(
    tables: dict[str, list[str]], root: Path, spark_dir: Path, target_dir: Path
) -> subprocess.CompletedProcess[str]:
    """Registers the exported Parquet folders as the raw source tables in Spark's metastore."""
    args = json.dumps({"root": str(root), "tables": tables})
    return run_dbt_spark(
        ["run-operation", "spark_register_raw_tables", "--args", args], spark_dir, target_dir
    )


MART_SCHEMAS = ("marts", "marts_restricted", "quarantine")


def spark_table_files(spark_dir: Path, schema: str, table: str) -> Path:
    """The Parquet folder of a managed Spark table (`<warehouse>/<schema>.db/<table>`)."""
    return spark_dir / "spark-warehouse" / f"{schema}.db" / table


def compare_marts(work_db: Path, spark_dir: Path, float_digits: int = 9) -> dict[str, dict]:
    """Every table of the mart schemas of the DuckDB build against the same table written by
    Spark (its Parquet files, read by DuckDB: no Spark process needed). Doubles compare
    rounded to `float_digits` decimals (the engines sum in different orders); every other
    column, money included, compares exactly. Returns per `schema.table` the row counts and
    the rows only one side has (EXCEPT ALL both ways), or `missing` when Spark has no table.
    """
    out: dict[str, dict] = {}
    with duckdb.connect(str(work_db), read_only=True) as con:
        tables = con.sql(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema in ('marts', 'marts_restricted', 'quarantine')"
            " and table_type = 'BASE TABLE' order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            key = f"{schema}.{table}"
            folder = spark_table_files(spark_dir, schema, table)
            if not any(folder.glob("*.parquet")):
                out[key] = {"missing": True}
                continue
            columns = con.sql(
                "select column_name, data_type from information_schema.columns"
                f" where table_schema = '{schema}' and table_name = '{table}'"
                " order by ordinal_position"
            ).fetchall()
            select = ", ".join(
                f'round("{name}", {float_digits}) as "{name}"'
                if kind in ("DOUBLE", "FLOAT")
                else f'"{name}"'
                for name, kind in columns
            )
            pattern = str(folder / "*.parquet").replace("'", "''")
            duck = f'select {select} from "{schema}"."{table}"'
            spark = f"select {select} from read_parquet('{pattern}')"
            out[key] = {
                "duckdb_rows": con.sql(f"select count(*) from ({duck})").fetchone()[0],
                "spark_rows": con.sql(f"select count(*) from ({spark})").fetchone()[0],
                "only_duckdb": con.sql(f"{duck} except all {spark}").fetchall(),
                "only_spark": con.sql(f"{spark} except all {duck}").fetchall(),
            }
    return out
