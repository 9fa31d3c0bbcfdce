"""The PostgreSQL publication stage of the benchmark, and its physical limit.

The benchmark builds no marts yet, so the stage publishes what the ingestion stages loaded,
the `raw_<system>` schemas of the work warehouse (for the large company about 13 million
rows, the same order as its marts), through the product's publication: COPY into new
schemas, keys, filter indexes, comments, swap. Its limit is the bare transfer of the same
tables: DuckDB's CSV export and PostgreSQL's `COPY FROM`, no keys, indexes or swap.

PostgreSQL: `SPM_BENCH_POSTGRES_URL` (a database the benchmark may fill), or else a throwaway
cluster started for the stage (tests/support/postgres_cluster.py); its start is inside both
measurements alike.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import psycopg

from orchestration.publish_postgres import postgres_type

if TYPE_CHECKING:
    from tests.bench.stages import Context


@contextmanager
def bench_database() -> Iterator[str]:
    url = os.environ.get("SPM_BENCH_POSTGRES_URL")
    if url:
        yield url
        return
    from tests.support.postgres_cluster import start_cluster

    cluster = start_cluster()
    try:
        yield cluster.create_database()
    finally:
        cluster.stop()


def _raw_schemas(work_db: Path) -> list[str]:
    con = duckdb.connect(str(work_db), read_only=True)
    try:
        rows = con.execute(
            "select distinct schema_name from duckdb_tables() "
            "where schema_name like 'raw\\_%' escape '\\' order by 1"
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def publish_raw(context: Context) -> int:
    from orchestration.publish_postgres import publish_to_postgres

    work_db = context.warehouse_dir / "work.duckdb"
    with bench_database() as url:
        result = publish_to_postgres(
            url, work_db, scratch_dir=context.scratch_dir, schemas=_raw_schemas(work_db)
        )
    return sum(result.tables.values())


def copy_raw(context: Context) -> int:
    work_db = context.warehouse_dir / "work.duckdb"
    schemas = _raw_schemas(work_db)
    rows = 0
    duck = duckdb.connect(str(work_db), read_only=True)
    try:
        tables = duck.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in "
            f"({', '.join('?' for _ in schemas)})",
            schemas,
        ).fetchall()
        with (
            bench_database() as url,
            psycopg.connect(url, autocommit=True) as pg,
            tempfile.TemporaryDirectory(dir=context.scratch_dir) as scratch,
        ):
            for schema in schemas:
                pg.execute(f'create schema "{schema}_limit"')
            for schema, table in tables:
                columns = [
                    (name, postgres_type(kind))
                    for name, kind in duck.execute(
                        "select column_name, data_type from duckdb_columns() "
                        "where schema_name = ? and table_name = ? order by column_index",
                        [schema, table],
                    ).fetchall()
                ]
                definition = ", ".join(f'"{name}" {kind}' for name, kind in columns)
                pg.execute(f'create table "{schema}_limit"."{table}" ({definition})')
                select = ", ".join(
                    f'to_json("{n}")::varchar' if t == "jsonb" else f'"{n}"' for n, t in columns
                )
                csv_path = Path(scratch) / "table.csv"
                duck.execute(
                    f'copy (select {select} from "{schema}"."{table}") to \'{csv_path}\' '
                    "(format csv, header false)"
                )
                with pg.cursor() as cur:
                    with (
                        cur.copy(
                            f'copy "{schema}_limit"."{table}" from stdin (format csv)'
                        ) as copy,
                        csv_path.open("rb") as handle,
                    ):
                        while chunk := handle.read(1 << 20):
                            copy.write(chunk)
                    rows += cur.rowcount
    finally:
        duck.close()
    return rows
