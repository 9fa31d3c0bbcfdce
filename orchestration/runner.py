"""`spm run`: materialise the whole pipeline in-process and say what happened.

The run report is written whatever the outcome; the exit status is non-zero when anything
failed or a blocking check stopped the publish, and the message names the failed checks and
where the quarantined rows are.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from orchestration.dagster_home import (
    LAUNCHED_BY_TAG,
    WAREHOUSE_TAG,
    persistent_instance,
    retire_dead_cli_runs,
)
from orchestration.defs.automation import FULL_REFRESH
from orchestration.defs.publish import PUBLISH_KEY
from orchestration.run_lock import warehouse_lock
from orchestration.run_report import (
    build_report,
    facts_from_events,
    quarantine_counts,
    write_report,
)
from orchestration.settings import Settings


@dataclass
class RunOutcome:
    success: bool
    published: bool
    report: dict[str, Any]
    report_path: str
    failed_steps: list[str] = field(default_factory=list)

    @property
    def failed_checks(self) -> list[dict[str, Any]]:
        return [c for c in self.report["checks"] if not c["passed"] and c["severity"] == "error"]

    @property
    def warned_checks(self) -> list[dict[str, Any]]:
        return [c for c in self.report["checks"] if not c["passed"] and c["severity"] != "error"]


def run_pipeline(settings: Settings, selection: list[str] | None = None) -> RunOutcome:
    """Run the full-refresh job (or a selection of asset keys) on the persistent Dagster
    instance of `DAGSTER_HOME`, so the Dagster UI shows the run, its checks and its logs.

    Raises WarehouseBusyError when another run holds the warehouse.
    """
    with warehouse_lock(settings.warehouse_dir):
        return _run_pipeline(settings, selection)


def _run_pipeline(settings: Settings, selection: list[str] | None) -> RunOutcome:
    from orchestration.definitions import build_definitions

    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    # Dagster logs every step event at DEBUG; the CLI prints its own summary, so the console
    # shows warnings and errors unless SPM_LOG_LEVEL asks for more.
    log_level = (os.environ.get("SPM_LOG_LEVEL") or "WARNING").upper()
    detailed = log_level in {"DEBUG", "INFO"}
    defs = build_definitions(settings.with_overrides(dbt_console_to_file=not detailed))
    job = defs.resolve_job_def(FULL_REFRESH)
    started = dt.datetime.now(dt.UTC)
    instance = persistent_instance()
    retire_dead_cli_runs(instance, settings.warehouse_dir)
    asset_selection = [dg.AssetKey.from_user_string(s) for s in selection] if selection else None
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        asset_selection=asset_selection,
        tags={WAREHOUSE_TAG: str(settings.warehouse_dir.resolve()), LAUNCHED_BY_TAG: "spm run"},
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
    )
    events = instance.all_logs(result.run_id)
    facts = facts_from_events(events)
    published = any(
        e.dagster_event is not None
        and e.dagster_event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
        and e.dagster_event.event_specific_data.materialization.asset_key == PUBLISH_KEY
        for e in events
    )
    failed_steps = sorted(
        {
            e.dagster_event.step_key
            for e in events
            if e.dagster_event is not None
            and e.dagster_event.event_type == dg.DagsterEventType.STEP_FAILURE
            and e.dagster_event.step_key
        }
    )
    if published:
        status = "published" if result.success else "published_with_failures"
    else:
        status = "not_published"
    report = build_report(
        run_id=result.run_id,
        started_at=started,
        as_of=settings.as_of,
        facts=facts,
        quarantined=quarantine_counts(settings.work_db),
        published=published,
        status=status,
        failed_steps=failed_steps,
    )
    path = write_report(settings.runs_dir, report)
    return RunOutcome(
        success=bool(result.success) and published,
        published=published,
        report=report,
        report_path=str(path),
        failed_steps=failed_steps,
    )
