"""The dbt models as Dagster assets (dagster-dbt), their tests as asset checks.

dbt sources resolve to the dlt assets' keys (`<system>/<table>`), so the graph runs from
landing file to mart. dbt runs with the business vars of the settings (as-of date, fiscal year
start, corporate currency), in the single DuckDB writer pool. With `SPM_ENGINE=spark` the same
models and tests build on Spark and their tables are copied back into the work warehouse
(`orchestration.spark_engine`).
"""

import contextlib
import json
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from ingestion.file_modes import private_umask
from ingestion.lake import mirror_raw_tables
from ingestion.process_environment import environ_set
from orchestration.child_watchdog import watch_child
from orchestration.dbt_cli_resource import SpmDbtCliResource
from orchestration.dbt_manifest import (
    dbt_executable,
    dbt_file_log_arguments,
    ensure_manifest,
    os_environ_for_dbt,
)
from orchestration.dbt_parse_state import save_parse, start_from_saved_parse
from orchestration.defs.keys import WRITER_POOL
from orchestration.run_lock import warehouse_lock
from orchestration.settings import DBT_PROJECT_DIR, Settings
from orchestration.spark_engine import (
    SPARK_BUILD_ARGUMENTS,
    built_tables,
    copy_spark_tables,
    create_empty_duckdb_relations,
    register_raw_tables,
    require_java,
)

PUBLISHED_SCHEMAS = ("marts", "marts_restricted", "quarantine")


class SpmDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by their layer (staging, intermediate, marts, ...)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return None
        schema = dbt_resource_props.get("config", {}).get("schema") or "transform"
        return f"dbt_{schema}"


TRANSLATOR = SpmDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def published_model_keys(manifest: Mapping[str, Any]) -> list[dg.AssetKey]:
    """Asset keys of every model that publish copies (marts, restricted marts, quarantine)."""
    keys = []
    for node in manifest["nodes"].values():
        if node["resource_type"] not in {"model", "seed", "snapshot"}:
            continue
        if (node.get("config", {}).get("schema") or "") in PUBLISHED_SCHEMAS:
            keys.append(TRANSLATOR.get_asset_key(node))
    return sorted(keys, key=lambda k: k.to_user_string())


def model_asset_key(manifest: Mapping[str, Any], model_name: str) -> dg.AssetKey | None:
    """The Dagster key of a dbt model given by name (None when it does not exist)."""
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["name"] == model_name:
            return TRANSLATOR.get_asset_key(node)
    return None


def build_dbt_assets(settings: Settings) -> dg.AssetsDefinition:
    manifest = json.loads(ensure_manifest(settings).read_text())
    dbt_vars = json.dumps(settings.dbt_vars())

    @dbt_assets(
        # the parsed manifest, not its path: dagster-dbt caches a manifest by path, and the
        # file is parsed again when the CRM (var crm) changes within one process
        manifest=manifest,
        dagster_dbt_translator=TRANSLATOR,
        name="dbt_models",
        pool=WRITER_POOL,
    )
    def _dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
        os_environ_for_dbt(settings)
        target = settings.dbt_target_dir(context.run_id)
        start_from_saved_parse(settings, target)
        # Unit tests check the SQL logic, not the data: they run in the test suite (dbt's
        # advice for production), which keeps the pipeline run to the data tests.
        args = ["build", "--exclude-resource-type", "unit_test", "--vars", dbt_vars]
        args += dbt_file_log_arguments()
        with warehouse_lock(settings.warehouse_dir), private_umask():
            if settings.engine == "spark":
                args += SPARK_BUILD_ARGUMENTS
                _prepare_spark(context, settings, target)
            with environ_set(settings.dbt_as_of_env()):
                invocation = dbt.cli(args, context=context, target_path=target)
            # a kill -9 of the run must not leave `dbt build` writing to the warehouse
            watchdog = watch_child(invocation.process.pid)
            try:
                if settings.dbt_console_to_file:
                    # dagster-dbt echoes every dbt event to stdout (about 1,200 lines a run)
                    target.mkdir(parents=True, exist_ok=True)
                    console = settings.dbt_console_log(context.run_id).open("w", encoding="utf-8")
                    with console, contextlib.redirect_stdout(console):
                        yield from invocation.stream()
                else:
                    yield from invocation.stream()
            finally:
                watchdog.kill()
                watchdog.wait()
            if settings.engine == "spark":
                _copy_back_from_spark(context, settings, target, manifest)
        save_parse(settings, target)

    return _dbt


def _prepare_spark(context: dg.AssetExecutionContext, settings: Settings, target: Path) -> None:
    """The raw tables in the lake and in Spark's metastore, before `dbt build` on Spark."""
    started = time.monotonic()
    require_java()
    tables = mirror_raw_tables(settings.work_db, settings.lake, settings.duckdb_config())
    register_raw_tables(settings, tables, target / "spark_sources")
    count = sum(len(names) for names in tables.values())
    context.log.info(
        f"spark: {count} raw tables mirrored to {settings.lake} and registered"
        f" ({time.monotonic() - started:.1f} s)"
    )


def _copy_back_from_spark(
    context: dg.AssetExecutionContext,
    settings: Settings,
    target: Path,
    manifest: Mapping[str, Any],
) -> None:
    """What Spark built, into the work warehouse that the checks and the publish step read."""
    started = time.monotonic()
    create_empty_duckdb_relations(settings, target / "duckdb_relations")
    copied = copy_spark_tables(settings, built_tables(manifest))
    context.log.info(
        f"spark: {len(copied)} tables ({sum(copied.values()):,} rows) copied into"
        f" {settings.work_db.name} ({time.monotonic() - started:.1f} s)"
    )


def dbt_resources(settings: Settings) -> dict[str, Any]:
    os_environ_for_dbt(settings)
    return {
        "dbt": SpmDbtCliResource(
            project_dir=str(DBT_PROJECT_DIR),
            profiles_dir=str(DBT_PROJECT_DIR),
            dbt_executable=dbt_executable(),
        )
    }


def load_manifest_json() -> dict[str, Any]:
    return json.loads(ensure_manifest().read_text())
