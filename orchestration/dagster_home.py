"""The project's persistent Dagster instance, shared by `spm run` and `make dev`.

`spm run` records its runs there, so the Dagster UI shows every CLI run with its
materializations, check results and logs beside the runs it launched itself. The instance
lives in `DAGSTER_HOME` (the Makefile exports `.dagster_home` of the project by default);
its `dagster.yaml` is the project's `orchestration/dagster.yaml`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import dagster as dg

from orchestration.settings import PROJECT_ROOT

INSTANCE_CONFIG = PROJECT_ROOT / "orchestration" / "dagster.yaml"
DEFAULT_HOME = PROJECT_ROOT / ".dagster_home"
# Tags of the runs `spm run` starts: which warehouse each wrote.
WAREHOUSE_TAG = "spm/warehouse"
LAUNCHED_BY_TAG = "spm/launched_by"
# the process of a `spm run`: a run whose process is gone was killed, whatever its warehouse
PROCESS_TAG = "spm/pid"
_UNFINISHED = [
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def dagster_home() -> Path:
    """`DAGSTER_HOME` (set to the project's `.dagster_home` when unset), with a dagster.yaml."""
    home = Path(os.environ.get("DAGSTER_HOME") or DEFAULT_HOME).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(INSTANCE_CONFIG, config)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def persistent_instance() -> dg.DagsterInstance:
    """The instance of `DAGSTER_HOME`, the one `make dev` serves."""
    dagster_home()
    return dg.DagsterInstance.get()


def _process_alive(pid_text: str | None) -> bool:
    try:
        pid = int(pid_text or "")
    except ValueError:
        return True  # no pid recorded: only the warehouse rule can tell
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def retire_dead_cli_runs(instance: dg.DagsterInstance, warehouse_dir: Path) -> list[str]:
    """Mark failed the unfinished `spm run` runs that were killed; return their ids.

    Call it holding the warehouse lock: any other `spm run` of this warehouse then died (it
    was killed) without finishing its run, which would otherwise show as running forever and
    keep its slot of the writer pool, so the next run would wait for it without end. The
    writer pool is shared by every warehouse of the instance, so an unfinished `spm run` of
    another warehouse whose process is gone is retired too.
    """
    here = str(warehouse_dir.resolve())
    unfinished = instance.get_runs(filters=dg.RunsFilter(statuses=_UNFINISHED))
    dead = [
        run
        for run in unfinished
        if run.tags.get(LAUNCHED_BY_TAG) == "spm run"
        and (run.tags.get(WAREHOUSE_TAG) == here or not _process_alive(run.tags.get(PROCESS_TAG)))
    ]
    for run in dead:
        instance.report_run_failed(
            run, "The `spm run` process of this run ended without finishing it (killed)."
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    return [run.run_id for run in dead]
