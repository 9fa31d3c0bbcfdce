"""The same dbt models on DuckDB (the default) and on Apache Spark (`--target spark`).

Fast guard: every model and data test compiles for the spark target, and Spark's own SQL
parser accepts every compiled statement and knows every function it calls, so a model written
with DuckDB-only SQL fails here in about a minute, not in a Spark build. (The DuckDB side is
compiled and built by every other dbt test.)

The whole pipeline on Spark, compared with DuckDB table by table:
`tests/orchestration/test_spark_engine_run.py` (marker `spark`, `make test-spark`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.dbt.dbt_helpers import ROOT


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
