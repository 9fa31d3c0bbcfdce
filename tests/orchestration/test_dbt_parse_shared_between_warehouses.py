"""A new warehouse's first dbt starts from the parse another warehouse of the same settings
saved, instead of parsing the whole project again: dbt runs in the warehouse's folder with a
profile that names the warehouse relatively, so the profile (which dbt hashes into its saved
parse) is the same for both."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from pathlib import Path

import pytest

from orchestration import dbt_parse_state
from orchestration.dbt_manifest import dbt_command
from orchestration.dbt_parse_state import (
    PARSE_FILE,
    save_parse,
    shared_parse_file,
    start_from_saved_parse,
)
from orchestration.settings import Settings

FULL_PARSE = "Unable to do partial parsing"


def _dbt(settings: Settings, args: list[str], target: Path) -> str:
    """dbt as the pipeline starts it for this warehouse; returns dbt's output."""
    command, env = dbt_command(settings, args, target)
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, cwd=target.anchor
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    return done.stdout


@pytest.fixture(name="shared_dir")
def fixture_shared_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared parses in the test's folder, not the project's target folder."""
    folder = tmp_path / "parse_states"
    monkeypatch.setattr(dbt_parse_state, "SHARED_PARSE_DIR", folder)
    return folder


@pytest.mark.slow  # two dbt processes, one parsing the whole project (12 s)
def test_a_new_warehouse_starts_from_the_parse_another_one_saved(
    tmp_path: Path, shared_dir: Path
) -> None:
    base = Settings.from_env()
    first = dataclasses.replace(base, warehouse_dir=tmp_path / "first")
    second = dataclasses.replace(base, warehouse_dir=tmp_path / "elsewhere" / "second")
    assert shared_parse_file(first) == shared_parse_file(second)

    first_target = first.dbt_target_dir("run-1")
    start_from_saved_parse(first, first_target)
    assert not (first_target / PARSE_FILE).exists(), "nothing was saved yet"
    _dbt(first, ["parse"], first_target)
    save_parse(first, first_target)
    assert shared_parse_file(first).exists() and (first_target.parent / PARSE_FILE).exists()

    second_target = second.dbt_target_dir("run-1")
    start_from_saved_parse(second, second_target)
    # a query opens the warehouse: the relative name in the profile points into its folder
    said = _dbt(second, ["show", "--inline", "select 42 as answer"], second_target)
    assert FULL_PARSE not in said, f"the second warehouse parsed the project again:\n{said}"
    assert "42" in said
    assert (second.warehouse_dir / "work.duckdb").exists()
    assert not (first.warehouse_dir / "work.duckdb").exists()


def test_other_vars_keep_a_parse_of_their_own(tmp_path: Path, shared_dir: Path) -> None:
    base = Settings.from_env()
    january = dataclasses.replace(base, warehouse_dir=tmp_path / "january")
    february = dataclasses.replace(january, fiscal_year_start_month=2)
    assert shared_parse_file(january) != shared_parse_file(february)
    # the as-of date is not a var: a new day shares the parse
    next_day = dataclasses.replace(january, as_of=january.as_of.replace(day=1))
    assert shared_parse_file(next_day) == shared_parse_file(january)


def test_only_the_newest_shared_parses_are_kept(tmp_path: Path, shared_dir: Path) -> None:
    shared_dir.mkdir()
    for n in range(dbt_parse_state.SHARED_PARSES_KEPT + 3):
        old = shared_dir / f"old-{n:02d}.msgpack"
        old.write_bytes(b"parse")
        os.utime(old, (1_000_000 + n, 1_000_000 + n))
    settings = dataclasses.replace(Settings.from_env(), warehouse_dir=tmp_path / "warehouse")
    target = settings.dbt_target_dir("run-1")
    target.mkdir(parents=True)
    (target / PARSE_FILE).write_bytes(b"this run's parse")
    save_parse(settings, target)
    kept = sorted(path.name for path in shared_dir.iterdir())
    assert len(kept) == dbt_parse_state.SHARED_PARSES_KEPT
    assert shared_parse_file(settings).name in kept
    assert "old-10.msgpack" in kept and "old-03.msgpack" not in kept
    assert (target.parent / PARSE_FILE).read_bytes() == b"this run's parse"


def test_a_copy_that_fails_leaves_no_partial_file(tmp_path: Path) -> None:
    source = tmp_path / PARSE_FILE
    source.write_bytes(b"parse")
    blocked = tmp_path / "states" / "blocked.msgpack"
    (blocked / "occupied").mkdir(parents=True)  # a folder where the file should go
    with pytest.raises(OSError):
        dbt_parse_state.copy_atomically(source, blocked)
    assert sorted(p.name for p in blocked.parent.iterdir()) == ["blocked.msgpack"]
