"""Publishing never exposes pay, and a crash or a full disk leaves nothing behind.

The restricted temp file is owner-only from its creation to its swap; temp files of a dead
publish are removed by the next one; a full disk is reported as such and leaves the published
files as they were; dbt target folders are pruned; a run that never reported is recorded as
aborted; a child (dbt) dies with the run that started it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingestion.disk_space import DiskFullError
from orchestration import publish as publish_module
from orchestration.leftovers import abandoned_runs, prune_dbt_targets, remove_stale_temp_files
from orchestration.publish import publish
from orchestration.run_report import write_report


def _work_db(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema quarantine; create schema marts_restricted")
    con.execute("create table marts.rep_performance as select 'r1' as rep_id, 100.0 as b")
    con.execute("create table quarantine.opportunities as select 'o1' as opportunity_id")
    con.execute("create table marts_restricted.fct_payouts as select 'r1' as rep_id, 10.0 as pay")
    con.close()
    return path


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_restricted_temp_file_is_private_from_creation_to_swap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = _work_db(tmp_path / "work.duckdb")
    warehouse = tmp_path / "warehouse"
    seen: dict[str, list[int]] = {}
    real_write, real_replace = publish_module._write_file, os.replace

    def pausing_write(tmp: Path, *args: object, **kwargs: object):
        # the pause point: the temp file exists (the restricted one already holds the public
        # marts) and is about to receive marts_restricted
        if "restricted" in tmp.name:
            seen.setdefault("before restricted schemas", []).append(_mode(tmp))
        counts = real_write(tmp, *args, **kwargs)
        if "restricted" in tmp.name:
            seen.setdefault("with pay", []).append(_mode(tmp))
        return counts

    def checking_replace(source: object, target: object) -> None:
        if "restricted" in Path(str(source)).name:
            seen.setdefault("at the swap", []).append(_mode(Path(str(source))))
        real_replace(source, target)

    monkeypatch.setattr(publish_module, "_write_file", pausing_write)
    monkeypatch.setattr(publish_module.os, "replace", checking_replace)
    os.umask(0o022)  # the usual umask: the publish step must not depend on it
    result = publish(work, warehouse)
    assert seen == {
        "before restricted schemas": [0o600],
        "with pay": [0o600],
        "at the swap": [0o600],
    }
    assert _mode(result.restricted_db) == 0o600
    assert _mode(result.published_db) == 0o644


def test_a_publish_removes_the_temp_files_a_killed_publish_left(tmp_path: Path) -> None:
    work = _work_db(tmp_path / "work.duckdb")
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    dead, alive = _dead_pid(), os.getppid()
    stale = [
        warehouse / f".spm.duckdb.{dead}.tmp",
        warehouse / f".spm_restricted.duckdb.{dead}.tmp",
        warehouse / f".spm_restricted.duckdb.{dead}.tmp.wal",
    ]
    running = warehouse / f".spm.duckdb.{alive}.tmp"
    for path in [*stale, running]:
        path.write_bytes(b"x" * 100)
    publish(work, warehouse)
    assert [p for p in stale if p.exists()] == []
    assert running.exists(), "the temp file of a live process is not ours to remove"


@contextlib.contextmanager
def _small_disk(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` at `path` (needs the right to mount; skipped otherwise)."""
    path.mkdir(parents=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs for a full disk here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(disk: Path) -> None:
    """Fill the disk to its last few KB."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(descriptor, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(descriptor)
    os.truncate(filler, max(filler.stat().st_size - 8192, 0))


def test_a_full_disk_during_publish_is_named_and_leaves_published_files_as_they_were(
    tmp_path: Path,
) -> None:
    work = _work_db(tmp_path / "work.duckdb")
    with _small_disk(tmp_path / "disk", "4m") as disk:
        warehouse = disk / "warehouse"
        first = publish(work, warehouse)
        before = (_sha(first.published_db), _sha(first.restricted_db))
        _fill(disk)
        with pytest.raises(DiskFullError) as caught:
            publish(work, warehouse)
        message = str(caught.value)
        assert message.startswith(f"no space left on {disk} while writing {warehouse}/."), message
        assert (_sha(first.published_db), _sha(first.restricted_db)) == before
        assert sorted(p.name for p in warehouse.iterdir()) == sorted(
            ["spm.duckdb", "spm_restricted.duckdb"]
        ), "a failed publish left temp files"


def test_a_full_disk_while_writing_the_run_report_leaves_no_empty_report(tmp_path: Path) -> None:
    with _small_disk(tmp_path / "disk", "64k") as disk:
        runs = disk / "runs"
        report = {"run_id": "r-1", "checks": ["x" * 200] * 2000}  # ~400 KB of JSON
        with pytest.raises(DiskFullError, match=f"no space left on {disk} while writing"):
            write_report(runs, report)
        assert list(runs.iterdir()) == []


def test_only_the_newest_dbt_targets_are_kept(tmp_path: Path) -> None:
    root = tmp_path / "dbt_target"
    for n in range(8):
        (root / f"run-{n}").mkdir(parents=True)
        os.utime(root / f"run-{n}", (1_000_000 + n, 1_000_000 + n))
    (root / "check").mkdir()
    (root / "partial_parse.msgpack").write_bytes(b"state")
    prune_dbt_targets(root, keep=3, current="run-0")
    assert sorted(p.name for p in root.iterdir()) == [
        "check",
        "partial_parse.msgpack",
        "run-0",
        "run-6",
        "run-7",
    ]


def test_a_run_that_never_reported_is_found_once(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()
    dead = _dead_pid()
    (runs / f".running-{dead}.json").write_text(
        json.dumps({"started_at": "2026-11-28T10:00:00+00:00", "as_of_date": "2026-11-28"})
    )
    (runs / f".running-{os.getppid()}.json").write_text("{}")
    found = abandoned_runs(runs)
    assert [(r["pid"], r["started_at"]) for r in found] == [(dead, "2026-11-28T10:00:00+00:00")]
    assert abandoned_runs(runs) == []
    assert remove_stale_temp_files(runs) == []


def test_a_watched_child_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    """A stand-in for `spm run` starts a long child (dbt) under the watchdog, then is killed."""
    pid_file = tmp_path / "child.pid"
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time\n"
            "from orchestration.child_watchdog import watch_child\n"
            "child = subprocess.Popen(['sleep', '120'])\n"
            "watch_child(child.pid)\n"
            f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
            "time.sleep(120)\n",
        ],
        cwd=Path(__file__).resolve().parents[2],
    )
    deadline = time.monotonic() + 30
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the stand-in never started its child"
        time.sleep(0.1)
    child = int(pid_file.read_text())
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 15
    while Path(f"/proc/{child}").exists():
        state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state == "Z":
            break
        assert time.monotonic() < deadline, "the child outlived the killed run"
        time.sleep(0.2)
