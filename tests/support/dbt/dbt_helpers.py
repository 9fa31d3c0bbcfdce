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

dbt runs inside the test's own process (dbt's `dbtRunner`), not as a new `dbt` process: a new
process spends about 3.5 s of CPU before and after the first node (importing dbt, loading and
writing its manifest the first time), a run in a process that has run dbt before about 1 s, and
the suite starts dbt some forty times. The pipeline's own dbt (`spm run`) stays a process of its
own; `separate_process=True` gives that here (the benchmark measures dbt as the pipeline runs
it).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import subprocess
import traceback
from collections.abc import Iterator
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
    args: list[str],
    work_db: Path,
    target_dir: Path,
    dbt_vars: dict | None = None,
    *,
    separate_process: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run `dbt <args>` on the project against `work_db`; returns what a finished `dbt`
    process would (exit code 0 passed, 1 failed, 2 dbt itself failed; its console output).

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
    arguments = dbt_arguments(args, target_dir, dbt_vars)
    settings = {"SPM_WORK_DB": work_db.name, "SPM_DUCKDB_TEMP_DIR": str(spill), **as_of_env}
    if separate_process:
        done = subprocess.run(
            [str(DBT if DBT.exists() else "dbt"), *arguments],
            cwd=folder,
            env=dbt_environment(**settings),
            capture_output=True,
            text=True,
            check=False,
        )
    else:
        done = dbt_in_this_process(arguments, folder, settings)
    if cached is not None and not cached.exists() and (target / PARSE_FILE).exists():
        copy_atomically(target / PARSE_FILE, cached)  # whole or not at all, for the other worker
    return done


def dbt_in_this_process(
    arguments: list[str], folder: Path, settings: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """dbt's `dbtRunner` in this process, in `folder` and with `settings` in the environment
    (both as they were afterwards), its console output captured; the warehouse closed after."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.cli.main import dbtRunner

    out, err = io.StringIO(), io.StringIO()
    with (
        _environment(settings),
        contextlib.chdir(folder),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            result = dbtRunner().invoke(arguments)
        finally:
            # dbt-duckdb keeps its database open for the next invocation (a class attribute
            # closed only at exit); the test reads the file next, with a configuration of its own
            DuckDBConnectionManager.close_all_connections()
    if result.exception is not None:
        err.write("".join(traceback.format_exception(result.exception)))
    code = 0 if result.success else (1 if result.exception is None else 2)
    return subprocess.CompletedProcess(["dbt", *arguments], code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _environment(settings: dict[str, str]) -> Iterator[None]:
    """`dbt_environment(**settings)` as this process's environment, the old one afterwards."""
    before, during = dict(os.environ), dbt_environment(**settings)
    os.environ.clear()
    os.environ.update(during)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(before)


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
