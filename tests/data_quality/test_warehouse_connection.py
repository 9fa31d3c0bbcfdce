"""The checks' read-only connection keeps to the run's memory limit and spills privately."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path

import duckdb

from data_quality.warehouse import connect
from orchestration.settings import Settings


def _work_db(tmp_path: Path) -> Path:
    db = tmp_path / "work.duckdb"
    duckdb.connect(str(db)).close()
    return db


def _config(warehouse: Path) -> dict[str, str]:
    """The checks' settings, as the orchestration makes them (`Settings.quality_config`)."""
    settings = Settings.from_env().with_overrides(
        warehouse_dir=warehouse, duckdb_memory_limit="100MB"
    )
    return dict(settings.quality_config().duckdb_config)


def test_the_connection_spills_beyond_its_limit_into_a_private_folder(tmp_path: Path) -> None:
    spill = tmp_path / "duckdb_tmp_readers"
    con = connect(_work_db(tmp_path), _config(tmp_path))
    try:
        assert con.execute("select current_setting('memory_limit')").fetchone()[0] == "95.3 MiB"
        # more than the limit: DuckDB must spill, not fail
        con.execute(
            "create temp table wide as select range as id, md5(range::varchar) as hash"
            " from range(3000000)"
        )
        assert con.execute("select count(distinct hash) from wide").fetchone()[0] == 3_000_000
        assert stat.S_IMODE(spill.stat().st_mode) == 0o700
        (own,) = spill.iterdir()
        assert any(own.iterdir()), "the connection spilled nothing: the test proves nothing"
    finally:
        con.close()
    assert list(spill.iterdir()) == [], "DuckDB left its spill folder behind"


def _spill_folder(db: Path, warehouse: Path) -> str:
    con = connect(db, _config(warehouse))
    try:
        return con.execute("select current_setting('temp_directory')").fetchone()[0]
    finally:
        con.close()


def test_each_process_spills_into_a_folder_of_its_own(tmp_path: Path) -> None:
    db, spill = _work_db(tmp_path), tmp_path / "duckdb_tmp_readers"
    first, second = connect(db, _config(tmp_path)), connect(db, _config(tmp_path))
    try:
        # one process, one file: one DuckDB instance, so one folder (and no refusal)
        assert first.execute("select current_setting('temp_directory')").fetchone() == (
            second.execute("select current_setting('temp_directory')").fetchone()
        )
        here = first.execute("select current_setting('temp_directory')").fetchone()[0]
    finally:
        first.close()
        second.close()
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        there = pool.apply(_spill_folder, (db, tmp_path))
    assert here != there and Path(here).parent == Path(there).parent == spill


def test_without_settings_the_connection_is_duckdbs_default(tmp_path: Path) -> None:
    con = connect(_work_db(tmp_path))
    try:
        assert con.execute("select current_setting('TimeZone')").fetchone()[0] == "UTC"
    finally:
        con.close()
