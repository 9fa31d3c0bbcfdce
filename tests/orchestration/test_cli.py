"""The `spm` command line as a user types it: arguments parse and reach the code they name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestration.cli import main


def _generate(out: Path, *extra: str) -> int:
    return main(
        [
            "generate",
            "--out",
            str(out),
            "--scale",
            "small",
            "--seed",
            "7",
            "--as-of",
            "2026-11-28",
            *extra,
        ]
    )


def test_generate_refuses_an_existing_landing_folder_then_overwrites_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "landing"
    assert _generate(out) == 0
    first = (out / "crm" / "Opportunity.csv").read_bytes()

    assert _generate(out) == 2
    err = capsys.readouterr().err
    assert "already holds a landing folder" in err and "--overwrite" in err
    assert (out / "crm" / "Opportunity.csv").read_bytes() == first

    (out / "crm" / "Opportunity.csv").write_text("half-written")
    assert _generate(out, "--overwrite") == 0
    assert (out / "crm" / "Opportunity.csv").read_bytes() == first


def test_generate_exotic_names_puts_markup_into_the_crm(tmp_path: Path) -> None:
    out = tmp_path / "landing"
    assert _generate(out, "--exotic-names") == 0
    users = (out / "crm" / "User.csv").read_text(encoding="utf-8")
    assert "<script>" in users
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["counts"]


def test_a_second_run_on_a_busy_warehouse_stops_at_once_with_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from orchestration.run_lock import warehouse_lock

    warehouse = tmp_path / "warehouse"
    with warehouse_lock(warehouse):
        code = main(["run", "--landing", str(tmp_path), "--warehouse", str(warehouse)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"the warehouse {warehouse} is in use by another run (pid " in err
    # released: the lock can be taken again, and a crashed holder never keeps it
    with warehouse_lock(warehouse):
        pass
