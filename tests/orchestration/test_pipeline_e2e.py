"""The whole pipeline on the small demo company: publish, re-run, gate, kill and resume.

These are the behaviours a user relies on: a run publishes checked marts; a second run on the
same files changes nothing; a failed blocking check leaves the published file byte-identical
and `spm run` says why; a run killed mid-ingestion and started again ends where an
uninterrupted run ends; BI readers keep answering during a run.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.runner import run_pipeline
from tests.support.warehouse_probe import file_digest, table_counts, table_digest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("small_pipeline")]

SPM = str(Path(sys.executable).parent / "spm")

READER = """
import sys, time, pathlib, duckdb
db, stop = sys.argv[1], pathlib.Path(sys.argv[2])
while not stop.exists():
    con = duckdb.connect(db, read_only=True)
    print(con.execute("select count(*) from marts.rep_performance").fetchone()[0], flush=True)
    con.close()
    time.sleep(0.05)
"""


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
    con.close()
    quarantined_ids = set().union(*quarantined.values()) if quarantined else set()
    for kind in ("negative_amounts", "close_before_created", "unknown_currency"):
        assert set(faults[kind]) <= quarantined_ids, f"{kind} not all quarantined"
    assert run_rows >= 1
    assert (settings.reports_dir / "index.html").exists()


def _published_digests(settings) -> dict[str, str]:  # noqa: ANN001
    """A digest of every published table (both files) but the run's own records: the run
    reports (they grow per run) and marts.publication (its run id and publish time)."""
    restricted = settings.restricted_db
    digests = {}
    for db, label in ((settings.published_db, "public"), (restricted, "restricted")):
        for table in table_counts(db, ("marts", "quarantine", "marts_restricted")):
            if table not in ("marts.run_reports", "marts.publication"):
                digests[f"{label}:{table}"] = table_digest(db, *table.split("."))
    assert any(k.startswith("restricted:marts_restricted.") for k in digests)
    return digests


def test_a_second_run_loads_nothing_new_and_publishes_the_same_marts(
    small_pipeline, small_landing: Path
) -> None:
    """Run again on the same landing folder while a BI reader queries the published file."""
    settings, first = small_pipeline
    before = _published_digests(settings)
    raw_before = table_counts(settings.work_db, ("raw_",))

    # A BI tool is another process: it reads the published file read-only, in a loop.
    stop_file = settings.warehouse_dir.parent / "stop-reader"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(settings.published_db), str(stop_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        second = run_pipeline(settings, force=True)
    finally:
        stop_file.touch()
        out, err = reader.communicate(timeout=60)
    answers = [int(line) for line in out.split()]
    assert reader.returncode == 0, f"the BI reader failed during the run: {err[-2000:]}"
    assert answers, "the reader never got an answer"
    assert len(set(answers)) == 1, f"a reader saw the count change: {sorted(set(answers))}"
    assert second.published, second.report
    assert sum(second.report["rows_loaded"].values()) == 0, second.report["rows_loaded"]
    assert table_counts(settings.work_db, ("raw_",)) == raw_before
    after = _published_digests(settings)
    assert set(after) == set(before)
    changed = sorted(t for t in before if before[t] != after[t])
    assert not changed, f"tables whose contents changed on an identical re-run: {changed}"


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


def test_a_run_killed_during_ingestion_resumes_to_the_same_rows(
    small_pipeline, small_landing: Path, tmp_path: Path
) -> None:
    settings, _ = small_pipeline
    root = tmp_path / "killed"
    env = {
        **os.environ,
        "SPM_LOG_LEVEL": "DEBUG",
        "SPM_LANDING_DIR": str(small_landing),
        "SPM_WAREHOUSE_DIR": str(root / "warehouse"),
        "SPM_REPORTS_DIR": str(root / "reports" / "build"),
        "SPM_AS_OF": settings.as_of.isoformat(),
    }
    proc = subprocess.Popen(
        [SPM, "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    killed_during = None
    deadline = time.monotonic() + 600
    assert proc.stdout is not None
    for line in proc.stdout:
        if "load_crm" in line and "STEP_START" in line:
            # crm is mid-load: others may already be committed.
            time.sleep(1.0)
            killed_during = line.strip()
            os.killpg(proc.pid, signal.SIGKILL)
            break
        if time.monotonic() > deadline:
            break
    proc.wait(timeout=60)
    assert killed_during, "the run never reached ingestion"
    assert proc.returncode == -signal.SIGKILL

    resumed = subprocess.run([SPM, "run"], env=env, capture_output=True, text=True, timeout=1200)
    assert resumed.returncode == 0, resumed.stderr[-3000:]

    work = root / "warehouse" / "work.duckdb"
    assert table_counts(work, ("raw_",)) == table_counts(settings.work_db, ("raw_",))
    published = root / "warehouse" / "spm.duckdb"
    assert {
        k: v
        for k, v in table_counts(published, ("marts", "quarantine")).items()
        if k != "marts.run_reports"
    } == {
        k: v
        for k, v in table_counts(settings.published_db, ("marts", "quarantine")).items()
        if k != "marts.run_reports"
    }
