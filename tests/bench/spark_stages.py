"""Benchmark stages of the Spark engine (`--engine spark`): the dbt step of a run with
`SPM_ENGINE=spark`, one part at a time, on the warehouse the ingestion stages loaded.

The dbt build on Spark is measured against the DuckDB engine's `dbt build` of the same
models and tests on the same raw tables, in the same run: the ratio is what the Spark engine
costs on this machine. The lake and the copy back have no limit of their own: they are what
the Spark engine adds to a run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from tests.bench.pipeline_stages import as_of

if TYPE_CHECKING:
    from orchestration.settings import Settings
    from tests.bench.stages import Context


def _settings(context: Context) -> Settings:
    from orchestration.settings import Settings

    return Settings(
        landing_dir=context.landing_dir,
        warehouse_dir=context.warehouse_dir,
        reports_dir=context.work_dir / "reports",
        as_of=as_of(context),
        engine="spark",
    )


def _target(context: Context, step: str) -> Path:
    return context.work_dir / "dbt_spark" / step


def lake_and_registration(context: Context) -> int:
    """The raw tables to the lake as Parquet, registered in Spark's metastore; returns the
    raw rows written."""
    from ingestion.lake import mirror_raw_tables
    from orchestration.spark_engine import register_raw_tables

    settings = _settings(context)
    tables = mirror_raw_tables(settings.work_db, settings.lake, settings.duckdb_config())
    register_raw_tables(settings, tables, _target(context, "sources"))
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        return sum(
            con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()[0]
            for schema, names in tables.items()
            for name in names
        )


def dbt_build_on_spark(context: Context) -> int:
    """`dbt build --target spark --full-refresh`, as the Spark engine's run does; returns
    the nodes built and tested."""
    from orchestration.spark_engine import SPARK_BUILD_ARGUMENTS, dbt_step

    settings = _settings(context)
    target = _target(context, "build")
    arguments = ["build", *SPARK_BUILD_ARGUMENTS, "--exclude-resource-type", "unit_test"]
    dbt_step(settings, arguments, target, "the dbt build on Spark")
    return len(json.loads((target / "run_results.json").read_text())["results"])


def copy_back(context: Context) -> int:
    """What Spark built, into the work warehouse with the DuckDB build's types; returns the
    rows copied."""
    from orchestration.dbt_manifest import load_manifest
    from orchestration.spark_engine import (
        built_tables,
        copy_spark_tables,
        create_empty_duckdb_relations,
    )

    settings = _settings(context)
    create_empty_duckdb_relations(settings, _target(context, "duckdb_relations"))
    return sum(copy_spark_tables(settings, built_tables(load_manifest())).values())
