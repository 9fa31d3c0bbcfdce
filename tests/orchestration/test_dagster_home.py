"""The Dagster instance `spm run` records its runs in (the one `make dev` shows)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from orchestration.dagster_home import WAREHOUSE_TAG, dagster_home, retire_dead_cli_runs


def _run(instance: dg.DagsterInstance, warehouse: Path, status: dg.DagsterRunStatus) -> str:
    run = dg.DagsterRun(
        job_name="full_refresh", status=status, tags={WAREHOUSE_TAG: str(warehouse)}
    )
    instance.add_run(run)
    return run.run_id


def test_a_killed_cli_run_of_the_warehouse_is_marked_failed(tmp_path: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    warehouse, other = (tmp_path / "warehouse").resolve(), (tmp_path / "other").resolve()
    killed = _run(instance, warehouse, dg.DagsterRunStatus.STARTED)
    finished = _run(instance, warehouse, dg.DagsterRunStatus.SUCCESS)
    elsewhere = _run(instance, other, dg.DagsterRunStatus.STARTED)

    assert retire_dead_cli_runs(instance, warehouse) == [killed]

    status = {rid: instance.get_run_by_id(rid).status for rid in (killed, finished, elsewhere)}
    assert status == {
        killed: dg.DagsterRunStatus.FAILURE,
        finished: dg.DagsterRunStatus.SUCCESS,
        elsewhere: dg.DagsterRunStatus.STARTED,
    }


def test_a_new_dagster_home_gets_the_projects_instance_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    home = dagster_home()
    assert home == (tmp_path / "home").resolve()
    assert "concurrency" in (home / "dagster.yaml").read_text()
