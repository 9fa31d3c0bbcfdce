"""The dbt build on Apache Spark (`SPM_ENGINE=spark`), and its tables back in the work warehouse.

With the Spark engine the dbt asset does four steps instead of one `dbt build`:

1. mirror the raw tables to the lake as Parquet (`ingestion.lake`), which dlt loaded into the
   work warehouse as on DuckDB (merge and scd2 kept);
2. register them in Spark's metastore as the dbt sources (`spark_register_raw_tables`);
3. `dbt build --target spark`: every model and data test on Spark, streamed to Dagster like
   the DuckDB build (materialisations, asset checks);
4. copy what Spark built into the work warehouse: `dbt build --empty --full-refresh` on
   DuckDB first creates every table and view with the DuckDB build's own types and contracts
   (no rows: dbt's `--empty` reads no source row), then each table gets Spark's rows from its
   Parquet files. The contracts' `not null` and primary keys hold on the way in.

After step 4 the work warehouse holds the same relations a DuckDB build leaves, so the
Great Expectations checks, the publish step (DuckDB and PostgreSQL), the pages and the digests
run unchanged, and readers see no difference. Staging models are views: DuckDB's views over
the same raw tables, built by the same SQL.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import yaml

from ingestion.raw_tables import quoted_name
from orchestration.dbt_manifest import dbt_command
from orchestration.settings import DBT_PROJECT_DIR, Settings

TABLE_MATERIALIZATIONS = {"table", "incremental", "seed"}
# what the Spark engine adds to `dbt build`: every run rebuilds in full, since a Parquet table
# cannot delete the rows an incremental model replaces (Delta could), and a full build of the
# same inputs gives the same rows
SPARK_BUILD_ARGUMENTS = ("--target", "spark", "--full-refresh")


class SparkBuildError(RuntimeError):
    """A dbt step of the Spark engine failed; the message ends with dbt's own output."""


def spark_method() -> str:
    """How the `spark` target of profiles.yml reaches Spark: `session` (a local Spark in the
    dbt process, as shipped) or a cluster's (`thrift`, `http`, `odbc`)."""
    profiles = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())
    return str(profiles["spm"]["outputs"]["spark"].get("method", "session"))


def require_java(environ: Mapping[str, str] = os.environ) -> None:
    """A local Spark starts a JVM: say so plainly before any step when there is none (PySpark's
    own words are "Java gateway process exited before sending its port number"). A cluster
    needs no Java here."""
    if spark_method() != "session":
        return
    home = environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return
    if shutil.which("java", path=environ.get("PATH")):
        return
    raise SparkBuildError(
        "SPM_ENGINE=spark needs Java 17 for the local Spark dbt-spark starts: no `java` on PATH"
        " and JAVA_HOME is not set. Install it (Debian: apt-get install openjdk-17-jre-headless)"
        " or run with SPM_ENGINE=duckdb."
    )


def spark_table_folder(spark_dir: Path, schema: str, table: str) -> Path:
    """The Parquet folder of a table Spark built (`spark-warehouse/<schema>.db/<table>`)."""
    return spark_dir / "spark-warehouse" / f"{schema}.db" / table


def dbt_step(settings: Settings, args: list[str], target_dir: Path, what: str) -> None:
    """One dbt command of the Spark engine's steps, in the run's target folder; raises
    `SparkBuildError` with the end of dbt's output when it fails."""
    command, env = dbt_command(settings, args, target_dir)
    done = subprocess.run(
        command,
        env=env,
        cwd=str(settings.warehouse_dir),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        output = (done.stdout + done.stderr)[-4000:]
        raise SparkBuildError(f"{what} failed (dbt {' '.join(args[:2])}):\n{output}")


def register_raw_tables(
    settings: Settings, tables: Mapping[str, list[str]], target_dir: Path
) -> None:
    """The lake's raw tables as Spark external tables named like the dbt sources."""
    arguments = json.dumps({"root": settings.lake, "tables": dict(tables)})
    dbt_step(
        settings,
        ["run-operation", "spark_register_raw_tables", "--target", "spark", "--args", arguments],
        target_dir,
        "registering the lake's raw tables in Spark",
    )


def create_empty_duckdb_relations(settings: Settings, target_dir: Path) -> None:
    """Every model and seed in the work warehouse with the DuckDB build's types, no rows."""
    dbt_step(
        settings,
        ["build", "--empty", "--full-refresh", "--exclude-resource-type", "test", "unit_test"],
        target_dir,
        "creating the DuckDB tables for Spark's rows",
    )


def built_tables(manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(schema, table) of every enabled model and seed that dbt materialises as a table."""
    tables = []
    for node in manifest["nodes"].values():
        if node["resource_type"] not in {"model", "seed"}:
            continue
        config = node.get("config", {})
        materialized = "seed" if node["resource_type"] == "seed" else config.get("materialized")
        if config.get("enabled", True) and materialized in TABLE_MATERIALIZATIONS:
            tables.append((node["schema"], node.get("alias") or node["name"]))
    return sorted(tables)


def copy_spark_tables(settings: Settings, tables: list[tuple[str, str]]) -> dict[str, int]:
    """Replace the rows of each table of the work warehouse with what Spark built; returns
    the rows copied per `schema.table`. A table Spark did not build, or rows its DuckDB table
    refuses (a contract's `not null` or primary key), stop the copy and leave every table as it
    was: never a table with another run's rows."""
    copied: dict[str, int] = {}
    with duckdb.connect(str(settings.work_db), config=settings.duckdb_config()) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute("begin")
        for schema, table in tables:
            folder = spark_table_folder(settings.spark_dir, schema, table)
            if not folder.is_dir():
                raise SparkBuildError(f"Spark built no table {schema}.{table} (no {folder})")
            target = f"{quoted_name(schema)}.{quoted_name(table)}"
            con.execute(f"delete from {target}")
            files = sorted(folder.glob("*.parquet"))
            if files:
                paths = [str(path) for path in files]
                try:
                    con.execute(
                        f"insert into {target} by name select * from read_parquet(?)", [paths]
                    )
                except duckdb.Error as exc:
                    raise SparkBuildError(
                        f"Spark's {schema}.{table} ({folder}) does not fit the DuckDB table"
                        f" the same model builds: {exc}"
                    ) from exc
            rows = con.execute(f"select count(*) from {target}").fetchone()
            copied[f"{schema}.{table}"] = rows[0] if rows else 0
        con.execute("commit")
    return copied
