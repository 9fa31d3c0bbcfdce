"""Dagster assets of the dlt sources: one multi-asset per source system.

Asset keys follow the contract `<system>/<resource>` (e.g. `crm/opportunity`), the same key
dagster-dbt gives the dbt source table `<system>.<resource>`, so lineage runs unbroken from
landing file to mart.
"""

from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData

from ingestion.pipeline import (
    API_SYSTEMS,
    crm_system,
    ingest_systems,
    loading,
    make_pipeline,
    make_source,
    writer_connection,
)
from ingestion.presence import absent_reason, system_to_load
from ingestion.raw_tables import create_missing_raw_tables
from orchestration.defs.keys import WRITER_POOL
from orchestration.root_cause import failure_with_root_cause, log_load_notes
from orchestration.run_lock import warehouse_lock
from orchestration.settings import Settings

INGEST_GROUP = "ingest"


class SystemTranslator(DagsterDltTranslator):
    """Keys a dlt resource as `<system>/<resource>` and groups it under ingestion."""

    def __init__(self, system: str) -> None:
        self.system = system

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        spec = super().get_asset_spec(data)
        return spec.replace_attributes(
            key=dg.AssetKey([self.system, data.resource.name]),
            deps=[],
            group_name=INGEST_GROUP,
            kinds={"dlt", "duckdb"},
            description=(
                f"Raw `{data.resource.name}` of the {self.system} system, loaded by dlt into "
                f"`raw_{self.system}.{data.resource.name}` of the work warehouse."
            ),
        )


def _system_assets(system: str, settings: Settings) -> dg.AssetsDefinition:
    connection = settings.crm_connection if system == crm_system(settings.crm) else "files"
    from_api = connection == "api" or system in API_SYSTEMS
    source = make_source(system, settings.landing_dir, connection)
    pipeline = make_pipeline(
        system, settings.warehouse_dir, settings.duckdb_memory_limit, settings.duckdb_threads
    )

    @dlt_assets(
        dlt_source=source,
        dlt_pipeline=pipeline,
        name=f"load_{system}",
        dagster_dlt_translator=SystemTranslator(system),
        pool=WRITER_POOL,
    )
    def _load(context: dg.AssetExecutionContext, dlt: DagsterDltResource) -> Iterator[Any]:
        # the same load path as `ingestion.pipeline.load_system`: private files, notes,
        # abort of half-extracted packages, errors that name file, row and field
        with warehouse_lock(settings.warehouse_dir), failure_with_root_cause():
            if not from_api and not system_to_load(settings.landing_dir, system):
                # raises when the system landed before and vanished, or when there is no CRM
                reason = absent_reason(system, settings.landing_dir, settings.work_db)
                created = create_missing_raw_tables(settings.work_db, [system])
                context.log.info(f"{reason}; raw tables created empty: {created or 'none'}")
                for key in sorted(context.selected_asset_keys):
                    yield dg.MaterializeResult(
                        asset_key=key, metadata={"skipped": reason, "rows_loaded": 0}
                    )
                return
            memory, threads = settings.duckdb_memory_limit, settings.duckdb_threads
            with writer_connection(settings.warehouse_dir, memory, threads) as con:
                held = make_pipeline(system, settings.warehouse_dir, connection=con)
                with loading(system, held) as collected:
                    yield from dlt.run(context=context, dlt_pipeline=held)
                created = create_missing_raw_tables(con, [system])
            log_load_notes(context, collected)
            if created:
                context.log.info(f"{system}: raw tables created empty: {', '.join(created)}")

    return _load


def build_ingest_assets(settings: Settings) -> list[dg.AssetsDefinition]:
    """One dlt multi-asset per source system (the configured CRM's), in the writer pool."""
    return [_system_assets(system, settings) for system in ingest_systems(settings.crm)]


def ingest_resources() -> dict[str, Any]:
    return {"dlt": DagsterDltResource()}
