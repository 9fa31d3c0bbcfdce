"""Run dbt on the project in a subprocess, against a given warehouse file.

dbt runs with its own target path and warehouse file, so that tests running in parallel
(pytest-xdist) or beside a developer's `spm run` never share state.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from ingestion.duckdb_resources import duckdb_temp_dir

ROOT = Path(__file__).resolve().parents[3]
DBT_PROJECT = ROOT / "dbt_project"
DBT = ROOT / ".venv" / "bin" / "dbt"


def dbt_arguments(
    args: list[str], target_dir: Path, dbt_vars: dict | None = None, target: str | None = None
) -> list[str]:
    """`args` plus the project, profiles, target and log folders (and vars, and the profile
    target) every test's dbt invocation needs, without the executable."""
    arguments = [*args] + (["--target", target] if target else [])
    arguments += ["--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT)]
    arguments += ["--target-path", str(target_dir / "target")]
    # no dbt file log: the tests read dbt's console output, and the file costs an eighth
    # of a build (tests/bench/README.md)
    arguments += ["--log-path", str(target_dir / "logs"), "--log-level-file", "none"]
    if dbt_vars:
        arguments += ["--vars", json.dumps(dbt_vars)]
    return arguments


def dbt_environment(**settings: str) -> dict[str, str]:
    """The process environment for a dbt subprocess, with `settings` (SPM_WORK_DB, ...)."""
    env = dict(os.environ)
    env.update(settings)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env.pop("DBT_PROFILES_DIR", None)
    return env


def run_dbt(
    args: list[str], work_db: Path, target_dir: Path, dbt_vars: dict | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `dbt <args>` on the project against `work_db`; returns the finished process."""
    return subprocess.run(
        [str(DBT if DBT.exists() else "dbt"), *dbt_arguments(args, target_dir, dbt_vars)],
        # DuckDB spills beside the test's warehouse, never into the project's warehouse/
        # (parallel tests sharing one spill folder would remove it under each other)
        env=dbt_environment(
            SPM_WORK_DB=str(work_db), SPM_DUCKDB_TEMP_DIR=str(duckdb_temp_dir(work_db.parent))
        ),
        capture_output=True,
        text=True,
        check=False,
    )


def dbt_failure_summary(done: subprocess.CompletedProcess[str]) -> str:
    """The lines of a dbt log that say what failed (the whole log is too long to read)."""
    keep = [
        line
        for line in done.stdout.splitlines()
        if any(word in line for word in ("ERROR", "FAIL", "Failure", "Error", "error", "WARN"))
    ]
    return "\n".join(keep[-80:]) or done.stdout[-4000:] + done.stderr[-2000:]
