"""Session fixtures built once per test run, whichever pytest-xdist worker asks first.

A session fixture is built once per worker process. For the suite's expensive ones (the small
company generated, its whole pipeline run, the CRM-only runs) that meant either one build per
worker, or an `xdist_group` that pinned every test reading them to one worker, which then
carried a third of the suite while the other worker ran out of work. Here the first worker
to ask builds the fixture under a file lock, in the run's temporary folder that all workers
share, and leaves its value there (pickled); the others wait for the lock and read it. A
build that fails leaves its traceback instead, so the other workers fail at once with it
rather than build again.

What a shared fixture returns is read by several processes at once: its files are for
reading (DuckDB read-only) or for copying, never for writing in place.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

T = TypeVar("T")


def build_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], T]
) -> T:
    """`build(folder)` run once for the whole test run; every worker gets its value.

    Without xdist (`-n 0`) it is a plain build in a fresh temporary folder.
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return build(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent  # the run's folder above each worker's
    value_file = shared / f"{name}.pickle"
    failure_file = shared / f"{name}.failed"
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if value_file.exists():
            return pickle.loads(value_file.read_bytes())
        if failure_file.exists():
            pytest.fail(f"building {name} failed in another worker:\n{failure_file.read_text()}")
        folder = shared / name
        folder.mkdir()
        try:
            value = build(folder)
        except BaseException:
            failure_file.write_text(traceback.format_exc())
            raise
        value_file.write_bytes(pickle.dumps(value))
        return value


def run_dagster_home(settings) -> Path:  # noqa: ANN001
    """The Dagster instance a shared pipeline run (`small_pipeline`, ...) is recorded in: its
    own, beside its warehouse, so a test on any worker can open it."""
    return settings.warehouse_dir.parent / "dagster_home"
