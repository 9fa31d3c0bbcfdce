"""`spm run` leaves its run in the Dagster instance, so the UI (`make dev`) shows it.

The tests run on their own DAGSTER_HOME (tests/conftest.py), which is the instance an analyst
would open: the run is recorded as successful, every published model has a materialization
with metadata and every blocking check an evaluation.
"""

from __future__ import annotations

import os

import dagster as dg
import pytest

from orchestration.dbt_manifest import load_manifest
from orchestration.defs.publish import PUBLISH_KEY
from orchestration.defs.transform import published_model_keys

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("small_pipeline")]


def test_spm_run_is_recorded_in_the_dagster_instance(small_pipeline) -> None:
    from orchestration.definitions import build_definitions

    settings, outcome = small_pipeline
    assert os.environ["DAGSTER_HOME"] not in str(settings.warehouse_dir)
    instance = dg.DagsterInstance.get()  # the instance the Dagster UI reads
    run = instance.get_run_by_id(outcome.report["run_id"])
    assert run is not None, "the run of `spm run` is not in the Dagster instance"
    assert run.status == dg.DagsterRunStatus.SUCCESS

    marts = published_model_keys(load_manifest())
    assert len(marts) > 30
    latest = instance.get_latest_materialization_events([*marts, PUBLISH_KEY])
    never = sorted(k.to_user_string() for k, event in latest.items() if event is None)
    assert not never, f"shown as never materialized in the Dagster UI: {never}"
    publish_event = latest[PUBLISH_KEY].asset_materialization
    assert publish_event is not None and "tables" in publish_event.metadata
    assert latest[PUBLISH_KEY].run_id == run.run_id

    graph = build_definitions(settings).resolve_asset_graph()
    blocking = [k for k in graph.asset_check_keys if graph.get_check_spec(k).blocking]
    assert len(blocking) > 100
    evaluated = instance.event_log_storage.get_latest_asset_check_execution_by_key(blocking)
    missing = sorted(k.to_user_string() for k in blocking if k not in evaluated)
    assert not missing, f"blocking checks with no evaluation in the Dagster UI: {missing[:10]}"
    assert {evaluated[k].run_id for k in blocking} == {run.run_id}
