"""The Python code is ruff clean (lint and format), in every test run: `make lint` is not part
of CI, and a style slip found weeks later costs a commit of its own. (sqlfluff, the SQL half of
`make lint`, compiles the dbt project and takes over a minute: it stays in `make lint`.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUFF = Path(sys.executable).parent / "ruff"


@pytest.mark.skipif(not RUFF.exists(), reason="ruff is not installed beside this Python")
@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_python_code_is_ruff_clean(command: list[str]) -> None:
    done = subprocess.run(
        [str(RUFF), *command, "."], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"ruff {' '.join(command)}:\n{done.stdout[-4000:]}{done.stderr}"
