"""The dbt models as Dagster assets (dagster-dbt), their tests as asset checks.

dbt sources resolve to the dlt assets' keys (`<system>/<table>`), so the graph runs from
landing file to mart. dbt runs with the business vars of the settings (as-of date, fiscal year
start, corporate currency), in the single DuckDB writer pool.
"""

import contextlib
import json
import os
import shutil
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
from orchestration.child_watchdog import watch_child
from orchestration.dbt_cli_resource import SpmDbtCliResource
from orchestration.dbt_manifest import (
    dbt_executable,
    dbt_file_log_arguments,
    ensure_manifest,
    os_environ_for_dbt,
)
from orchestration.defs.keys import WRITER_POOL
from orchestration.run_lock import warehouse_lock
from orchestration.settings import DBT_PROJECT_DIR, Settings

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
    manifest_path = ensure_manifest(settings)
    dbt_vars = json.dumps(settings.dbt_vars())

    @dbt_assets(
        # the parsed manifest, not its path: dagster-dbt caches a manifest by path, and the
        # file is parsed again when the CRM (var crm) changes within one process
        manifest=json.loads(manifest_path.read_text()),
        dagster_dbt_translator=TRANSLATOR,
        name="dbt_models",
        pool=WRITER_POOL,
    )
    def _dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
        os_environ_for_dbt(settings)
        target = settings.dbt_target_dir(context.run_id)
        parse_state = target.parent / PARTIAL_PARSE
        _copy_if_exists(parse_state, target / PARTIAL_PARSE)
        # Unit tests check the SQL logic, not the data: they run in the test suite (dbt's
        # advice for production), which keeps the pipeline run to the data tests.
        args = ["build", "--exclude-resource-type", "unit_test", "--vars", dbt_vars]
        args += dbt_file_log_arguments()
        with warehouse_lock(settings.warehouse_dir), private_umask():
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
        _copy_if_exists(target / PARTIAL_PARSE, parse_state)

    return _dbt


PARTIAL_PARSE = "partial_parse.msgpack"


def _copy_if_exists(source: Path, destination: Path) -> None:
    """Carry dbt's parse state between the runs of one warehouse.

    Each run has its own target folder (its compiled SQL is kept), so dbt would parse the
    whole project every run: ~20 s of a small company's run. dbt checks the state itself
    (project files, vars, profile) and parses in full when it no longer matches, so a stale
    copy costs nothing but that parse.
    """
    if not source.exists():
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(destination.name + ".tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, destination)


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
