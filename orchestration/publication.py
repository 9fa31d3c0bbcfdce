"""`marts.publication`: one row saying what the published warehouse holds and how fresh it is.

A dashboard shows "data as of ..." from it, and an analyst can tell which run and which
revision of the models produced the numbers. Written into both DuckDB files and PostgreSQL,
with its columns described like a mart's.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

import duckdb

from orchestration.described_tables import create_described_table

TABLE_DESCRIPTION = (
    "One row describing this publication: which run produced it, the business date its "
    "numbers are as of, when it was published, how fresh the landing files were, the checks "
    "it passed and the revision of the dbt models. Show `as_of_date` and `published_at` as "
    "'data as of' on dashboards."
)

# name, DuckDB type, description (the COMMENT every published copy carries)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("run_id", "varchar", "Dagster run id of the run that published (see marts.run_reports)."),
    (
        "as_of_date",
        "date",
        "The business 'today' of every period-to-date number (SPM_AS_OF of the run).",
    ),
    (
        "published_at",
        "timestamp with time zone",
        "When the publish step wrote this publication (it was swapped in moments later).",
    ),
    (
        "landing_newest_modified_at",
        "timestamp with time zone",
        "Newest modification time of any file in the landing folder when the run published: "
        "the freshest source data this publication can contain. Null if the folder was empty.",
    ),
    ("checks_passed", "integer", "Data checks that passed in the run (dbt tests, GX, checks)."),
    (
        "checks_warned",
        "integer",
        "Non-blocking checks that found rows (warnings); blocking failures never publish.",
    ),
    (
        "models_git_revision",
        "varchar",
        "Git commit of the dbt models that built the marts, with '-dirty' when the model "
        "files had uncommitted changes; null when the project is not a git checkout.",
    ),
)


def models_git_revision(models_dir: Path) -> str | None:
    """The commit of `models_dir`'s checkout, '-dirty' if its files differ from it."""
    try:
        head = subprocess.run(
            ["git", "-C", str(models_dir), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        if head.returncode != 0:
            return None
        status = subprocess.run(
            ["git", "-C", str(models_dir), "status", "--porcelain", "--", "."],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    revision = head.stdout.strip()
    return revision + ("-dirty" if status.stdout.strip() else "")


def newest_modified_at(folder: Path) -> dt.datetime | None:
    """Newest modification time of any file under `folder` (None when there is none)."""
    newest = None
    if not folder.exists():
        return None
    for root, _dirs, files in os.walk(folder):
        for name in files:
            mtime = os.stat(os.path.join(root, name)).st_mtime
            newest = mtime if newest is None else max(newest, mtime)
    return None if newest is None else dt.datetime.fromtimestamp(newest, dt.UTC)


def build_publication(
    run_report: Mapping[str, object], landing_dir: Path, models_dir: Path
) -> dict[str, object]:
    """The row of `marts.publication` for a run about to publish."""
    return {
        "run_id": run_report["run_id"],
        "as_of_date": run_report.get("as_of_date"),
        "published_at": dt.datetime.now(dt.UTC),
        "landing_newest_modified_at": newest_modified_at(landing_dir),
        "checks_passed": int(run_report.get("checks_passed") or 0),
        "checks_warned": int(run_report.get("checks_warned") or 0),
        "models_git_revision": models_git_revision(models_dir),
    }


def write_publication(con: duckdb.DuckDBPyConnection, row: Mapping[str, object]) -> None:
    """Create `marts.publication` in the DuckDB file of `con`, with its one row and comments."""
    create_described_table(con, "marts.publication", COLUMNS, TABLE_DESCRIPTION, ["run_id"])
    con.execute(
        f"insert into marts.publication values ({', '.join('?' for _ in COLUMNS)})",
        [row.get(name) for name, _, _ in COLUMNS],
    )
