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

from ingestion.datasets import missing_report
from ingestion.disk_space import DiskFullError
from ingestion.file_modes import make_warehouse_dir, private_umask
from ingestion.landing_files import scan_landing
from orchestration.dagster_home import (
    LAUNCHED_BY_TAG,
    PROCESS_TAG,
    WAREHOUSE_TAG,
    persistent_instance,
    retire_dead_cli_runs,
)
from orchestration.dbt_test_samples import facts_with_test_rows
from orchestration.defs.automation import FULL_REFRESH
from orchestration.defs.keys import PUBLISH_KEY
from orchestration.leftovers import (
    abandoned_runs,
    mark_run_started,
    prune_dbt_targets,
    remove_stale_temp_files,
)
from orchestration.root_cause import dbt_root_cause, describe, root_causes, write_run_log
from orchestration.run_inputs import (
    NothingNew,
    forget_published,
    nothing_new,
    remember_published,
    run_inputs,
)
from orchestration.run_lock import warehouse_lock
from orchestration.run_report import (
    build_report,
    this_runs_quarantine,
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
    # set when nothing changed since an earlier run, which this one left as it was
    nothing_new_since: NothingNew | None = None

    @property
    def failed_checks(self) -> list[dict[str, Any]]:
        return [c for c in self.report["checks"] if not c["passed"] and c["severity"] == "error"]

    @property
    def warned_checks(self) -> list[dict[str, Any]]:
        return [c for c in self.report["checks"] if not c["passed"] and c["severity"] != "error"]


def run_pipeline(
    settings: Settings, selection: list[str] | None = None, *, force: bool = False
) -> RunOutcome:
    """Run the full-refresh job (or a selection of asset keys) on the persistent Dagster
    instance of `DAGSTER_HOME`, so the Dagster UI shows the run, its checks and its logs.

    A whole run whose inputs (landing files by content, settings, the product's code) are
    those of the last fully successful run stops before loading anything and leaves the
    published files as they are (`nothing_new_since`), unless `force`.

    Raises WarehouseBusyError when another run holds the warehouse. Everything the run
    creates is owner-only (pay is in the work warehouse, dlt's folders and the restricted
    file); only the published `spm.duckdb` and the public site are opened to everyone.
    """
    make_warehouse_dir(settings.warehouse_dir, settings.private_warehouse_parts)
    with warehouse_lock(settings.warehouse_dir), private_umask():
        _clean_up_after_killed_runs(settings)
        inputs = run_inputs(settings)
        previous = None if force or selection else nothing_new(settings, inputs)
        if previous is not None:
            return RunOutcome(
                success=True,
                published=False,
                report={"run_id": None, "status": "nothing_new", "checks": []},
                report_path="",
                nothing_new_since=previous,
            )
        forget_published(settings)
        started = dt.datetime.now(dt.UTC)
        as_of = settings.as_of.isoformat()
        marker = mark_run_started(settings.runs_dir, started.isoformat(), as_of)
        outcome = _run_pipeline(settings, selection, started)
        marker.unlink(missing_ok=True)
        if outcome.success and not selection and outcome.report.get("status") == "published":
            remember_published(
                settings,
                inputs,
                str(outcome.report.get("run_id")),
                str(outcome.report.get("finished_at")),
            )
        prune_dbt_targets(
            settings.warehouse_dir / "dbt_target",
            settings.keep_dbt_targets,
            current=str(outcome.report.get("run_id")),
        )
        return outcome


def _clean_up_after_killed_runs(settings: Settings) -> None:
    """Remove the temp files of dead runs; record each run that never reported as aborted."""
    remove_stale_temp_files(settings.warehouse_dir, settings.runs_dir)
    for abandoned in abandoned_runs(settings.runs_dir):
        began = abandoned.get("started_at") or dt.datetime.now(dt.UTC).isoformat()
        report = build_report(
            run_id=f"aborted-{abandoned['pid']}-{began.replace(':', '').replace('+', 'Z')}",
            started_at=dt.datetime.fromisoformat(began),
            as_of=dt.date.fromisoformat(abandoned.get("as_of_date") or settings.as_of.isoformat()),
            facts={},
            quarantined={},
            published=False,
            status="aborted",
        )
        report["finished_at"] = None
        report["root_causes"] = [
            {
                "step": "run",
                "error": "aborted",
                "message": f"the run of process {abandoned['pid']} started at {began} ended"
                " without a report (killed, or the machine stopped); nothing of it was published",
            }
        ]
        write_report(settings.runs_dir, report)


def _run_pipeline(
    settings: Settings, selection: list[str] | None, started: dt.datetime
) -> RunOutcome:
    from orchestration.definitions import build_definitions

    # Dagster logs every step event at DEBUG, and a failed step with its whole traceback at
    # ERROR. The CLI prints its own summary ending with the root cause, and the run's log file
    # keeps the warnings and tracebacks; the console shows Dagster's own lines only when
    # SPM_LOG_LEVEL asks for them.
    log_level = settings.log_level
    detailed = log_level in {"DEBUG", "INFO"}
    defs = build_definitions(settings.with_overrides(dbt_console_to_file=not detailed))
    job = defs.resolve_job_def(FULL_REFRESH)
    instance = persistent_instance()
    retire_dead_cli_runs(instance, settings.warehouse_dir)
    asset_selection = [dg.AssetKey.from_user_string(s) for s in selection] if selection else None
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        asset_selection=asset_selection,
        tags={
            WAREHOUSE_TAG: str(settings.warehouse_dir.resolve()),
            LAUNCHED_BY_TAG: "spm run",
            PROCESS_TAG: str(os.getpid()),
        },
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
    )
    events = instance.all_logs(result.run_id)
    facts = facts_with_test_rows(
        events,
        settings.dbt_target_dir(result.run_id),
        settings.work_db,
        settings.reader_duckdb_config("checks"),
    )
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
        quarantined=this_runs_quarantine(settings.work_db, events),
        published=published,
        status=status,
        failed_steps=failed_steps,
        missing_datasets=missing_report(settings.landing_dir),
    )
    report["landing"] = scan_landing(settings.landing_dir).as_report()
    report["root_causes"] = root_causes(events)
    for cause in report["root_causes"]:
        if cause.get("step") == "dbt_models":
            found = dbt_root_cause(settings.dbt_target_dir(result.run_id), settings.work_db)
            cause.update(found or {})
    report["log_file"] = str(write_run_log(settings.run_log(result.run_id), events))
    try:
        path = str(write_report(settings.runs_dir, report))
    except DiskFullError as exc:
        # the run's outcome still reaches the console; the report could not be kept
        path = f"(not written: {exc})"
        report["root_causes"].append(describe(exc, "run report"))
    return RunOutcome(
        success=bool(result.success) and published,
        published=published,
        report=report,
        report_path=path,
        failed_steps=failed_steps,
    )
