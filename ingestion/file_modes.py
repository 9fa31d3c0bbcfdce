"""Who may read what on disk: pay and raw compensation are owner-only from the first byte.

DuckDB has no grants, so file modes are the access control. The work warehouse
(`work.duckdb`, with `raw_compensation` and `marts_restricted`), dlt's pipeline folders (their
loaded packages hold `comp_plans.*.parquet` and `payouts.*.parquet`), the restricted published
file and the restricted site hold individual pay; the published `spm.duckdb` and the public
site do not. A mode set after writing leaves a window in which another local user (or a kill)
finds pay at 0644, so the steps that write pay run under a private umask and the restricted
files are created with their final mode; only what is meant for everyone is opened up,
explicitly, once it is complete.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

PRIVATE_UMASK = 0o077
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
PUBLIC_FILE = 0o644
PUBLIC_DIR = 0o755


@contextmanager
def private_umask() -> Iterator[None]:
    """Everything created inside the block is owner-only (files 0600, folders 0700).

    The umask is per process; the steps that use this run one at a time (the single-writer
    pool), and child processes (dbt) inherit it.
    """
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def create_private_file(path: Path) -> int:
    """Create `path` (it must not exist) at 0600 and return a descriptor open for writing."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)


def copy_to_private_file(source: Path, target: Path) -> None:
    """Copy `source` into a new file `target` that is 0600 before its first byte is written."""
    descriptor = create_private_file(target)
    with os.fdopen(descriptor, "wb") as out, source.open("rb") as data:
        while chunk := data.read(1 << 20):
            out.write(chunk)


def make_private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) owner-only; tighten it if it already exists."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    os.chmod(path, PRIVATE_DIR)
    return path


def make_private_tree(path: Path) -> None:
    """Tighten an existing file or folder tree (left 0644/0755 by an earlier version)."""
    if not path.exists() or path.is_symlink():
        return
    if path.is_file():
        os.chmod(path, PRIVATE_FILE)
        return
    os.chmod(path, PRIVATE_DIR)
    for folder, dirs, files in os.walk(path):
        for name in dirs:
            child = Path(folder) / name
            if not child.is_symlink():
                os.chmod(child, PRIVATE_DIR)
        for name in files:
            child = Path(folder) / name
            if not child.is_symlink():
                os.chmod(child, PRIVATE_FILE)


def make_warehouse_dir(warehouse_dir: Path, private_parts: Iterable[Path]) -> None:
    """The warehouse folder, its private parts tightened.

    The folder itself stays reachable (BI users open the published file in it); what holds
    pay in it is private: the work warehouse (and its WAL), dlt's folders, the restricted
    published file (`Settings.private_warehouse_parts`). A folder this creates gets 0755
    whatever the umask; an existing one keeps its mode.
    """
    if not warehouse_dir.exists():
        warehouse_dir.mkdir(parents=True)
        os.chmod(warehouse_dir, PUBLIC_DIR)
    for part in private_parts:
        make_private_tree(part)


def readable_by_others(path: Path) -> bool:
    """True when a user other than the owner (group or others) may read `path`."""
    return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))
