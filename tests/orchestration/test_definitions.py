"""The Dagster code location loads and keeps its asset-key contract (orchestration/README.md)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from ingestion.pipeline import SYSTEMS
from orchestration.dbt_manifest import load_manifest
from orchestration.definitions import build_definitions
from orchestration.defs.transform import TRANSLATOR


@pytest.fixture(scope="module")
def defs(tmp_path_factory: pytest.TempPathFactory) -> dg.Definitions:
    from tests.conftest import make_settings

    root = tmp_path_factory.mktemp("defs")
    landing = root / "landing"
    landing.mkdir()
    return build_definitions(make_settings(landing, root))


def _all_asset_keys(defs: dg.Definitions) -> set[dg.AssetKey]:
    graph = defs.resolve_asset_graph()
    return set(graph.get_all_asset_keys())


def test_definitions_validate(defs: dg.Definitions) -> None:
    dg.Definitions.validate_loadable(defs)


def test_every_dlt_asset_is_keyed_system_slash_table(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    dlt_keys = [key for key in graph.get_all_asset_keys() if graph.get(key).group_name == "ingest"]
    assert dlt_keys, "no ingestion assets"
    for key in dlt_keys:
        assert len(key.path) == 2, key
        assert key.path[0] in SYSTEMS, key
    assert {key.path[0] for key in dlt_keys} == set(SYSTEMS)


def test_every_dbt_source_has_a_producing_asset(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    materializable = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    manifest = load_manifest()
    sources = [s for s in manifest["sources"].values()]
    assert sources, "the dbt project declares no sources"
    missing = [
        TRANSLATOR.get_asset_key(s).to_user_string()
        for s in sources
        if TRANSLATOR.get_asset_key(s) not in materializable
    ]
    assert not missing, f"dbt sources with no producing dlt asset: {missing}"


def test_publish_depends_on_every_mart(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    publish = graph.get(dg.AssetKey("publish"))
    parents = set(publish.parent_keys)
    manifest = load_manifest()
    marts = [
        TRANSLATOR.get_asset_key(n)
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["config"].get("schema") in {"marts", "quarantine"}
    ]
    assert marts
    assert set(marts) <= parents


def test_dbt_tests_and_quality_suites_are_asset_checks(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    check_keys = graph.asset_check_keys
    names = {c.name for c in check_keys}
    assert any(name.startswith("unique_") or name.startswith("not_null_") for name in names)
    assets_checked = {c.asset_key.path[0] for c in check_keys}
    assert set(SYSTEMS) & assets_checked, "no Great Expectations check on a raw asset"


def test_every_dbt_data_test_is_an_asset_check(defs: dg.Definitions) -> None:
    """Singular tests reading several models name their asset (dbt meta `dagster.ref`);
    without it dagster-dbt logs them as observations, out of sight of the checks view."""
    manifest = load_manifest()
    tests = {
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and not node["unique_id"].startswith("unit_test.")
    }
    checks = {c.name for c in defs.resolve_asset_graph().asset_check_keys}
    assert tests - checks == set()


def test_schedules_jobs_and_sensor(defs: dg.Definitions) -> None:
    assert defs.resolve_job_def("full_refresh")
    assert defs.resolve_job_def("leadership_email")
    schedule = defs.resolve_schedule_def("weekly_leadership_email")
    assert schedule.cron_schedule == "0 7 * * 1"
    assert defs.resolve_sensor_def("landing_folder_sensor")


def test_definitions_module_imports(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`dagster dev -m orchestration.definitions` imports the module as it is."""
    import importlib

    warehouse = tmp_path / "warehouse"
    monkeypatch.setenv("SPM_WAREHOUSE_DIR", str(warehouse))
    module = importlib.import_module("orchestration.definitions")
    assert not (warehouse / "dlt_pipelines").exists(), "importing the module built definitions"
    loaded = module.defs()
    assert isinstance(loaded, dg.Definitions)
    assert loaded.resolve_job_def("full_refresh")


def test_a_quality_check_on_an_unknown_asset_stops_the_build(tmp_path: Path) -> None:
    """A check whose table was renamed must not silently drop out of the publishing gate."""
    from orchestration.defs.quality import build_quality_checks
    from orchestration.settings import Settings

    settings = Settings.from_env().with_overrides(warehouse_dir=tmp_path)
    manifest = load_manifest()
    with pytest.raises(ValueError, match=r"quality check \S+ is on \S+, which is no asset"):
        build_quality_checks(settings, manifest, known_keys=set())
