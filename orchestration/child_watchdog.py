"""A child process (dbt) dies with the run that started it, even when that run is killed -9.

dagster-dbt starts `dbt build` with a plain `subprocess.Popen`, so a kill -9 of `spm run`
leaves dbt running on, writing to the work warehouse that the next run opens. The kernel's
parent-death signal would need a hook in that `Popen`; instead a tiny watchdog process
watches its own parent (the run) and, when the run is gone, terminates the child (SIGTERM,
then SIGKILL). It exits by itself when the child ends first.

Run as `python -m orchestration.child_watchdog <child pid> <run pid>`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

POLL_SECONDS = 0.5
GRACE_SECONDS = 5.0


def watch_child(child_pid: int) -> subprocess.Popen[bytes]:
    """Start the watchdog of `child_pid` for this process; terminate it when done with it."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            __spec__.name if __spec__ else __name__,
            str(child_pid),
            str(os.getpid()),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # its own session: the signal that kills the run's process group must not kill it
        start_new_session=True,
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie still answers kill(0): read its state
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _watch(child_pid: int, parent: int) -> None:
    # `parent` comes from the command line: the run may be gone before this process starts
    while _alive(child_pid):
        if os.getppid() != parent:  # the run is gone: we were handed to another parent
            os.kill(child_pid, signal.SIGTERM)
            deadline = time.monotonic() + GRACE_SECONDS
            while _alive(child_pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _alive(child_pid):
                os.kill(child_pid, signal.SIGKILL)
            return
        time.sleep(POLL_SECONDS)


if __name__ == "__main__":
    with contextlib.suppress(ProcessLookupError):
        _watch(int(sys.argv[1]), int(sys.argv[2]))
