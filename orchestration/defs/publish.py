"""The `publish` asset: the write-audit-publish gate between the work and published warehouses.

It depends on every mart, restricted mart and quarantine model, so Dagster runs it only after
they were built and their blocking checks passed (a failed dbt test fails the dbt step; a failed
blocking Great Expectations check stops everything downstream). It then swaps in new published
files atomically and records the run report.
"""

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration.dbt_docs import DbtDocsError, build_dbt_docs
from orchestration.dbt_test_samples import facts_with_test_rows
from orchestration.defs.keys import PUBLISH_KEY, WRITER_POOL
from orchestration.defs.transform import published_model_keys
from orchestration.publication import build_publication
from orchestration.publish import docs_from_manifest, publish
from orchestration.publish_postgres import describe_url, keys_from_manifest, publish_to_postgres
from orchestration.root_cause import failure_with_root_cause
from orchestration.run_lock import warehouse_lock
from orchestration.run_report import (
    build_report,
    previous_reports,
    quarantine_counts,
)
from orchestration.settings import DBT_PROJECT_DIR, Settings


def build_publish_asset(settings: Settings, manifest: Mapping[str, Any]) -> dg.AssetsDefinition:
    docs = docs_from_manifest(manifest)
    keys = keys_from_manifest(manifest)

    @dg.asset(
        key=PUBLISH_KEY,
        deps=published_model_keys(manifest),
        group_name="publish",
        kinds={"duckdb"},
        pool=WRITER_POOL,
        description=(
            "Copies schemas marts and quarantine into a new spm.duckdb (and marts_restricted into "
            "spm_restricted.duckdb, mode 0600) and swaps them in atomically, only after every "
            "blocking check passed; with SPM_PUBLISH_POSTGRES_URL set, also replaces those "
            "schemas in PostgreSQL, in one transaction, before the files are swapped."
        ),
    )
    def publish_asset(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        # The run's start is on its record (a DagsterRun has none): the published report then
        # says when the run began, not when its publish step did.
        record = context.instance.get_run_record_by_id(context.run_id)
        started = dt.datetime.fromtimestamp(
            (record.start_time if record is not None else None)
            or dt.datetime.now(dt.UTC).timestamp(),
            dt.UTC,
        )
        facts = facts_with_test_rows(
            context.instance.all_logs(context.run_id),
            settings.dbt_target_dir(context.run_id),
            settings.work_db,
            settings.reader_duckdb_config("checks"),
        )
        report = build_report(
            run_id=context.run_id,
            started_at=started,
            as_of=settings.as_of,
            facts=facts,
            quarantined=quarantine_counts(settings.work_db),
            published=True,
            status="published",
        )
        earlier = [r for r in previous_reports(settings.runs_dir) if r["run_id"] != context.run_id]
        publication = build_publication(report, settings.landing_dir, DBT_PROJECT_DIR / "models")
        postgres: dict[str, Any] = {}

        def publish_postgres(restricted_file: Path) -> None:
            if not settings.publish_postgres_url:
                return
            done = publish_to_postgres(
                settings.publish_postgres_url,
                restricted_file,
                keys,
                settings.warehouse_dir,
                config=settings.duckdb_config(),
            )
            postgres.update(seconds=round(done.seconds, 1), tables=len(done.tables))
            context.log.info(
                f"Published {len(done.tables)} tables to "
                f"{describe_url(settings.publish_postgres_url)} in {done.seconds:.1f}s"
            )

        with warehouse_lock(settings.warehouse_dir), failure_with_root_cause():
            result = publish(
                settings.work_db,
                settings.warehouse_dir,
                docs,
                [*earlier, report],
                publication=publication,
                before_swap=publish_postgres,
                config=settings.duckdb_config(),
            )
            try:
                metadata_docs = str(build_dbt_docs(settings, context.run_id))
            except DbtDocsError as exc:
                metadata_docs = "not built"
                context.log.warning(f"The data is published, but dbt's docs were not built: {exc}")
        _record_counts_for_drift(settings)
        metadata: dict[str, Any] = {
            "published_db": dg.MetadataValue.path(str(result.published_db)),
            "restricted_db": dg.MetadataValue.path(str(result.restricted_db)),
            "tables": dg.MetadataValue.json(result.tables),
            "rows_quarantined": report["rows_quarantined_total"],
            "as_of_date": str(publication["as_of_date"]),
            "models_git_revision": str(publication["models_git_revision"]),
            "dbt_docs": metadata_docs,
        }
        if postgres:
            metadata["postgres"] = describe_url(settings.publish_postgres_url or "")
            metadata["postgres_seconds"] = postgres["seconds"]
        return dg.MaterializeResult(metadata=metadata)

    return publish_asset


def _record_counts_for_drift(settings: Settings) -> None:
    """After a successful publish, the row counts become the baseline of the drift checks."""
    from data_quality import record_successful_counts

    record_successful_counts(settings.work_db, settings.warehouse_dir / "quality_state")
