"""The pages' and digests' read-only connections keep to the run's memory limit and spill
privately, each file into a folder of its own."""

from __future__ import annotations

import stat
from pathlib import Path

import duckdb

from orchestration.settings import Settings
from reports.sql_engine import Warehouse


def _published(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.t as select range as id from range(10)")
    con.close()
    return path


def test_public_and_restricted_files_spill_apart_in_a_private_folder(tmp_path: Path) -> None:
    settings = Settings.from_env().with_overrides(
        warehouse_dir=tmp_path, duckdb_memory_limit="100MB"
    )
    config = settings.reader_duckdb_config("digests")
    public = Warehouse(_published(tmp_path / "spm.duckdb"), config)
    restricted = Warehouse(_published(tmp_path / "spm_restricted.duckdb"), config)
    try:
        folders = []
        for warehouse in (public, restricted):
            con = warehouse.con
            assert con.execute("select current_setting('memory_limit')").fetchone() == ("95.3 MiB",)
            folders.append(con.execute("select current_setting('temp_directory')").fetchone()[0])
            assert "marts.t" in warehouse.tables
        # both files open at once (the digests): DuckDB names its spill files alike
        spill = settings.reader_spill_dir
        assert len(set(folders)) == 2 and {Path(f).parent for f in folders} == {spill}
        assert stat.S_IMODE(spill.stat().st_mode) == 0o700
        # the pages never reach outside the file
        external = public.con.execute("select current_setting('enable_external_access')")
        assert external.fetchone() == (False,)
    finally:
        public.close()
        restricted.close()


def test_the_digests_open_the_published_files_with_the_runs_settings(tmp_path: Path) -> None:
    settings = Settings.from_env().with_overrides(
        warehouse_dir=tmp_path, duckdb_memory_limit="100MB"
    )
    mail = settings.mail_config()
    assert mail.duckdb_config["memory_limit"] == "100MB"
    assert Path(mail.duckdb_config["temp_directory"]).parent == settings.reader_spill_dir
    warehouse = Warehouse(_published(tmp_path / "spm.duckdb"), mail.duckdb_config)
    try:
        limit = warehouse.con.execute("select current_setting('memory_limit')").fetchone()
        assert limit == ("95.3 MiB",)
    finally:
        warehouse.close()
