"""A sample of the corpus through `spm run`, the path a user runs (Dagster's dlt assets).

The corpus itself calls `ingestion.pipeline.load_system`; both go through
`ingestion.pipeline.loading`, and this sample proves the user's path says the same thing: the
summary's last lines name file, row or cell and field, the run report stores that root cause,
no traceback reaches the console (it is in the run's log file), the counts shown are this
run's (no quarantine counts of the previous build), and the published files stay as they were.
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

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("small_pipeline")]

SPM = str(Path(sys.executable).with_name("spm"))
SAMPLE = (
    "wrong_type_amount_in_words",
    "quota_text_in_number_cell",
    "activity_invalid_json_line",
    "symlink_to_a_file_outside",
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", [c for c in CASES if c.id in SAMPLE], ids=lambda c: c.id)
def test_spm_run_ends_with_the_root_cause(case, small_pipeline, small_landing, tmp_path) -> None:
    settings, _ = small_pipeline
    landing = Landing(tmp_path / "landing")
    for child in small_landing.iterdir():
        if child.is_dir():
            link_tree(child, landing.root / child.name)
        else:
            os.link(child, landing.root / child.name)
    case.fault(landing)
    warehouse = tmp_path / "warehouse"
    shutil.copytree(settings.warehouse_dir, warehouse, symlinks=True)
    published = [warehouse / "spm.duckdb", warehouse / "spm_restricted.duckdb"]
    before = [_sha(p) for p in published]
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

    tail = done.stderr.strip().splitlines()[-6:]
    where = [case.file]
    if case.sheet:
        where.append(f"sheet {case.sheet}")
    if case.cell:
        where.append(f"cell {case.cell}")
    elif case.row:
        where.append(f"{'line' if case.file.endswith('.jsonl') else 'row'} {case.row}")
    if case.field:
        where.append(f"field {case.field}")
    cause_line = f"Root cause (load_{case.system}): {', '.join(where)}: "
    assert any(line.startswith(cause_line) for line in tail), "\n".join(tail)
    assert any(line.startswith("  fix: ") for line in tail), "\n".join(tail)

    report_path = max((warehouse / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
    report = json.loads(report_path.read_text())
    (cause,) = report["root_causes"]
    assert (cause["file"], cause.get("row"), cause.get("cell"), cause.get("field")) == (
        case.file,
        case.row,
        case.cell,
        case.field,
    )
    assert report["status"] == "not_published"
    # dbt did not run: the previous build's quarantine is not this run's
    assert report["quarantined"] == {}
    assert "Rows quarantined" not in done.stdout
    log = Path(report["log_file"]).read_text()
    assert "Stack Trace" in log and case.file in log
    assert [_sha(p) for p in published] == before
