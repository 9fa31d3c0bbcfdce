"""The dbt manifest that dagster-dbt needs before any definition can be imported.

`dbt parse` writes `dbt_project/target/manifest.json`; the CLI and the tests call
`ensure_manifest()` first, because dagster-dbt's `prepare_if_dev` only acts under `dagster dev`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from orchestration.dbt_parse_state import share_parse
from orchestration.settings import DBT_PROJECT_DIR, Settings

MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"


def dbt_executable() -> str:
    """The dbt of this environment (beside the running Python), not whatever is on PATH:
    `spm-dbt`, dbt started in the warehouse's folder (`orchestration.dbt_in_warehouse`), which
    the profile's relative warehouse path needs (`Settings.dbt_profile_env`)."""
    candidate = Path(sys.executable).parent / "spm-dbt"
    if not candidate.exists():
        raise RuntimeError(
            f"{candidate} is missing: the project is not installed in this environment"
            " (run `make setup`)"
        )
    return str(candidate)


def dbt_file_log_arguments() -> list[str]:
    """dbt's own file log is off unless `DBT_LOG_LEVEL_FILE` asks for it.

    `spm run` keeps every dbt event of the console, one JSON line each, in the run's
    `dbt_console.log`; dbt's file log would write them again with debug detail (11 MB for a
    small company's build), and having it on at all cost an eighth of that build (22.0 s
    against 19.1 s, tests/bench/README.md). `DBT_LOG_LEVEL_FILE=debug` brings it back: in the
    run's target folder for the build, in `<warehouse>/dbt_logs` for the docs and `spm check`.
    """
    return [] if os.environ.get("DBT_LOG_LEVEL_FILE") else ["--log-level-file", "none"]


def dbt_command(
    settings: Settings, args: list[str], target_path: Path
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of one dbt command run beside a run (`spm check`'s
    tests, the Spark engine's steps): the project, its profile with this warehouse, the
    settings' vars, `target_path` for its artifacts, dbt's log folder `<warehouse>/dbt_logs`
    and no dbt file log unless asked for (`dbt_file_log_arguments`)."""
    command = [
        dbt_executable(),
        *args,
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target_path),
        "--vars",
        json.dumps(settings.dbt_vars()),
        *dbt_file_log_arguments(),
    ]
    env = settings.dbt_env()
    env["DBT_LOG_PATH"] = str(settings.warehouse_dir / "dbt_logs")
    return command, env


def _sources_newer_than(path: Path) -> bool:
    built = path.stat().st_mtime
    for pattern in ("**/*.sql", "**/*.yml", "**/*.csv", "**/*.yaml"):
        for file in DBT_PROJECT_DIR.glob(pattern):
            if "target" in file.parts or "logs" in file.parts:
                continue
            if file.stat().st_mtime > built:
                return True
    return False


def parse_project(settings: Settings | None = None) -> Path:
    """Run `dbt parse` so that manifest.json reflects the models on disk."""
    settings = settings or Settings.from_env()
    env = settings.dbt_env()
    env.setdefault("DBT_LOG_PATH", str(DBT_PROJECT_DIR / "logs"))
    cmd = [
        dbt_executable(),
        "parse",
        "--quiet",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--vars",
        json.dumps(settings.dbt_vars()),
    ]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError("dbt parse failed:\n" + (done.stdout or "") + (done.stderr or ""))
    # the first run of a new warehouse with these settings starts from this parse
    share_parse(settings, MANIFEST_PATH.parent)
    return MANIFEST_PATH


def _parsed_for_hubspot(path: Path) -> bool:
    """Whether the manifest was parsed with var crm = hubspot (its raw_hubspot source is on)."""
    sources = json.loads(path.read_text()).get("sources", {})
    return any(source.get("source_name") == "hubspot" for source in sources.values())


def ensure_manifest(settings: Settings | None = None) -> Path:
    """Return the manifest path, parsing the project when it is missing or stale.

    The CRM (var `crm`) decides which raw sources exist, so a manifest parsed for another CRM
    is stale too.
    """
    stale = not MANIFEST_PATH.exists() or _sources_newer_than(MANIFEST_PATH)
    if not stale and settings is not None:
        stale = _parsed_for_hubspot(MANIFEST_PATH) != (settings.crm == "hubspot")
    if stale:
        parse_project(settings)
    return MANIFEST_PATH


def load_manifest() -> dict:
    return json.loads(ensure_manifest().read_text())


def os_environ_for_dbt(settings: Settings) -> None:
    """dagster-dbt starts dbt with this process's environment: point it at our warehouse."""
    os.environ.update(settings.dbt_profile_env())
    os.environ["DBT_LOG_PATH"] = str(settings.warehouse_dir / "dbt_logs")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
