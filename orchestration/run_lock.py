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


class WarehouseBusyError(RuntimeError):
    """Another run holds the warehouse."""


@contextmanager
def warehouse_lock(warehouse_dir: Path) -> Iterator[Path]:
    """Hold the warehouse for one run; raise WarehouseBusyError at once if another has it."""
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    path = warehouse_dir / LOCK_NAME
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
        yield path
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
