"""`spm run` killed -9 during ingestion, dbt and publish: nothing published changes, no pay
is readable by others at any moment, dbt does not outlive the run, and the next run resumes,
cleans up, records the killed runs as aborted and publishes, row for row, what an
uninterrupted run of the same files published."""

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
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.warehouse_probe import published_digests, table_counts

pytestmark = [pytest.mark.slow, pytest.mark.company]

SPM = str(Path(sys.executable).with_name("spm"))


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


def _kill_once(
    proc: subprocess.Popen, lines: list[str], reached: Callable[[], bool], what: str
) -> None:
    """Wait until `reached()`, then kill `spm run` and all it started (-9), as the OOM killer
    or a reboot would; whatever happens, nothing of it is left running."""
    deadline = time.monotonic() + 900
    try:
        while time.monotonic() < deadline and proc.poll() is None and not reached():
            time.sleep(0.01)
        assert reached(), f"the run never reached {what}:\n" + "".join(lines[-30:])
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_runs_killed_in_ingestion_and_in_publish_leave_nothing_and_the_next_publishes_the_same(
    small_pipeline, small_landing, tmp_path
):
    """A run killed mid-ingestion, the next one killed mid-publish, then a third, on a new
    warehouse: the third loads nothing (the second loaded what the first had not), cleans up
    the temp files, records both killed runs as aborted, and publishes, table by table and row
    by row, what the uninterrupted run of the same files published: no order, thread, clock or
    incremental state leaks into a mart.

    The kill during publish comes before any file was published, so it must leave none. Over
    published files, a publish that fails leaves them byte-identical and a reader keeps its
    snapshot during the swap (`test_publish.py`).
    """
    settings, _ = small_pipeline
    warehouse = tmp_path / "warehouse"
    env = _env(settings, small_landing, tmp_path)

    ingesting, ingesting_lines = _start(env)

    crm_started: list[float] = []

    def crm_loading() -> bool:
        """A second into the CRM's load (other systems may already be committed)."""
        if not crm_started and any("load_crm" in x and "STEP_START" in x for x in ingesting_lines):
            crm_started.append(time.monotonic())
        return bool(crm_started) and time.monotonic() - crm_started[0] > 1.0

    _kill_once(ingesting, ingesting_lines, crm_loading, "the CRM's load")

    publishing, publishing_lines = _start(env)
    temp_file = warehouse / f".spm_restricted.duckdb.{publishing.pid}.tmp"
    modes: list[int] = []

    def restricted_file_begun() -> bool:
        if temp_file.exists() and not modes:
            modes.append(stat.S_IMODE(temp_file.stat().st_mode))
        return bool(modes)

    _kill_once(publishing, publishing_lines, restricted_file_begun, "the publish")
    assert modes == [0o600], "the restricted temp file was not private from its creation"
    published = [warehouse / "spm.duckdb", warehouse / "spm_restricted.duckdb"]
    assert not any(path.exists() for path in published), "a killed first publish left a file"
    leftovers = sorted(p.name for p in warehouse.glob(f".*.{publishing.pid}.tmp*"))
    assert leftovers, "the kill left no temp file: it came too late to test the clean-up"

    env["SPM_LOG_LEVEL"] = ""
    done = subprocess.run([SPM, "run"], env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert list(warehouse.glob(".*.tmp*")) == [], "the temp files of the killed run remain"
    reports = [json.loads(p.read_text()) for p in (warehouse / "runs").glob("*.json")]
    aborted = [r for r in reports if r["status"] == "aborted"]
    messages = [r["root_causes"][0]["message"] for r in aborted]
    assert len(aborted) == 2, messages
    assert any(f"process {publishing.pid}" in message for message in messages), messages
    assert not any(r["published"] for r in aborted)
    latest = max((r for r in reports if r["status"] == "published"), key=lambda r: r["finished_at"])
    assert sum(latest["rows_loaded"].values()) == 0, latest["rows_loaded"]

    assert table_counts(warehouse / settings.work_db.name, ("raw_",)) == table_counts(
        settings.work_db, ("raw_",)
    )
    expected, found = published_digests(settings.warehouse_dir), published_digests(warehouse)
    assert set(found) == set(expected)
    changed = sorted(t for t in expected if expected[t] != found[t])
    assert not changed, f"tables that differ from the uninterrupted run: {changed}"
