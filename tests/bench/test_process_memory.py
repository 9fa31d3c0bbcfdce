"""The benchmark's memory column counts what a stage starts, not only its own process."""

from __future__ import annotations

import subprocess
import sys

from tests.bench.process_memory import TreePeak

HOLD_300_MB = "import time; block = bytearray(300 * 2**20); time.sleep(2)"


def test_a_child_process_memory_is_in_the_peak() -> None:
    with TreePeak(interval=0.1) as peak:
        subprocess.run([sys.executable, "-c", HOLD_300_MB], check=True)
    assert peak.bytes > 300 * 2**20


def test_without_children_the_peak_is_this_process() -> None:
    with TreePeak(interval=0.1) as peak:
        pass
    assert 0 < peak.bytes < 300 * 2**20
