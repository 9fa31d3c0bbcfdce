"""The end-to-end tests' warehouse comparison (`tests/support/warehouse_probe.py`) sees what a
reader would: the same rows in another order are the same table, one cent changed is not."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.settings import PUBLISHED_DB_NAME, RESTRICTED_DB_NAME
from tests.support.warehouse_probe import published_digests

ROWS = [("R1", "10.00"), ("R2", "20.05"), ("R3", "0.01")]


def _published(folder: Path, rows: list[tuple[str, str]]) -> Path:
    """A warehouse folder whose two published files hold a mart with `rows`."""
    folder.mkdir()
    for name, schema in ((PUBLISHED_DB_NAME, "marts"), (RESTRICTED_DB_NAME, "marts_restricted")):
        con = duckdb.connect(str(folder / name))
        try:
            con.execute(f"create schema {schema}")
            con.execute(f"create table {schema}.bookings (rep_id varchar, amount decimal(18, 2))")
            con.executemany(f"insert into {schema}.bookings values (?, ?)", rows)
        finally:
            con.close()
    return folder


def test_row_order_does_not_count_and_one_cent_does(tmp_path: Path) -> None:
    first = published_digests(_published(tmp_path / "first", ROWS))
    assert published_digests(_published(tmp_path / "reordered", ROWS[::-1])) == first
    changed = [ROWS[0], ("R2", "20.06"), ROWS[2]]
    other = published_digests(_published(tmp_path / "changed", changed))
    assert sorted(table for table in first if first[table] != other[table]) == [
        "public:marts.bookings",
        "restricted:marts_restricted.bookings",
    ]
