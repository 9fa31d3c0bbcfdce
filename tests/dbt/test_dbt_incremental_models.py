"""An incremental model's next-day build equals a full rebuild of the same raw tables.

A day's run adds one day of activity events to years of them, so the activities staging table
is incremental: it re-ranks only the ids the new loads delivered. These tests load a first
batch, build, load a second batch that re-delivers some ids (a later day file, an earlier
one, the same file read again), build incrementally, and compare the table row for row with
a `--full-refresh` build of the same raw table.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.support.dbt.dbt_helpers import dbt_failure_summary, run_dbt
from tests.support.dbt.dbt_raw_tables import create_raw_tables, insert_rows

MODEL = "stg_sales_analytics__activities"
TABLE = f"staging.{MODEL}"
RAW = "raw_sales_analytics.activities"
VARS = {"as_of_date": "2026-03-31"}
FIRST_LOAD = "1772000000.000001"
SECOND_LOAD = "1772086400.000001"
# Six dbt runs: one worker takes both tests (and the fast lane leaves them out).
pytestmark = pytest.mark.xdist_group("incremental_models")


def _event(activity_id: str, day: str, outcome: str, dlt_id: str) -> dict:
    return {
        "id": activity_id,
        "type": "call",
        "user_id": "U1",
        "timestamp": f"{day}T10:00:00+00:00",
        "duration_seconds": 60,
        "direction": "outbound",
        "outcome": outcome,
        "source_file": f"activities/{day}.jsonl",
        "_dlt_id": dlt_id,
    }


FIRST_BATCH = [
    _event("A1", "2026-03-01", "connected", "a"),
    _event("A2", "2026-03-02", "connected", "b"),
    _event("A3", "2026-03-02", "voicemail", "c"),
    _event("A4", "2026-03-03", "connected", "d"),
]
SECOND_BATCH = [
    # a later day file re-delivers A1 with another outcome: the later file wins
    {**_event("A1", "2026-03-04", "no_answer", "e"), "timestamp": "2026-03-01T10:00:00+00:00"},
    # an earlier day file re-delivers A2: the row already built (later file) stays
    {**_event("A2", "2026-03-01", "no_answer", "f"), "timestamp": "2026-03-02T10:00:00+00:00"},
    # the same file read again after a correction: the later load wins
    _event("A3", "2026-03-02", "connected", "g"),
    _event("A5", "2026-03-04", "connected", "h"),
]


def _build(db: Path, *extra: str) -> None:
    # one target folder per test, so that dbt's partial parse serves its later builds
    done = run_dbt(
        ["run", "--select", MODEL, *extra], work_db=db, target_dir=db.parent, dbt_vars=VARS
    )
    assert done.returncode == 0, "dbt run failed:\n" + dbt_failure_summary(done)


def _rows(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(
            f"select * exclude (dlt_load_id) from {TABLE} order by activity_id"
        ).fetchall()


def _differences(db: Path, other: Path) -> list[tuple]:
    with duckdb.connect(str(db)) as con:
        con.execute(f"attach '{other}' as other (read_only)")
        return con.sql(
            f"(select * from {TABLE} except all select * from other.{TABLE}) union all "
            f"(select * from other.{TABLE} except all select * from {TABLE})"
        ).fetchall()


@pytest.fixture(name="first_build")
def fixture_first_build(tmp_path: Path) -> Path:
    db = tmp_path / "work.duckdb"
    with duckdb.connect(str(db)) as con:
        create_raw_tables(con)
        insert_rows(con, RAW, FIRST_BATCH, load_id=FIRST_LOAD)
    _build(db)
    return db


def _next_day_equals_full_rebuild(db: Path, *, reads_only_new_ids: bool = True) -> None:
    with duckdb.connect(str(db)) as con:
        insert_rows(con, RAW, SECOND_BATCH, load_id=SECOND_LOAD)
    _build(db)
    compiled = next((db.parent / "target" / "compiled").rglob(f"{MODEL}.sql")).read_text()
    assert ("since_last_build" in compiled) == reads_only_new_ids
    ran = next((db.parent / "target" / "run").rglob(f"{MODEL}.sql")).read_text()
    assert "delete from" in ran, "the next-day build replaced the table instead of merging"
    rebuilt = db.parent / "rebuilt" / "work.duckdb"
    rebuilt.parent.mkdir()
    shutil.copy(db, rebuilt)
    _build(rebuilt, "--full-refresh")
    assert _differences(db, rebuilt) == []
    outcomes = {row[0]: row[9] for row in _rows(db)}
    assert outcomes == {
        "A1": "no_answer",
        "A2": "connected",
        "A3": "connected",
        "A4": "connected",
        "A5": "connected",
    }


def test_next_day_build_equals_a_full_rebuild(first_build: Path) -> None:
    _next_day_equals_full_rebuild(first_build)


def test_a_table_built_before_the_load_id_was_kept_is_rebuilt_in_place(first_build: Path) -> None:
    """A warehouse from an earlier version has no `dlt_load_id`: the next build adds it and
    re-ranks every id, so upgrading needs no manual full refresh."""
    with duckdb.connect(str(first_build)) as con:
        con.execute(f"alter table {TABLE} drop column dlt_load_id")
    _next_day_equals_full_rebuild(first_build, reads_only_new_ids=False)
