"""`build_once` (tests/support/shared_fixtures.py): one build per test run, on two workers.

The suite's whole-run fixtures rely on it: a tiny suite on two workers asks for a shared value
from every test, and the value must be built once and read by both workers; a build that
fails must fail every test that asks, without a second attempt.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CONFTEST = """
import os
import time
from pathlib import Path

import pytest

from tests.support.shared_fixtures import build_once

BUILDS = Path(os.environ["BUILDS_LOG"])


@pytest.fixture(scope="session")
def shared(tmp_path_factory):
    def build(folder):
        with BUILDS.open("a") as log:
            log.write("shared\\n")
        time.sleep(1.0)  # the other worker asks meanwhile
        (folder / "value.txt").write_text("built")
        return folder / "value.txt"

    return build_once(tmp_path_factory, "shared", build)


@pytest.fixture(scope="session")
def broken(tmp_path_factory):
    def build(folder):
        with BUILDS.open("a") as log:
            log.write("broken\\n")
        time.sleep(1.0)
        raise RuntimeError("the company did not build")

    return build_once(tmp_path_factory, "broken", build)
"""

TESTS = """
def test_{n}(shared):
    assert shared.read_text() == "built"


def test_broken_{n}(broken):
    pass
"""


def test_a_shared_value_is_built_once_for_both_workers(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "conftest.py").write_text(CONFTEST)
    for n in range(4):
        (suite / f"test_shared_{n}.py").write_text(TESTS.format(n=n))
    builds = tmp_path / "builds.log"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2", "-v"]
        + ["--basetemp", str(tmp_path / "basetemp"), str(suite)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=suite,
        env={**os.environ, "BUILDS_LOG": str(builds), "PYTHONPATH": str(ROOT)},
    )
    output = result.stdout + result.stderr
    workers = {
        line.split()[0]
        for line in result.stdout.splitlines()
        if "PASSED" in line and "::test_" in line
    }
    assert len(workers) == 2, f"the tiny suite did not use both workers:\n{output[-3000:]}"
    assert builds.read_text().splitlines().count("shared") == 1, builds.read_text()
    assert "4 passed" in output and "4 errors" in output, output[-3000:]
    # the failed build ran once; the other worker was told it failed there
    assert builds.read_text().splitlines().count("broken") == 1, builds.read_text()
    assert "failed in another worker" in output and "the company did not build" in output
