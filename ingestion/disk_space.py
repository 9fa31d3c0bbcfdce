"""A full disk said as such: which device filled up, and which file was being written.

A full disk surfaces as `OSError(ENOSPC)` from Python, or as an `IOException` whose text
carries the C library's message from DuckDB; both become one sentence a person can act on.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

NO_SPACE_TEXT = "No space left on device"


class DiskFullError(OSError):
    """The disk holding `path` is full; nothing published was replaced."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.device = mount_point(self.path)
        super().__init__(
            errno.ENOSPC,
            f"no space left on {self.device} while writing {self.path}: free space there (or"
            " point SPM_WAREHOUSE_DIR to a larger disk) and run again; the published files"
            " were left as they were",
        )

    def __str__(self) -> str:
        return str(self.strerror)

    def __reduce__(self) -> tuple[object, ...]:
        return (DiskFullError, (self.path,))


def is_disk_full(exc: BaseException) -> bool:
    """A full disk anywhere in the chain of wrapped errors (dlt and Dagster wrap deeply)."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno == errno.ENOSPC:
            return True
        if NO_SPACE_TEXT.lower() in str(current).lower():
            return True
        stack.extend([current.__cause__, current.__context__])
        stack.extend(getattr(current, "exceptions", []) or [])
    return False


def mount_point(path: Path) -> str:
    """The mount point of the file system that holds `path` (or would hold it)."""
    current = Path(os.path.abspath(path))
    while not current.exists() and current != current.parent:
        current = current.parent
    while not os.path.ismount(current) and current != current.parent:
        current = current.parent
    return str(current)
