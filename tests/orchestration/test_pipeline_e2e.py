"""The whole pipeline on the small demo company: publish, gate, kill and resume.

These are the behaviours a user relies on: a run publishes checked marts; a failed blocking
check leaves the published file byte-identical and `spm run` says why. Runs killed
mid-ingestion and mid-publish, and the run after them that publishes, row for row, what an
uninterrupted run published, are in `test_run_faults.py`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.support.warehouse_probe import file_digest, table_counts

pytestmark = [pytest.mark.slow, pytest.mark.company]

SPM = str(Path(sys.executable).parent / "spm")


def _manifest(landing: Path) -> dict:
    return json.loads((landing / "_manifest.json").read_text())


def test_the_small_company_publishes_checked_marts(small_pipeline, small_landing: Path) -> None:
    settings, outcome = small_pipeline
    assert outcome.published, outcome.report
    counts = table_counts(settings.published_db, ("marts", "quarantine"))
    for table in ("rep_performance", "team_performance", "rep_pacing", "leaderboard"):
        assert counts.get(f"marts.{table}", 0) > 0, f"marts.{table} is empty or missing"
    assert not any(name.startswith("marts_restricted") for name in counts)
    restricted = table_counts(
        settings.warehouse_dir / "spm_restricted.duckdb", ("marts_restricted",)
    )
    assert restricted, "the restricted file has no marts_restricted tables"

    report = json.loads(Path(outcome.report_path).read_text())
    assert report["published"] is True
    # dbt's line-per-node output goes to the run's folder, not the user's terminal
    console = settings.dbt_console_log(report["run_id"])
    assert "Completed successfully" in console.read_text(encoding="utf-8")
    # ... where it is the only copy: dbt's own file log would repeat it (off unless asked for)
    assert not (console.parent / "dbt.log").exists()
    # dbt's parse state is kept for the warehouse's next run (it then skips the full parse)
    assert (console.parent.parent / "partial_parse.msgpack").stat().st_size > 0
    assert report["rows_loaded_total"] > 0
    assert report["checks_failed"] == 0

    faults = _manifest(small_landing)["faults"]
    con = duckdb.connect(str(settings.published_db), read_only=True)
    quarantined = {
        rule: {
            r[0]
            for r in con.execute(
                "select opportunity_id from quarantine.opportunities where rule = ?", [rule]
            ).fetchall()
        }
        for rule in {
            r[0]
            for r in con.execute("select distinct rule from quarantine.opportunities").fetchall()
        }
    }
    run_rows = con.execute("select count(*) from marts.run_reports where published").fetchone()[0]
    started, finished = con.execute(
        "select started_at, finished_at from marts.run_reports where run_id = ?",
        [report["run_id"]],
    ).fetchone()
    published_checks = con.execute(
        "select count(*) from marts.run_report_checks where run_id = ?", [report["run_id"]]
    ).fetchone()[0]
    con.close()
    # the published report says when the run began, at least its dbt stage before the publish
    assert finished - started >= dt.timedelta(seconds=report["durations"]["dbt_models"])
    # ... and carries each of its checks as a row
    assert published_checks == len(report["checks"]) > 100
    quarantined_ids = set().union(*quarantined.values()) if quarantined else set()
    for kind in ("negative_amounts", "close_before_created", "unknown_currency"):
        assert set(faults[kind]) <= quarantined_ids, f"{kind} not all quarantined"
    assert run_rows >= 1
    assert (settings.reports_dir / "index.html").exists()


def _with_unknown_stage(landing: Path, target: Path) -> None:
    """Copy the landing folder; one opportunity gets a stage the CRM does not have.

    Its SystemModstamp moves forward too, as a real re-export would: the CRM load is
    incremental on it, so an edited row with an old stamp is (rightly) not re-read.
    """
    shutil.copytree(landing, target)
    path = target / "crm" / "Opportunity.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0].keys())
    target_row = next(r for r in rows if r["IsDeleted"] == "false" and r["Amount"][:1] != "-")
    target_row["StageName"] = "Closed Sold"
    target_row["SystemModstamp"] = "2026-11-28T23:59:59.000Z"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_failed_blocking_check_leaves_the_published_file_untouched(
    small_pipeline, small_landing: Path, tmp_path: Path
) -> None:
    settings, _ = small_pipeline
    root = tmp_path / "blocked"
    shutil.copytree(settings.warehouse_dir, root / "warehouse")
    landing = root / "landing"
    _with_unknown_stage(small_landing, landing)
    published = root / "warehouse" / "spm.duckdb"
    before = file_digest(published)

    env = {
        **os.environ,
        "SPM_LANDING_DIR": str(landing),
        "SPM_WAREHOUSE_DIR": str(root / "warehouse"),
        "SPM_REPORTS_DIR": str(root / "reports" / "build"),
        "SPM_AS_OF": settings.as_of.isoformat(),
    }
    done = subprocess.run([SPM, "run"], env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode != 0, done.stdout[-2000:]
    assert "NOT PUBLISHED" in done.stderr
    assert "crm/opportunity" in done.stderr and "stage" in done.stderr, done.stderr[-2000:]
    assert file_digest(published) == before
