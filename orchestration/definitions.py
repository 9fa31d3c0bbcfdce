"""The Dagster code location: it only assembles what `defs/` defines.

`dagster dev -m orchestration.definitions` (or `make dev`) serves `defs`; the `spm` CLI builds
the same definitions with `build_definitions(settings)` for its in-process runs.
"""

from __future__ import annotations

import dagster as dg

from orchestration.dbt_manifest import load_manifest
from orchestration.defs.automation import build_jobs, build_landing_sensor, build_schedules
from orchestration.defs.ingest import build_ingest_assets, ingest_resources
from orchestration.defs.landing_check import build_landing_check
from orchestration.defs.publish import build_publish_asset
from orchestration.defs.quality import build_quality_checks
from orchestration.defs.reports import build_email_job, build_report_assets
from orchestration.defs.transform import build_dbt_assets, dbt_resources
from orchestration.settings import Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    manifest = load_manifest()
    ingest = build_ingest_assets(settings)
    dbt = build_dbt_assets(settings)
    publish = build_publish_asset(settings, manifest)
    reports = build_report_assets(settings)
    assets = [*ingest, dbt, publish, *reports]
    known_keys = {key for a in assets for key in a.keys}
    checks = [*build_quality_checks(settings, manifest, known_keys), build_landing_check(settings)]
    email_job = build_email_job(settings)
    return dg.Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=[*build_jobs(), email_job],
        schedules=build_schedules(settings, email_job),
        sensors=[build_landing_sensor(settings)],
        resources={**ingest_resources(), **dbt_resources(settings)},
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    """The code location, built from the environment's settings when Dagster loads it.

    Lazy: importing this module (the CLI and the tests import `build_definitions`) builds
    nothing. Built at import, it made every importer create dlt's pipeline folders in the
    environment's warehouse, and two test workers doing that at once collided.
    """
    return build_definitions(Settings.from_env())
