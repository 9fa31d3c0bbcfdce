"""The pages' read-only connection keeps to the run's memory limit and spills privately."""

from __future__ import annotations

import stat
from pathlib import Path

import duckdb

from reports.sql_engine import Warehouse


def _published(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute("create table marts.t as select range as id from range(10)")
    con.close()
    return path


def test_public_and_restricted_files_spill_apart_in_a_private_folder(tmp_path: Path) -> None:
    spill = tmp_path / "duckdb_tmp_readers"
    public = Warehouse(_published(tmp_path / "spm.duckdb"), "100MB", spill)
    restricted = Warehouse(_published(tmp_path / "spm_restricted.duckdb"), "100MB", spill)
    try:
        folders = []
        for warehouse in (public, restricted):
            con = warehouse.con
            assert con.execute("select current_setting('memory_limit')").fetchone() == ("95.3 MiB",)
            folders.append(con.execute("select current_setting('temp_directory')").fetchone()[0])
            assert "marts.t" in warehouse.tables
        # both files open at once (the digests): DuckDB names its spill files alike
        assert len(set(folders)) == 2 and {Path(f).parent for f in folders} == {spill}
        assert stat.S_IMODE(spill.stat().st_mode) == 0o700
        # the pages never reach outside the file
        external = public.con.execute("select current_setting('enable_external_access')")
        assert external.fetchone() == (False,)
    finally:
        public.close()
        restricted.close()
