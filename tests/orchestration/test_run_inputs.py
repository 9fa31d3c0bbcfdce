"""A run with nothing new stops before loading anything and leaves the published files alone;
any change to the landing files' content, the as-of date or a setting makes it run."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.run_inputs import landing_fingerprint, nothing_new, run_inputs
from orchestration.settings import Settings
from tests.support.warehouse_probe import file_digest

SPM = str(Path(sys.executable).parent / "spm")


def _landing(root: Path) -> Path:
    (root / "crm").mkdir(parents=True)
    (root / "crm" / "Opportunity.csv").write_text("Id,Amount\n006A,100\n")
    (root / "crm" / "User.csv").write_text("Id,Name\n005A,Ann\n")
    return root


def test_a_re_exported_file_with_the_same_content_is_not_new(tmp_path: Path) -> None:
    landing = _landing(tmp_path / "landing")
    cache = tmp_path / "state" / "hashes.json"
    first = landing_fingerprint(landing, cache)
    path = landing / "crm" / "Opportunity.csv"
    path.write_text(path.read_text())  # re-exported: same bytes, new modification time
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    assert landing_fingerprint(landing, cache) == first


@pytest.mark.parametrize(
    "change",
    [
        lambda landing: (landing / "crm" / "Opportunity.csv").write_text("Id,Amount\n006A,101\n"),
        lambda landing: (landing / "crm" / "Account.csv").write_text("Id,Name\n001A,Acme\n"),
        lambda landing: (landing / "crm" / "User.csv").unlink(),
        lambda landing: (landing / "notes.txt").write_text("not a landing file"),
    ],
    ids=["content_changed", "file_added", "file_removed", "unrecognised_file_added"],
)
def test_any_change_of_the_landing_folder_is_new(tmp_path: Path, change) -> None:  # noqa: ANN001
    landing = _landing(tmp_path / "landing")
    cache = tmp_path / "state" / "hashes.json"
    first = landing_fingerprint(landing, cache)
    change(landing)
    assert landing_fingerprint(landing, cache) != first


def test_a_stale_hash_cache_is_not_trusted_when_the_file_changed(tmp_path: Path) -> None:
    """The cache is keyed by size, modification time and inode: an edit of the same size
    written later is hashed again."""
    landing = _landing(tmp_path / "landing")
    cache = tmp_path / "state" / "hashes.json"
    first = landing_fingerprint(landing, cache)
    path = landing / "crm" / "Opportunity.csv"
    stamp = path.stat().st_mtime_ns
    path.write_text("Id,Amount\n006A,900\n")
    os.utime(path, ns=(stamp + 1_000_000_000, stamp + 1_000_000_000))
    assert landing_fingerprint(landing, cache) != first


@pytest.mark.slow
@pytest.mark.company
def test_a_run_with_nothing_new_leaves_the_published_files_as_they_are(small_pipeline) -> None:
    settings, first = small_pipeline
    assert first.published
    published = [settings.published_db, settings.warehouse_dir / "spm_restricted.duckdb"]
    before = [file_digest(path) for path in published]
    reports_before = sorted(settings.runs_dir.glob("*.json"))
    env = {
        **os.environ,
        "SPM_LANDING_DIR": str(settings.landing_dir),
        "SPM_WAREHOUSE_DIR": str(settings.warehouse_dir),
        "SPM_REPORTS_DIR": str(settings.reports_dir),
        "SPM_AS_OF": settings.as_of.isoformat(),
    }

    done = subprocess.run([SPM, "run"], env=env, capture_output=True, text=True, timeout=600)

    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert "Nothing new since run" in done.stdout, done.stdout[-2000:]
    assert "spm run --force" in done.stdout
    assert [file_digest(path) for path in published] == before
    assert sorted(settings.runs_dir.glob("*.json")) == reports_before, "a run report was written"


@pytest.mark.slow
@pytest.mark.company
def test_a_new_day_or_another_setting_is_not_nothing_new(small_pipeline) -> None:
    settings, _ = small_pipeline
    assert nothing_new(settings, run_inputs(settings)) is not None
    changed: list[Settings] = [
        settings.with_overrides(as_of=settings.as_of + dt.timedelta(days=1)),
        settings.with_overrides(stalled_after_days=settings.stalled_after_days + 1),
        settings.with_overrides(corporate_currency="EUR"),
    ]
    for other in changed:
        assert nothing_new(other, run_inputs(other)) is None, other
