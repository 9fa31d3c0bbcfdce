"""The pipeline's dbt resource skips dagster-dbt's per-command `dbt --version` and adapter load,
and still reports the version of the dbt that runs."""

from __future__ import annotations

import re
import subprocess

from orchestration.dbt_cli_resource import SpmDbtCliResource
from orchestration.dbt_manifest import dbt_executable
from orchestration.defs.transform import dbt_resources
from orchestration.settings import DBT_PROJECT_DIR, Settings


def _resource(executable: str) -> SpmDbtCliResource:
    return SpmDbtCliResource(project_dir=str(DBT_PROJECT_DIR), dbt_executable=executable)


def test_the_version_is_the_one_dbt_itself_reports() -> None:
    said = subprocess.run(
        [dbt_executable(), "--version"], capture_output=True, text=True, check=True
    ).stdout
    reported = re.search(r"(\d+\.\d+\.\d+)", said)
    assert reported is not None, said
    assert str(_resource(dbt_executable())._cli_version) == reported.group(1)


def test_this_environments_dbt_is_not_started_to_tell_its_version(monkeypatch) -> None:
    import dagster_dbt.core.resource as dagster_dbt_resource

    def no_subprocess(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError(f"dbt was started: {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    assert _resource(dbt_executable())._cli_version.major == 1


def test_a_dbt_outside_this_environment_is_still_asked(tmp_path) -> None:
    elsewhere = tmp_path / "dbt"
    elsewhere.write_text("#!/bin/sh\necho 'Core:\n  - installed: 9.8.7'\n")
    elsewhere.chmod(0o755)
    assert str(_resource(str(elsewhere))._cli_version) == "9.8.7"


def test_no_dbt_adapter_is_loaded_into_the_pipeline_process() -> None:
    assert _resource(dbt_executable())._initialize_dbt_core_adapter(["build"]) is None


def test_the_pipeline_uses_it(tmp_path) -> None:
    settings = Settings.from_env().with_overrides(warehouse_dir=tmp_path / "warehouse")
    assert isinstance(dbt_resources(settings)["dbt"], SpmDbtCliResource)
