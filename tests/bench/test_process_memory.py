"""The benchmark's memory column counts what a stage starts, not only its own process."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.bench.process_memory import TreePeak, tree_resident_bytes

HOLD_300_MB = "import time; block = bytearray(300 * 2**20); time.sleep(2)"


def test_a_child_process_memory_is_in_the_peak() -> None:
    # this process and whatever it already runs (a test worker's servers) are the baseline
    before = tree_resident_bytes(os.getpid())
    with TreePeak(interval=0.1) as peak:
        subprocess.run([sys.executable, "-c", HOLD_300_MB], check=True)
    assert peak.bytes - before > 250 * 2**20


def test_the_peak_is_at_least_this_process() -> None:
    with TreePeak(interval=0.1) as peak:
        pass
    assert peak.bytes >= tree_resident_bytes(os.getpid()) * 0.9 > 0
