"""The files ingestion writes in a warehouse folder, named here once.

dlt loads every system into `<warehouse_dir>/work.duckdb` (the work warehouse dbt builds on)
and keeps its working folders in `<warehouse_dir>/dlt_pipelines/`. The orchestration's
settings take the work warehouse's path from here (`Settings.work_db`), so a rename is one
line; the published files are named by the settings (`Settings.published_db`).
"""

from __future__ import annotations

from pathlib import Path

WORK_DB_NAME = "work.duckdb"
DLT_PIPELINES_DIR_NAME = "dlt_pipelines"


def work_db_path(warehouse_dir: Path) -> Path:
    """The work warehouse of a warehouse folder."""
    return Path(warehouse_dir) / WORK_DB_NAME


def dlt_pipelines_path(warehouse_dir: Path) -> Path:
    """dlt's working folders (loaded packages, state) of a warehouse folder."""
    return Path(warehouse_dir) / DLT_PIPELINES_DIR_NAME
