"""dbt's saved parse of the project, carried from run to run and from warehouse to warehouse.

Each run has its own dbt target folder (its compiled SQL is kept), so dbt would parse the whole
project every run: 4-9 s of a small company's run, most of a run with little to build. A run
starts from its warehouse's last saved parse, or, in a warehouse that has none yet (a new
one), from the last parse saved by any warehouse with the same vars and profile, kept in the
project's `target/parse_states/`. dbt checks a saved parse itself (project files, vars, profile,
its version) and parses in full when it no longer matches, so a stale or foreign copy costs
that parse and never a wrong result.

The profile names the warehouse relatively (`orchestration.dbt_in_warehouse`), so warehouses
of one deployment share a parse; `spm dbt-parse` saves its parse there too, so the first
`spm run` of a new warehouse (`make demo`'s) starts from it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from pathlib import Path

from orchestration.dbt_in_warehouse import WORKING_DIR_VARIABLE
from orchestration.settings import DBT_PROJECT_DIR, Settings

PARSE_FILE = "partial_parse.msgpack"
SHARED_PARSE_DIR = DBT_PROJECT_DIR / "target" / "parse_states"
SHARED_PARSES_KEPT = 8


def shared_parse_file(settings: Settings) -> Path:
    """Where the parse of every warehouse with these settings' vars and profile is kept."""
    # the folder dbt starts in is not in the profile; Spark's folder is only in Spark's target
    ignored = {WORKING_DIR_VARIABLE} | ({"SPM_SPARK_DIR"} if settings.engine == "duckdb" else set())
    profile = {
        name: value for name, value in settings.dbt_profile_env().items() if name not in ignored
    }
    key = json.dumps([settings.engine, settings.dbt_vars(), profile], sort_keys=True, default=str)
    return SHARED_PARSE_DIR / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.msgpack"


def warehouse_parse_file(settings: Settings) -> Path:
    """The warehouse's own last saved parse, in the folder of its runs' target folders."""
    runs_folder = settings.dbt_target_dir("run").parent
    return runs_folder / PARSE_FILE


def start_from_saved_parse(settings: Settings, target: Path) -> None:
    """Put the best saved parse into a run's dbt `target` folder: the warehouse's own, else
    the shared one of its vars and profile, else none (dbt parses in full)."""
    for saved in (warehouse_parse_file(settings), shared_parse_file(settings)):
        # another warehouse's run may prune the shared copy meanwhile: then there is none
        with contextlib.suppress(FileNotFoundError):
            copy_atomically(saved, target / PARSE_FILE)
            return


def save_parse(settings: Settings, target: Path) -> None:
    """Keep the parse a run's dbt left in `target`, for the warehouse and for new ones.

    The shared copy is a convenience: a project folder that cannot be written loses it and
    nothing else."""
    made = target / PARSE_FILE
    if made.exists():
        copy_atomically(made, warehouse_parse_file(settings))
        share_parse(settings, target)


def share_parse(settings: Settings, target: Path) -> None:
    """Keep the parse dbt left in `target` for new warehouses of these vars and profile."""
    made = target / PARSE_FILE
    if made.exists():
        with contextlib.suppress(OSError):
            copy_atomically(made, shared_parse_file(settings))
            _prune_shared_parses()


def _prune_shared_parses() -> None:
    """Keep the newest `SHARED_PARSES_KEPT` shared parses (2-3 MB each): one per combination
    of vars and profile in use, not one per combination ever used."""
    saved = sorted(SHARED_PARSE_DIR.glob("*.msgpack"), key=_modified, reverse=True)
    for old in saved[SHARED_PARSES_KEPT:]:
        old.unlink(missing_ok=True)


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def copy_atomically(source: Path, destination: Path) -> None:
    """Copy whole or not at all: runs of other warehouses may read the shared copy meanwhile."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f"{destination.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, partial)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)  # a copy that failed half-way leaves nothing
