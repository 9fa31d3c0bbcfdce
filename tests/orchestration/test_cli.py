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
    import subprocess
    import sys

    warehouse = tmp_path / "warehouse"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from orchestration.run_lock import warehouse_lock\n"
            "with warehouse_lock(Path(sys.argv[1])):\n"
            "    print('holding', flush=True)\n"
            "    sys.stdin.read()\n",
            str(warehouse),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        code = main(["run", "--landing", str(tmp_path), "--warehouse", str(warehouse)])
    finally:
        holder.communicate(input="", timeout=60)
    err = capsys.readouterr().err
    assert code == 2
    assert f"the warehouse {warehouse} is in use by another run (pid {holder.pid}" in err


def test_the_warehouse_lock_is_reentrant_in_one_process_and_exclusive_across_processes(
    tmp_path: Path,
) -> None:
    """`spm run` holds the lock and its steps take it again; another process cannot."""
    import subprocess
    import sys

    from orchestration.run_lock import warehouse_lock

    probe = (
        "import sys; from pathlib import Path; "
        "from orchestration.run_lock import warehouse_lock, WarehouseBusyError\n"
        "try:\n"
        "    with warehouse_lock(Path(sys.argv[1])):\n"
        "        print('acquired')\n"
        "except WarehouseBusyError as exc:\n"
        "    print('busy:', exc)\n"
    )
    root = Path(__file__).resolve().parents[2]

    def other_process() -> str:
        return subprocess.run(
            [sys.executable, "-c", probe, str(tmp_path)],
            capture_output=True,
            text=True,
            cwd=root,
            timeout=120,
        ).stdout

    with warehouse_lock(tmp_path):
        with warehouse_lock(tmp_path):  # a step inside the run
            assert other_process().startswith("busy:")
        assert other_process().startswith("busy:")  # the run still holds it
    assert other_process().strip() == "acquired"
