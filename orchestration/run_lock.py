"""One pipeline run per warehouse at a time.

Two `spm run`s on one warehouse would both write the work DuckDB file; the second fails deep
inside dlt with a file-lock error that names neither the run nor what to do. The lock is an
`flock` on a file in the warehouse folder, so the operating system releases it when the
holder exits, even when it is killed: a crashed run never leaves the warehouse locked.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".spm-run.lock"

# Warehouses this process holds, with how many holders: `spm run` takes the lock for the whole
# run and every writing step takes it again, which must not block on itself.
_HELD: dict[Path, int] = {}


class WarehouseBusyError(RuntimeError):
    """Another run holds the warehouse."""


@contextmanager
def warehouse_lock(warehouse_dir: Path) -> Iterator[Path]:
    """Hold the warehouse; raise WarehouseBusyError at once if another process has it.

    Re-entrant within a process: `spm run` holds it for the whole run and each writing step
    (loads, dbt, publish) takes it too, so runs Dagster launches itself (UI, schedules) and
    `spm run` never write one warehouse at the same time.
    """
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    path = warehouse_dir / LOCK_NAME
    key = path.resolve()
    if _HELD.get(key):
        _HELD[key] += 1
        try:
            yield path
        finally:
            _HELD[key] -= 1
        return
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise WarehouseBusyError(
            f"the warehouse {warehouse_dir} is in use by another run ({holder}); "
            "wait for it to finish, or point SPM_WAREHOUSE_DIR elsewhere"
        ) from None
    try:
        handle.seek(0)
        handle.truncate()
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        handle.write(f"pid {os.getpid()}, started {started}\n")
        handle.flush()
        _HELD[key] = 1
        yield path
    finally:
        _HELD.pop(key, None)
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
