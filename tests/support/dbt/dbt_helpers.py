"""Run dbt on the project in a subprocess, against a given warehouse file.

dbt runs with its own target path and warehouse file, so that tests running in parallel
(pytest-xdist) or beside a developer's `spm run` never share state.

dbt parses the whole project again (about 4 s of a 7 s parse) whenever its saved parse was
made for other vars or another profile, and the profile holds the warehouse's path: every
test warehouse forced a full parse. So `run_dbt` starts dbt in the warehouse's folder and
names the warehouse and its spill folder relative to it (the same profile for every test, as
the pipeline's `spm-dbt` does: `orchestration/dbt_in_warehouse.py`),
and keeps each parse it makes, by vars, in a folder shared by the run's workers
(`SPM_TEST_DBT_PARSE_CACHE`, set by tests/conftest.py): the next build with the same vars
starts from it. dbt checks the saved parse against the project's files, vars, profile and
version and parses in full when anything differs, so a cached parse can cost time, never
correctness.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

from ingestion.duckdb_resources import duckdb_temp_dir
from orchestration.dbt_parse_state import PARSE_FILE, copy_atomically

ROOT = Path(__file__).resolve().parents[3]
DBT_PROJECT = ROOT / "dbt_project"
DBT = ROOT / ".venv" / "bin" / "dbt"
PARSE_CACHE_VARIABLE = "SPM_TEST_DBT_PARSE_CACHE"


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
    """Run `dbt <args>` on the project against `work_db`; returns the finished process.

    An `as_of_date` among `dbt_vars` goes to dbt as `spm run` passes it, in the environment
    (`SPM_AS_OF`), so that companies of different as-of dates share one parse."""
    folder = work_db.parent
    dbt_vars = dict(dbt_vars or {})
    as_of = dbt_vars.pop("as_of_date", None)
    as_of_env = {} if as_of is None else {"SPM_AS_OF": str(as_of)}
    # DuckDB spills beside the test's warehouse, never into the project's warehouse/
    # (parallel tests sharing one spill folder would remove it under each other)
    spill = duckdb_temp_dir(folder).relative_to(folder)
    cached = _cached_parse(dbt_vars, work_db.name, str(spill))
    target = target_dir / "target"
    if cached is not None and cached.exists() and not (target / PARSE_FILE).exists():
        copy_atomically(cached, target / PARSE_FILE)
    done = subprocess.run(
        [str(DBT if DBT.exists() else "dbt"), *dbt_arguments(args, target_dir, dbt_vars)],
        cwd=folder,
        env=dbt_environment(SPM_WORK_DB=work_db.name, SPM_DUCKDB_TEMP_DIR=str(spill), **as_of_env),
        capture_output=True,
        text=True,
        check=False,
    )
    if cached is not None and not cached.exists() and (target / PARSE_FILE).exists():
        copy_atomically(target / PARSE_FILE, cached)  # whole or not at all, for the other worker
    return done


def _cached_parse(dbt_vars: dict | None, work_db_name: str, spill: str) -> Path | None:
    """Where the run's parse for these vars and relative paths is kept (None: no cache)."""
    folder = os.environ.get(PARSE_CACHE_VARIABLE)
    if not folder:
        return None
    key = json.dumps([dbt_vars or {}, work_db_name, spill], sort_keys=True, default=str)
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder) / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.msgpack"


def dbt_failure_summary(done: subprocess.CompletedProcess[str]) -> str:
    """The lines of a dbt log that say what failed (the whole log is too long to read)."""
    keep = [
        line
        for line in done.stdout.splitlines()
        if any(word in line for word in ("ERROR", "FAIL", "Failure", "Error", "error", "WARN"))
    ]
    return "\n".join(keep[-80:]) or done.stdout[-4000:] + done.stderr[-2000:]
