"""Jobs, schedules and the landing-folder sensor."""

import os

import dagster as dg

from orchestration.settings import Settings

FULL_REFRESH = "full_refresh"
DAILY_REFRESH = "daily_refresh"


def build_jobs() -> list:
    everything = dg.AssetSelection.all()
    return [
        dg.define_asset_job(
            FULL_REFRESH,
            selection=everything,
            description="Load every source, build and test every model, check, publish, render.",
        ),
        dg.define_asset_job(
            DAILY_REFRESH,
            selection=everything,
            description="The same pipeline on the daily schedule: loads are incremental.",
        ),
    ]


def build_schedules(settings: Settings, email_job: dg.JobDefinition) -> list[dg.ScheduleDefinition]:
    return [
        dg.ScheduleDefinition(
            name="daily_refresh_schedule",
            job_name=DAILY_REFRESH,
            cron_schedule="0 5 * * *",
            execution_timezone=settings.email_timezone,
            description="Every day at 05:00: incremental load, build, check, publish, render.",
        ),
        dg.ScheduleDefinition(
            name="weekly_leadership_email",
            job=email_job,
            cron_schedule="0 7 * * 1",
            execution_timezone=settings.email_timezone,
            description=(
                "Mondays 07:00: the leadership digest if the last run published, otherwise a "
                "'numbers delayed' note naming the failed checks."
            ),
        ),
    ]


def newest_landing_mtime(settings: Settings) -> float:
    newest = 0.0
    if not settings.landing_dir.exists():
        return newest
    for root, _dirs, files in os.walk(settings.landing_dir):
        for name in files:
            newest = max(newest, os.stat(os.path.join(root, name)).st_mtime)
    return newest


def build_landing_sensor(settings: Settings) -> dg.SensorDefinition:
    @dg.sensor(
        name="landing_folder_sensor",
        job_name=DAILY_REFRESH,
        minimum_interval_seconds=60,
        description="Starts a refresh when a file in the landing folder is new or changed.",
    )
    def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        newest = newest_landing_mtime(settings)
        last = float(context.cursor or 0)
        if newest <= last:
            return dg.SensorResult(skip_reason="No new or changed landing files.")
        return dg.SensorResult(
            run_requests=[dg.RunRequest(run_key=f"landing-{newest:.0f}")],
            cursor=str(newest),
        )

    return landing_sensor
