"""What a killed run leaves behind, cleaned up or recorded by the next one.

A publish killed between creating its temp files and swapping them in leaves
`.spm.duckdb.<pid>.tmp` and `.spm_restricted.duckdb.<pid>.tmp` (tens of MB each, the second
with pay); a killed run writes no run report; every run keeps a dbt target folder (~27 MB).
Temp files carry the pid of their writer, so a file whose writer is gone is stale for sure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

# `.spm.duckdb.1234.tmp`, `.spm_restricted.duckdb.1234.tmp.wal`, `<run>.json.1234.tmp`
_TEMP_FILE = re.compile(r"^.+\.(?P<pid>\d+)\.tmp(\.wal)?$")
_RUN_MARKER = re.compile(r"^\.running-(?P<pid>\d+)\.json$")


def pid_alive(pid: int) -> bool:
    """True when a process with this id exists (a recycled id reads as alive: kept, not lost)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temp_files(*folders: Path) -> list[Path]:
    """Delete the `<name>.<pid>.tmp` files of `folders` whose writing process is gone."""
    removed = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            match = _TEMP_FILE.match(path.name)
            if not match or not path.is_file():
                continue
            pid = int(match["pid"])
            if pid == os.getpid() or pid_alive(pid):
                continue
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def prune_dbt_targets(target_root: Path, keep: int, current: str | None = None) -> list[Path]:
    """Keep the `keep` newest per-run dbt target folders (and `current`); delete the rest.

    The `check` folder (of `spm check`) and files such as dbt's parse state are kept.
    """
    if not target_root.is_dir():
        return []
    runs = [
        p
        for p in target_root.iterdir()
        if p.is_dir() and not p.is_symlink() and p.name != "check" and p.name != current
    ]
    runs.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    kept = max(keep - (1 if current else 0), 0)
    removed = []
    for old in runs[kept:]:
        shutil.rmtree(old, ignore_errors=True)
        removed.append(old)
    return removed


def mark_run_started(runs_dir: Path, started_at: str, as_of: str) -> Path:
    """A marker that says a run of this process is under way; removed when it reports."""
    runs_dir.mkdir(parents=True, exist_ok=True)
    marker = runs_dir / f".running-{os.getpid()}.json"
    marker.write_text(json.dumps({"started_at": started_at, "as_of_date": as_of}))
    return marker


def abandoned_runs(runs_dir: Path) -> list[dict[str, Any]]:
    """The runs that started and never reported (their process is gone), oldest first.

    Each marker is removed once read; the caller records the run as aborted.
    """
    if not runs_dir.is_dir():
        return []
    found = []
    for path in sorted(runs_dir.iterdir()):
        match = _RUN_MARKER.match(path.name)
        if not match:
            continue
        pid = int(match["pid"])
        if pid == os.getpid() or pid_alive(pid):
            continue
        try:
            marker = json.loads(path.read_text() or "{}")
        except json.JSONDecodeError:
            marker = {}
        marker["pid"] = pid
        marker.setdefault("started_at", None)
        found.append(marker)
        path.unlink(missing_ok=True)
    return found
