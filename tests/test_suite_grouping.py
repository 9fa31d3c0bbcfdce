"""The suite's heavy fixtures rely on `--dist loadgroup`: prove the grouping really happens.

pytest 9 stopped reading the group suffix pytest-xdist 3.8 writes into node ids, and every
group then ran its session fixture (a whole pipeline run) once per worker, unnoticed. This
runs a tiny suite on two workers and checks that one group's tests share one worker.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GROUPED = """
import os
import pytest

pytestmark = [pytest.mark.xdist_group("shared")]


def test_{n}():
    print("WORKER", os.environ["PYTEST_XDIST_WORKER"])
"""


def test_tests_of_one_xdist_group_run_on_one_worker(tmp_path: Path) -> None:
    for n in range(6):
        (tmp_path / f"test_grouped_{n}.py").write_text(GROUPED.format(n=n))
    for n in range(4):
        (tmp_path / f"test_free_{n}.py").write_text(f"def test_free_{n}():\n    pass\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--import-mode=importlib",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-v",
            "-s",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    workers = {
        line.split()[0]
        for line in result.stdout.splitlines()
        if "PASSED" in line and "test_grouped_" in line
    }
    assert len(workers) == 1, f"one group ran on several workers: {sorted(workers)}"
