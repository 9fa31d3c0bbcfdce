"""The peak memory of a process and everything it started, sampled from /proc.

`getrusage` cannot say it: its peak of this process carries the parent's peak across fork
and exec (a benchmark that generated the large company first showed 983 MB for every stage),
and its peak of the children misses a process nobody waits for (dbt-spark's JVM outlives the
dbt command that started it). A thread sums the resident memory of this process and all its
descendants every `interval` seconds and keeps the largest sum (Linux: /proc; a peak shorter
than the interval can be missed).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType

PROC = Path("/proc")


def _parents() -> dict[int, int]:
    """Every process's parent, from /proc/<pid>/stat (a process gone meanwhile is skipped)."""
    parents = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name, in parentheses, may hold spaces: the fields after it are fixed
        fields = stat[stat.rfind(")") + 2 :].split()
        parents[int(entry.name)] = int(fields[1])
    return parents


def _resident_bytes(pid: int) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_resident_bytes(root: int) -> int:
    """Resident memory of `root` and all its descendants now."""
    parents = _parents()
    tree, grown = {root}, True
    while grown:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        grown = bool(children)
    return sum(_resident_bytes(pid) for pid in tree)


class TreePeak:
    """`with TreePeak() as peak: ...`, then `peak.bytes`: the largest sum seen."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            if PROC.is_dir():
                self.bytes = max(self.bytes, tree_resident_bytes(os.getpid()))
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
