"""`spm run` leaves its run in the Dagster instance, so the UI (`make dev`) shows it.

The shared run records itself in a DAGSTER_HOME of its own (tests/conftest.py), the instance
an analyst would open: the run is recorded as successful, every published model has a
materialization with metadata and every blocking check an evaluation.
"""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration.dbt_manifest import load_manifest
from orchestration.defs.keys import PUBLISH_KEY
from orchestration.defs.transform import published_model_keys
from tests.support.shared_fixtures import run_dagster_home

pytestmark = [pytest.mark.slow, pytest.mark.company]


def test_spm_run_is_recorded_in_the_dagster_instance(small_pipeline, monkeypatch) -> None:
    from orchestration.definitions import build_definitions

    settings, outcome = small_pipeline
    home = run_dagster_home(settings)  # the DAGSTER_HOME the run had
    assert not home.is_relative_to(settings.warehouse_dir)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    instance = dg.DagsterInstance.get()  # the instance the Dagster UI reads
    run = instance.get_run_by_id(outcome.report["run_id"])
    assert run is not None, "the run of `spm run` is not in the Dagster instance"
    assert run.status == dg.DagsterRunStatus.SUCCESS

    # Read what this run recorded (its event log), not the instance's latest events.
    events = [e.dagster_event for e in instance.all_logs(run.run_id) if e.dagster_event]
    materialized = {
        e.event_specific_data.materialization.asset_key: e.event_specific_data.materialization
        for e in events
        if e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
    }
    marts = published_model_keys(load_manifest())
    assert len(marts) > 30
    never = sorted(k.to_user_string() for k in [*marts, PUBLISH_KEY] if k not in materialized)
    assert not never, f"not materialized by the run in the Dagster UI: {never}"
    assert "tables" in materialized[PUBLISH_KEY].metadata

    graph = build_definitions(settings).resolve_asset_graph()
    blocking = [k for k in graph.asset_check_keys if graph.get_check_spec(k).blocking]
    assert len(blocking) > 100
    evaluated = {
        e.event_specific_data.asset_check_key
        for e in events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
    }
    missing = sorted(k.to_user_string() for k in blocking if k not in evaluated)
    assert not missing, f"blocking checks with no evaluation in the Dagster UI: {missing[:10]}"
