"""Landing files are real files inside the landing folder; every other file is listed.

A symbolic link was followed: `crm/Account.csv -> /etc/passwd` quoted a line of
`/etc/passwd` in the error, and a link to a CSV elsewhere loaded with no message. Files whose
names no source knows were ignored in silence.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import dagster as dg
import pytest

from ingestion.errors import LandingFileError
from ingestion.landing_files import scan_landing
from ingestion.pipeline import load_system
from orchestration.defs.landing_check import build_landing_check
from orchestration.settings import Settings
from tests.support.ingestion.tiny_landing import TinyLanding


def test_a_link_to_a_file_outside_is_refused_without_quoting_it(
    landing: TinyLanding, warehouse: Path
) -> None:
    target = landing.root / "crm" / "Account.csv"
    target.unlink()
    os.symlink("/etc/passwd", target)
    with pytest.raises(LandingFileError) as caught:
        load_system("crm", landing.root, warehouse)
    message = str(caught.value)
    assert message.startswith("crm/Account.csv: is a symbolic link, which a load never follows")
    assert "root" not in message and "/etc/passwd" not in message


def test_a_linked_folder_outside_the_landing_folder_is_refused(
    landing: TinyLanding, warehouse: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere" / "crm"
    shutil.move(landing.root / "crm", elsewhere)
    os.symlink(elsewhere, landing.root / "crm", target_is_directory=True)
    with pytest.raises(LandingFileError, match="resolves to a place outside the landing folder"):
        load_system("crm", landing.root, warehouse)


def test_a_linked_day_folder_is_refused(landing: TinyLanding, warehouse: Path, tmp_path) -> None:
    days = sorted((landing.root / "sales_analytics").glob("*/*/*"))
    day = days[0]
    moved = tmp_path / "moved_day"
    shutil.move(day, moved)
    os.symlink(moved, day, target_is_directory=True)
    relative = day.relative_to(landing.root).as_posix()
    with pytest.raises(LandingFileError) as caught:
        load_system("sales_analytics", landing.root, warehouse)
    assert str(caught.value).startswith(f"{relative}/activities.jsonl: resolves to a place")


def test_every_landing_file_is_recognised_or_listed(landing: TinyLanding, tmp_path) -> None:
    before = scan_landing(landing.root)
    assert before.not_recognised == [] and before.refused == {}
    shutil.copyfile(
        landing.root / "crm" / "Opportunity.csv", landing.root / "crm" / "Opportunity (1).csv"
    )
    day = sorted((landing.root / "sales_analytics").glob("*/*/*"))[0]
    (day / "activités.jsonl").write_text("{}\n")
    (landing.root / "notes.txt").write_text("hello")
    os.symlink("/etc/hostname", landing.root / "crm" / "Product2 link.csv")
    after = scan_landing(landing.root)
    assert after.recognised == before.recognised
    assert after.not_recognised == sorted(
        [
            "crm/Opportunity (1).csv",
            f"{day.relative_to(landing.root).as_posix()}/activités.jsonl",
            "notes.txt",
        ]
    )
    assert after.refused == {"crm/Product2 link.csv": "is a symbolic link; not followed"}


@pytest.mark.parametrize(("strict", "severity"), [(False, "WARN"), (True, "ERROR")])
def test_the_landing_check_warns_or_blocks(landing: TinyLanding, tmp_path, strict, severity):
    (landing.root / "crm" / "Opportunity (1).csv").write_text("Id\n")
    settings = Settings(
        landing_dir=landing.root,
        warehouse_dir=tmp_path / "warehouse",
        reports_dir=tmp_path / "reports",
        as_of=dt.date(2026, 11, 28),
        landing_strict=strict,
    )
    check = build_landing_check(settings)
    (spec,) = check.check_specs
    assert spec.blocking is strict
    result = check()
    assert isinstance(result, dg.AssetCheckResult)
    assert not result.passed
    assert result.severity.value == severity
    assert result.metadata["failing_rows"].value == 1
    assert "crm/Opportunity (1).csv: not recognised" in result.metadata["message"].value
