"""Publishing swaps complete files in atomically and carries the dbt descriptions along."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import duckdb
import pytest

from orchestration import publish as publish_module
from orchestration.publish import publish


def _work_db(path: Path, bookings: float) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema quarantine; create schema marts_restricted")
    con.execute(f"create table marts.rep_performance as select 'r1' as rep_id, {bookings} as b")
    con.execute(
        "create table quarantine.opportunities as select 'o1' as opportunity_id, "
        "'negative_amount' as rule"
    )
    con.execute("create table marts_restricted.fct_payouts as select 'r1' as rep_id, 10.0 as pay")
    con.close()
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_publish_writes_public_and_restricted_files(tmp_path: Path) -> None:
    work = _work_db(tmp_path / "work.duckdb", 100.0)
    docs = {"marts.rep_performance": {"description": "Rep KPIs", "columns": {"b": "Bookings"}}}
    result = publish(work, tmp_path, docs, [{"run_id": "r-1", "published": True}])

    con = duckdb.connect(str(result.published_db), read_only=True)
    schemas = {
        r[0] for r in con.execute("select schema_name from information_schema.schemata").fetchall()
    }
    assert "marts_restricted" not in schemas, "pay must never reach the public file"
    assert con.execute("select b from marts.rep_performance").fetchone()[0] == 100.0
    comment = con.execute(
        "select comment from duckdb_columns() where table_name = 'rep_performance' "
        "and column_name = 'b'"
    ).fetchone()[0]
    assert comment == "Bookings"
    assert con.execute("select run_id from marts.run_reports").fetchall() == [("r-1",)]
    con.close()

    rcon = duckdb.connect(str(result.restricted_db), read_only=True)
    assert rcon.execute("select pay from marts_restricted.fct_payouts").fetchone()[0] == 10.0
    rcon.close()
    assert stat.S_IMODE(os.stat(result.restricted_db).st_mode) == 0o600


def test_failed_publish_leaves_the_published_file_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = _work_db(tmp_path / "work.duckdb", 100.0)
    first = publish(work, tmp_path)
    before = _digest(first.published_db)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(publish_module, "write_run_report_tables", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        publish(work, tmp_path)
    assert _digest(first.published_db) == before


def test_a_reader_keeps_its_snapshot_during_a_swap(tmp_path: Path) -> None:
    work = _work_db(tmp_path / "work.duckdb", 100.0)
    first = publish(work, tmp_path)
    reader = duckdb.connect(str(first.published_db), read_only=True)
    (tmp_path / "work.duckdb").unlink()
    _work_db(tmp_path / "work.duckdb", 200.0)
    publish(tmp_path / "work.duckdb", tmp_path)
    assert reader.execute("select b from marts.rep_performance").fetchone()[0] == 100.0
    reader.close()
    fresh = duckdb.connect(str(first.published_db), read_only=True)
    assert fresh.execute("select b from marts.rep_performance").fetchone()[0] == 200.0
    fresh.close()
