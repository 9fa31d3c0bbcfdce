"""dbt run inside the test's process (`tests/support/dbt/dbt_helpers.py`) answers as a finished
`dbt` process would, and leaves the process as it found it: the working folder and the
environment dbt ran with are undone, whether dbt passed or failed."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.dbt.dbt_helpers import dbt_in_this_process


def test_a_failing_dbt_reports_its_error_and_leaves_folder_and_environment_as_they_were(
    tmp_path: Path,
) -> None:
    before_folder, before_environment = Path.cwd(), dict(os.environ)
    missing = tmp_path / "no_project"
    missing.mkdir()
    arguments = ["parse", "--project-dir", str(missing), "--profiles-dir", str(missing)]
    done = dbt_in_this_process(arguments, tmp_path, {"SPM_WORK_DB": "other.duckdb"})
    assert done.returncode == 2, done.stdout + done.stderr
    assert "dbt_project.yml" in done.stdout + done.stderr
    assert Path.cwd() == before_folder
    assert dict(os.environ) == before_environment
