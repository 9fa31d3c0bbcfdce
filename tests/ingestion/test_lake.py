"""The raw tables mirrored to the lake for the Spark engine: every raw table, empty ones with
their columns, values and types as in the work warehouse, a second mirror replacing the first."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from ingestion.lake import PART_NAME, mirror_raw_tables


def _work_db(path: Path) -> Path:
    db = path / "work.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute("create schema raw_crm; create schema raw_crm_staging; create schema marts")
        con.execute(
            'create table raw_crm."user" (id varchar, "date" date, amount decimal(18, 2),'
            " modified_at timestamp with time zone)"
        )
        con.execute(
            "insert into raw_crm.\"user\" values ('u1', '2026-11-02', 1234.56,"
            " '2026-11-02 23:30:00+00'), ('u2', null, null, null)"
        )
        con.execute("create table raw_crm.opportunity (id varchar, amount decimal(18, 2))")
        con.execute("create table raw_crm_staging.opportunity (id varchar)")
        con.execute("create table marts.rep_performance (id varchar)")
    return db


def test_every_raw_table_lands_as_one_parquet_file_with_its_rows_and_types(
    tmp_path: Path,
) -> None:
    db = _work_db(tmp_path)
    lake = tmp_path / "lake"

    tables = mirror_raw_tables(db, str(lake))

    # dlt's merge staging and the models are not raw tables
    assert tables == {"raw_crm": ["opportunity", "user"]}
    assert sorted(p.name for p in (lake / "raw_crm" / "user").iterdir()) == [PART_NAME]
    users = pq.read_table(lake / "raw_crm" / "user" / PART_NAME)
    assert users.column_names == ["id", "date", "amount", "modified_at"]
    assert str(users.schema.field("amount").type) == "decimal128(18, 2)"
    assert users.schema.field("modified_at").type.tz == "UTC"
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        rows = con.execute(
            'select id, "date"::varchar, amount::varchar, modified_at::varchar'
            " from read_parquet(?) order by id",
            [str(lake / "raw_crm" / "user" / PART_NAME)],
        ).fetchall()
    assert rows == [
        ("u1", "2026-11-02", "1234.56", "2026-11-02 23:30:00+00"),
        ("u2", None, None, None),
    ]
    # an empty table still has its columns, so Spark can register it
    empty = pq.read_table(lake / "raw_crm" / "opportunity" / PART_NAME)
    assert empty.num_rows == 0 and empty.column_names == ["id", "amount"]


def test_a_second_mirror_replaces_the_table_and_what_another_writer_left(
    tmp_path: Path,
) -> None:
    db = _work_db(tmp_path)
    lake = tmp_path / "lake"
    mirror_raw_tables(db, str(lake))
    stray = lake / "raw_crm" / "user" / "part-00000-from-spark.snappy.parquet"
    stray.write_bytes((lake / "raw_crm" / "user" / PART_NAME).read_bytes())
    with duckdb.connect(str(db)) as con:
        con.execute("delete from raw_crm.\"user\" where id = 'u2'")

    mirror_raw_tables(db, str(lake))

    assert sorted(p.name for p in (lake / "raw_crm" / "user").iterdir()) == [PART_NAME]
    assert pq.read_table(lake / "raw_crm" / "user").column("id").to_pylist() == ["u1"]
