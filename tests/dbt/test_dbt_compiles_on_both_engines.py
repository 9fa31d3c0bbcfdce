"""The same dbt models on DuckDB (the default) and on Apache Spark (`--target spark`).

Fast guard: every model and data test compiles for the spark target, and Spark's own SQL
parser accepts every compiled statement and knows every function it calls, so a model written
with DuckDB-only SQL fails here in about a minute, not in a Spark build. (The DuckDB side is
compiled and built by every other dbt test.)

Spark build (marker `spark`, `make test-spark`; not in `make test`, whose 20-minute budget on
2 cores it would break: about 6 to 13 minutes of Spark alone): the session's small company,
its raw tables written to Parquet and registered in a Spark metastore, built by
`dbt build --target spark`; every mart must hold the same rows as the DuckDB build, money to
the cent.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.dbt.dbt_helpers import ROOT, dbt_failure_summary
from tests.support.dbt.spark_engine import (
    compare_marts,
    export_raw_tables,
    register_raw_tables,
    run_dbt_spark,
)


# A JVM starts for the parser: one worker, and the fast lane leaves it out (`company`).
@pytest.mark.xdist_group("spark_compile")
def test_every_model_compiles_for_spark_and_parses_as_spark_sql(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.dbt.spark_sql_check", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    summary = [line for line in done.stdout.splitlines() if line.startswith("parsed ")]
    assert done.returncode == 0 and summary, (
        "the models do not compile or parse for Spark:\n"
        + done.stdout[-6000:]
        + done.stderr[-3000:]
    )
    parsed = int(summary[-1].split()[1])
    compiled = 0
    for mode in ("salesforce", "hubspot"):
        target = tmp_path / mode / "target"
        manifest = json.loads((target / "manifest.json").read_text())
        models = [
            node
            for node in manifest["nodes"].values()
            if node["resource_type"] == "model"
            and (mode == "salesforce" or node["original_file_path"].startswith("models/staging"))
        ]
        missing = [
            node["name"]
            for node in models
            if not (
                target / "compiled" / node["package_name"] / node["original_file_path"]
            ).exists()
        ]
        assert models and not missing, f"{mode}: not compiled for Spark: {missing}"
        compiled += len(models)
    # the salesforce models (over 100), the hubspot staging models and every data test
    assert compiled > 100 and parsed > compiled


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.company
def test_small_company_builds_on_spark_like_on_duckdb(small_pipeline, tmp_path: Path) -> None:
    settings, _ = small_pipeline
    spark_dir = tmp_path / "spark"
    raw_root = tmp_path / "lake" / "raw"
    tables = export_raw_tables(settings.work_db, raw_root)
    assert "raw_crm" in tables and "opportunity" in tables["raw_crm"], tables

    registered = register_raw_tables(tables, raw_root, spark_dir, tmp_path)
    assert registered.returncode == 0, dbt_failure_summary(registered)
    built = run_dbt_spark(
        ["build", "--exclude-resource-type", "unit_test"],
        spark_dir,
        tmp_path,
        settings.dbt_vars(),
    )
    assert built.returncode == 0, dbt_failure_summary(built)
    assert not (tmp_path / "metastore_db").exists(), "the metastore landed in the working folder"
    assert (spark_dir / "metastore_db").is_dir()

    compared = compare_marts(settings.work_db, spark_dir)
    assert len(compared) > 40, sorted(compared)
    differ = {
        table: {side: result[side][:3] for side in ("only_duckdb", "only_spark")}
        for table, result in compared.items()
        if result.get("missing") or result["only_duckdb"] or result["only_spark"]
    }
    assert not differ, f"marts that differ between DuckDB and Spark: {differ}"
    assert compared["marts.rep_performance"]["spark_rows"] > 0
