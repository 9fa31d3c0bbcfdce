"""The checks' GX engine starts in any kind of Python process.

With PySpark installed (the dbt models' Spark engine), GX imports Spark Connect, which ends a
process whose `__main__` has no file (`python -c`, a notebook kernel, a pytest-xdist worker)
with exit code 0, as if it were a doctest run. The engine keeps GX away from Spark Connect, so
such a process goes on, and says nothing about pandas 3 on its way.
"""

from __future__ import annotations

import subprocess
import sys

from tests.support.dbt.dbt_helpers import ROOT

SCRIPT = """
import warnings
warnings.simplefilter("default")
from data_quality.gx_engine import GxEngine
GxEngine()
print("engine started")
"""


def test_the_engine_starts_in_a_process_without_a_main_file() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "engine started" in done.stdout, done.stderr[-2000:]
    assert "Skipping doctests" not in done.stderr
    assert "PySpark does not yet fully support pandas" not in done.stderr
