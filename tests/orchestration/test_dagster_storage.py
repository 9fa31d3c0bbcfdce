"""The event log of the project's Dagster instance keeps its connections and stays Dagster's.

`orchestration/dagster.yaml` names the storage; what the Dagster UI reads from a home it wrote
must be what the stock SQLite storage reads, so a home can go back to the stock storage (or be
read by a `dagster dev` of another project) without losing its runs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import yaml

from orchestration.dagster_home import INSTANCE_CONFIG
from orchestration.dagster_storage import KeptConnectionsEventLogStorage, SpmSqliteStorage


@dg.asset
def leads() -> int:
    return 3


@dg.asset_check(asset=leads)
def leads_are_positive(leads: int) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=leads > 0)


def _instance(home: Path, config: Path | None = None) -> dg.DagsterInstance:
    """The instance of `home` (the project's dagster.yaml reads DAGSTER_HOME, set by the test)."""
    home.mkdir(parents=True, exist_ok=True)
    if config is not None:
        shutil.copyfile(config, home / "dagster.yaml")
    return dg.DagsterInstance.from_config(str(home))


def _materialize(instance: dg.DagsterInstance) -> str:
    result = dg.materialize([leads, leads_are_positive], instance=instance)
    assert result.success
    return result.run_id


def test_the_project_instance_uses_the_kept_event_log(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    instance = _instance(tmp_path / "home", INSTANCE_CONFIG)
    assert isinstance(instance._event_storage_impl, KeptConnectionsEventLogStorage)  # noqa: SLF001
    assert yaml.safe_load(INSTANCE_CONFIG.read_text())["storage"]["custom"]["class"] == (
        SpmSqliteStorage.__name__
    )


def test_runs_it_wrote_read_the_same_with_the_stock_storage(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    home = tmp_path / "home"
    ours = _instance(home, INSTANCE_CONFIG)
    run_id = _materialize(ours)
    ours_logs = [e.dagster_event_type for e in ours.all_logs(run_id)]
    ours.dispose()

    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    stock = _instance(home)
    assert not isinstance(stock._event_storage_impl, KeptConnectionsEventLogStorage)  # noqa: SLF001
    assert [e.dagster_event_type for e in stock.all_logs(run_id)] == ours_logs
    assert dg.DagsterEventType.ASSET_MATERIALIZATION in ours_logs
    materialization = stock.get_latest_materialization_event(dg.AssetKey("leads"))
    assert materialization is not None and materialization.run_id == run_id
    check = stock.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(dg.AssetKey("leads"), "leads_are_positive")]
    )
    assert [record.run_id for record in check.values()] == [run_id]
    # and back: the stock storage's run is read by ours
    again = _materialize(stock)
    stock.dispose()
    shutil.copyfile(INSTANCE_CONFIG, home / "dagster.yaml")
    ours = _instance(home)
    assert ours.get_latest_materialization_event(dg.AssetKey("leads")).run_id == again
    ours.dispose()


def test_commits_are_durable_against_a_killed_process_not_fsynced_each(tmp_path: Path) -> None:
    storage = KeptConnectionsEventLogStorage(str(tmp_path / "runs"))
    with storage.index_connection() as conn:
        journal = conn.exec_driver_sql("pragma journal_mode").scalar()
        synchronous = conn.exec_driver_sql("pragma synchronous").scalar()
    assert (journal, synchronous) == ("wal", 1)  # 1 = NORMAL: the WAL is synced at checkpoints


def test_it_keeps_a_bounded_number_of_databases_open(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    instance = _instance(tmp_path / "home", INSTANCE_CONFIG)
    storage = instance._event_storage_impl  # noqa: SLF001
    run_ids = [_materialize(instance) for _ in range(10)]
    assert len(storage._engines) <= 8  # noqa: SLF001
    # every run stays readable after its database was closed
    for run_id in run_ids:
        assert any(
            e.dagster_event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
            for e in instance.all_logs(run_id)
        )
    instance.dispose()
