"""`spm run` killed -9 during dbt and during publish: nothing published changes, no pay is
readable by others at any moment, dbt does not outlive the run, and the next run cleans up
and records the killed run as aborted.

The run after the kill is also the second run on the same files: it loads nothing new,
publishes the same marts row for row (incremental models included), and a BI tool reading
the published file meanwhile always gets an answer, and always the same one."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.support.warehouse_probe import published_digests, table_counts

pytestmark = [pytest.mark.slow, pytest.mark.company]

SPM = str(Path(sys.executable).with_name("spm"))

# A BI tool is another process: it reads the published file read-only, in a loop.
READER = """
import sys, time, pathlib, duckdb
db, stop = sys.argv[1], pathlib.Path(sys.argv[2])
while not stop.exists():
    con = duckdb.connect(db, read_only=True)
    print(con.execute("select count(*) from marts.rep_performance").fetchone()[0], flush=True)
    con.close()
    time.sleep(0.05)
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _env(settings, landing: Path, root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SPM_LOG_LEVEL": "DEBUG",
        "SPM_LANDING_DIR": str(landing),
        "SPM_WAREHOUSE_DIR": str(root / "warehouse"),
        "SPM_REPORTS_DIR": str(root / "reports" / "build"),
        "SPM_AS_OF": settings.as_of.isoformat(),
    }


def _start(env: dict[str, str]) -> tuple[subprocess.Popen, list[str]]:
    """`spm run` in its own session; its output lines collected by a thread."""
    proc = subprocess.Popen(
        [SPM, "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)

    threading.Thread(target=read, daemon=True).start()
    return proc, lines


def _children(pid: int) -> list[int]:
    """Every descendant of `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        kids = [p for p, parent in parents.items() if parent == current]
        found += kids
        frontier += kids
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _copy_warehouse(settings, root: Path) -> Path:
    warehouse = root / "warehouse"
    shutil.copytree(settings.warehouse_dir, warehouse, symlinks=True)
    return warehouse


def test_a_kill_during_dbt_leaves_no_dbt_behind(small_pipeline, small_landing, tmp_path):
    settings, _ = small_pipeline
    warehouse = _copy_warehouse(settings, tmp_path)
    published = [warehouse / "spm.duckdb", warehouse / "spm_restricted.duckdb"]
    before = [_sha(p) for p in published]
    proc, lines = _start(_env(settings, small_landing, tmp_path))
    dbt_pids: list[int] = []
    deadline = time.monotonic() + 900
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            dbt_pids = [p for p in _children(proc.pid) if " build " in _cmdline(p) + " "]
            if dbt_pids:
                break
            time.sleep(0.2)
        assert dbt_pids, "the run never started dbt:\n" + "".join(lines[-30:])
        time.sleep(2.0)  # dbt is building models
        os.kill(proc.pid, signal.SIGKILL)  # the run only, as the OOM killer would
        proc.wait(timeout=60)
        gone_by = time.monotonic() + 20
        while any(_running(p) for p in dbt_pids) and time.monotonic() < gone_by:
            time.sleep(0.2)
        assert not any(_running(p) for p in dbt_pids), "dbt outlived the killed run"
    finally:
        with contextlib.suppress(ProcessLookupError):  # clean up whatever a failure left
            os.killpg(proc.pid, signal.SIGKILL)
    assert [_sha(p) for p in published] == before


def test_a_kill_during_publish_changes_nothing_and_the_next_run_cleans_up(
    small_pipeline, small_landing, tmp_path
):
    settings, _ = small_pipeline
    warehouse = _copy_warehouse(settings, tmp_path)
    published = [warehouse / "spm.duckdb", warehouse / "spm_restricted.duckdb"]
    before = [_sha(p) for p in published]
    env = _env(settings, small_landing, tmp_path)
    proc, lines = _start(env)
    caught: list[Path] = []
    deadline = time.monotonic() + 900
    try:
        while time.monotonic() < deadline and proc.poll() is None and not caught:
            caught = list(warehouse.glob(f".spm_restricted.duckdb.{proc.pid}.tmp"))
            time.sleep(0.01)
        assert caught, "never saw the restricted temp file:\n" + "".join(lines[-30:])
        # the moment it exists, the temp file is private
        assert stat.S_IMODE(caught[0].stat().st_mode) == 0o600
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert [_sha(p) for p in published] == before
    leftovers = sorted(p.name for p in warehouse.glob(f".*.{proc.pid}.tmp*"))
    assert leftovers, "the kill left no temp file: it came too late to test the clean-up"

    env["SPM_LOG_LEVEL"] = ""
    stop_file = tmp_path / "stop-reader"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published[0]), str(stop_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        done = subprocess.run([SPM, "run"], env=env, capture_output=True, text=True, timeout=1800)
    finally:
        stop_file.touch()
        out, err = reader.communicate(timeout=60)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    answers = [int(line) for line in out.split()]
    assert reader.returncode == 0, f"the BI reader failed during the run: {err[-2000:]}"
    assert answers, "the reader never got an answer"
    assert len(set(answers)) == 1, f"a reader saw the count change: {sorted(set(answers))}"
    assert list(warehouse.glob(".*.tmp*")) == [], "the temp files of the killed run remain"
    reports = [json.loads(p.read_text()) for p in (warehouse / "runs").glob("*.json")]
    aborted = [r for r in reports if r["status"] == "aborted"]
    assert len(aborted) == 1 and f"process {proc.pid}" in aborted[0]["root_causes"][0]["message"]
    assert not aborted[0]["published"]

    # the killed run had loaded every file: this one loads nothing and publishes the same
    latest = max((r for r in reports if r["status"] == "published"), key=lambda r: r["finished_at"])
    assert sum(latest["rows_loaded"].values()) == 0, latest["rows_loaded"]
    assert table_counts(warehouse / settings.work_db.name, ("raw_",)) == table_counts(
        settings.work_db, ("raw_",)
    )
    expected, found = published_digests(settings.warehouse_dir), published_digests(warehouse)
    assert set(found) == set(expected)
    changed = sorted(t for t in expected if expected[t] != found[t])
    assert not changed, f"tables whose contents changed on a re-run of the same files: {changed}"
