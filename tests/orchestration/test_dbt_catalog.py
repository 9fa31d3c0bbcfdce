"""The docs' catalog read from DuckDB is the catalog `dbt docs generate` makes of the same
warehouse: every model, seed and source with its type and its columns' names, types and order.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from orchestration.dbt_catalog import work_catalog
from orchestration.dbt_docs import dbt_docs_template
from tests.support.dbt.dbt_helpers import run_dbt

pytestmark = [pytest.mark.slow, pytest.mark.company]


def _shape(entries: dict) -> dict:
    return {
        unique_id: (
            entry["metadata"]["type"],
            entry["metadata"]["database"],
            entry["metadata"]["schema"],
            entry["metadata"]["name"],
            {name: (c["type"], c["index"]) for name, c in entry["columns"].items()},
        )
        for unique_id, entry in entries.items()
    }


def test_the_catalog_equals_dbts_own(small_pipeline, tmp_path: Path) -> None:
    settings, outcome = small_pipeline
    run_target = settings.dbt_target_dir(outcome.report["run_id"])
    target = tmp_path / "target"
    target.mkdir()
    for name in ("manifest.json", "partial_parse.msgpack"):
        if (run_target / name).exists():
            shutil.copy2(run_target / name, target / name)
    manifest = json.loads((target / "manifest.json").read_text())
    work_db = tmp_path / "work.duckdb"
    shutil.copyfile(settings.work_db, work_db)
    done = run_dbt(
        ["docs", "generate", "--no-compile", "--quiet"], work_db, tmp_path, settings.dbt_vars()
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    dbts = json.loads((target / "catalog.json").read_text())

    ours = work_catalog(work_db, manifest)

    assert len(ours["nodes"]) > 100 and ours["sources"]
    assert _shape(ours["nodes"]) == _shape(dbts["nodes"])
    assert _shape(ours["sources"]) == _shape(dbts["sources"])
    assert ours["metadata"]["dbt_version"] == dbts["metadata"]["dbt_version"]
    assert ours["errors"] is None


def test_the_docs_page_is_dbts_with_both_inlined(small_pipeline) -> None:
    settings, _ = small_pipeline
    page = (settings.warehouse_dir / "dbt_docs" / "index.html").read_text(encoding="utf-8")
    template = dbt_docs_template().read_text(encoding="utf-8")
    assert '"MANIFEST.JSON INLINE DATA"' in template and '"CATALOG.JSON INLINE DATA"' in template
    assert '"MANIFEST.JSON INLINE DATA"' not in page and '"CATALOG.JSON INLINE DATA"' not in page
    assert "https://schemas.getdbt.com/dbt/catalog/v1.json" in page
    assert '"model.spm.rep_performance"' in page
