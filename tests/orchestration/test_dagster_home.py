"""The Dagster instance `spm run` records its runs in (the one `make dev` shows)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import dagster as dg
import pytest

from orchestration.dagster_home import (
    LAUNCHED_BY_TAG,
    PROCESS_TAG,
    WAREHOUSE_TAG,
    dagster_home,
    retire_dead_cli_runs,
)


def _gone_pid() -> int:
    """The pid of a process that has ended."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _run(
    instance: dg.DagsterInstance,
    warehouse: Path,
    status: dg.DagsterRunStatus,
    pid: int,
    launched_by: str = "spm run",
) -> str:
    tags = {WAREHOUSE_TAG: str(warehouse), LAUNCHED_BY_TAG: launched_by, PROCESS_TAG: str(pid)}
    run = dg.DagsterRun(job_name="full_refresh", status=status, tags=tags)
    instance.add_run(run)
    return run.run_id


def test_killed_cli_runs_are_marked_failed_and_live_or_ui_runs_are_kept(tmp_path: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    warehouse, other = (tmp_path / "warehouse").resolve(), (tmp_path / "other").resolve()
    started, gone, alive = dg.DagsterRunStatus.STARTED, _gone_pid(), os.getpid()
    killed_here = _run(instance, warehouse, started, alive)  # the lock says it is dead
    finished = _run(instance, warehouse, dg.DagsterRunStatus.SUCCESS, gone)
    killed_elsewhere = _run(instance, other, started, gone)
    running_elsewhere = _run(instance, other, started, alive)
    from_the_ui = _run(instance, warehouse, started, gone, launched_by="dagster ui")

    assert sorted(retire_dead_cli_runs(instance, warehouse)) == sorted(
        [killed_here, killed_elsewhere]
    )

    ids = (killed_here, finished, killed_elsewhere, running_elsewhere, from_the_ui)
    status = {rid: instance.get_run_by_id(rid).status for rid in ids}
    assert status == {
        killed_here: dg.DagsterRunStatus.FAILURE,
        finished: dg.DagsterRunStatus.SUCCESS,
        killed_elsewhere: dg.DagsterRunStatus.FAILURE,
        running_elsewhere: dg.DagsterRunStatus.STARTED,
        from_the_ui: dg.DagsterRunStatus.STARTED,
    }


def test_a_new_dagster_home_gets_the_projects_instance_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    home = dagster_home()
    assert home == (tmp_path / "home").resolve()
    assert "concurrency" in (home / "dagster.yaml").read_text()
