"""A sample of the corpus through `spm run`, the path a user runs (Dagster's dlt assets).

The corpus itself calls `ingestion.pipeline.load_system`; both go through
`ingestion.pipeline.loading`, and this sample proves the user's path says the same thing: the
summary's last lines name file, row or cell and field, the run report stores that root cause,
no traceback reaches the console (it is in the run's log file), the counts shown are this
run's (no quarantine counts of the previous build), and the published files stay as they were.
With faults in four systems at once, each system's load fails on its own and the summary names
every root cause, not only the first.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.bad_inputs.bad_input_cases import CASES
from tests.support.bad_inputs.bad_input_landing import Landing, link_tree

pytestmark = [pytest.mark.slow, pytest.mark.company]

SPM = str(Path(sys.executable).with_name("spm"))
# The sample: one fault per system in one landing folder (each system's load fails on its own
# and stops at its first fault, so one run names every root cause) and one per kind of file: a
# CSV cell by row and field, a workbook cell, a JSON line and a symbolic link. Every case of
# the corpus goes through the same loaders in test_bad_inputs.py.
RUNS = {
    "four_systems": (
        "symlink_to_a_file_outside",
        "forecast_amount_wrong_type",
        "quota_text_in_number_cell",
        "activity_invalid_json_line",
    ),
}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _where(case) -> str:  # noqa: ANN001
    where = [case.file]
    if case.sheet:
        where.append(f"sheet {case.sheet}")
    if case.cell:
        where.append(f"cell {case.cell}")
    elif case.row:
        where.append(f"{'line' if case.file.endswith('.jsonl') else 'row'} {case.row}")
    if case.field:
        where.append(f"field {case.field}")
    return f"Root cause (load_{case.system}): {', '.join(where)}: "


@pytest.mark.parametrize("run", sorted(RUNS))
def test_spm_run_ends_with_the_root_cause(run, small_pipeline, small_landing, tmp_path) -> None:
    settings, _ = small_pipeline
    cases = [c for c in CASES if c.id in RUNS[run]]
    assert len(cases) == len(RUNS[run]) == len({c.system for c in cases})
    landing = Landing(tmp_path / "landing")
    for child in small_landing.iterdir():
        if child.is_dir():
            link_tree(child, landing.root / child.name)
        else:
            os.link(child, landing.root / child.name)
    for case in cases:
        case.fault(landing)
    warehouse = tmp_path / "warehouse"
    shutil.copytree(settings.warehouse_dir, warehouse, symlinks=True)
    published = [settings.published_db.name, settings.restricted_db.name]
    before = [_sha(warehouse / name) for name in published]
    env = {
        **os.environ,
        "SPM_LANDING_DIR": str(landing.root),
        "SPM_WAREHOUSE_DIR": str(warehouse),
        "SPM_REPORTS_DIR": str(tmp_path / "reports" / "build"),
        "SPM_AS_OF": settings.as_of.isoformat(),
    }
    env.pop("SPM_LOG_LEVEL", None)
    done = subprocess.run([SPM, "run"], env=env, capture_output=True, text=True, timeout=1200)
    console = done.stdout + done.stderr
    assert done.returncode == 1, console[-3000:]
    assert "Traceback" not in console and "Stack Trace" not in console, console[-3000:]

    # the summary ends with one root cause per broken system, each with what to do
    tail = done.stderr.strip().splitlines()[-6 * len(cases) :]
    for case in cases:
        assert any(line.startswith(_where(case)) for line in tail), "\n".join(tail)
    assert sum(line.startswith("  fix: ") for line in tail) == len(cases), "\n".join(tail)

    report_path = max((warehouse / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
    report = json.loads(report_path.read_text())
    found = sorted(
        (c["file"], c.get("row"), c.get("cell"), c.get("field")) for c in report["root_causes"]
    )
    assert found == sorted((c.file, c.row, c.cell, c.field) for c in cases)
    assert report["status"] == "not_published"
    # dbt did not run: the previous build's quarantine is not this run's
    assert report["quarantined"] == {}
    assert "Rows quarantined" not in done.stdout
    log = Path(report["log_file"]).read_text()
    assert "Stack Trace" in log and all(case.file in log for case in cases)
    assert [_sha(warehouse / name) for name in published] == before
