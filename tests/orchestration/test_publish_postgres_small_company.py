"""The publish step of the small company, with SPM_PUBLISH_POSTGRES_URL set: PostgreSQL holds
what `spm_restricted.duckdb` holds, table by table, with its descriptions and the publication
row; when PostgreSQL fails, the DuckDB files are not replaced either.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import psycopg
import pytest

from orchestration.runner import run_pipeline
from tests.support.warehouse_probe import file_digest

pytestmark = [pytest.mark.slow, pytest.mark.company]

SCHEMAS = ("marts", "quarantine", "marts_restricted")


def _copy_of_the_small_run(small_pipeline, root: Path, url: str):  # noqa: ANN001, ANN202
    settings, outcome = small_pipeline
    assert outcome.published, outcome.report
    shutil.copytree(settings.warehouse_dir, root / "warehouse")
    return settings.with_overrides(
        warehouse_dir=root / "warehouse",
        reports_dir=root / "reports" / "build",
        publish_postgres_url=url,
    )


def _duckdb_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables() where schema_name in "
        "('marts', 'quarantine', 'marts_restricted') order by 1, 2"
    ).fetchall()


def _primary_key(pg: psycopg.Connection, schema: str, table: str) -> str | None:
    row = pg.execute(
        "select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid "
        "and a.attnum = any(i.indkey) where i.indrelid = %s::regclass and i.indisprimary",
        [f'"{schema}"."{table}"'],
    ).fetchone()
    return row[0] if row else None


def test_postgres_holds_what_the_restricted_file_holds(
    small_pipeline, small_landing: Path, pg_url: str, tmp_path: Path
) -> None:
    settings = _copy_of_the_small_run(small_pipeline, tmp_path, pg_url)
    outcome = run_pipeline(settings, selection=["publish"])
    assert outcome.published, outcome.report

    duck = duckdb.connect(str(settings.restricted_db), read_only=True)
    pg = psycopg.connect(pg_url)
    try:
        tables = _duckdb_tables(duck)
        assert len(tables) > 30
        pg_tables = pg.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema = any(%s) order by 1, 2",
            [list(SCHEMAS)],
        ).fetchall()
        assert pg_tables == tables
        keyed = 0
        for schema, table in tables:
            name = f'"{schema}"."{table}"'
            expected = duck.execute(f"select count(*) from {name}").fetchone()[0]
            assert pg.execute(f"select count(*) from {name}").fetchone()[0] == expected, name
            key = _primary_key(pg, schema, table)
            if key is None or expected == 0:
                continue
            keyed += 1
            # a sample of rows, fetched by key from both sides, compared value by value
            sample = duck.execute(f'select * from {name} order by hash("{key}") limit 5').fetchall()
            columns = [d[0] for d in duck.description]
            for row in sample:
                found = pg.execute(
                    f'select * from {name} where "{key}" = %s', [row[columns.index(key)]]
                ).fetchone()
                assert found == row, f"{name} {key}={row[columns.index(key)]}"
        assert keyed > 20, "most marts have a unique key: they should have a primary key"

        described = duck.execute(
            "select schema_name, table_name, column_name, comment from duckdb_columns() "
            "where schema_name in ('marts', 'quarantine', 'marts_restricted') "
            "and comment is not null and comment <> ''"
        ).fetchall()
        assert len(described) > 500
        pg_comments = {
            (s, t, c): note
            for s, t, c, note in pg.execute(
                "select c.table_schema, c.table_name, c.column_name, "
                "col_description(format('%%I.%%I', c.table_schema, c.table_name)::regclass, "
                "c.ordinal_position) from information_schema.columns c "
                "where c.table_schema = any(%s)",
                [list(SCHEMAS)],
            ).fetchall()
        }
        missing = [(s, t, c) for s, t, c, note in described if pg_comments.get((s, t, c)) != note]
        assert not missing, f"columns without their description in PostgreSQL: {missing[:5]}"

        publication = pg.execute(
            "select run_id, as_of_date, landing_newest_modified_at, published_at "
            "from marts.publication"
        ).fetchall()
    finally:
        pg.close()
        duck.close()
    assert len(publication) == 1
    run_id, as_of, landing_newest, published_at = publication[0]
    assert run_id == outcome.report["run_id"]
    assert as_of == settings.as_of
    newest = max(p.stat().st_mtime for p in small_landing.rglob("*") if p.is_file())
    assert abs(landing_newest.timestamp() - newest) < 1e-3
    assert published_at.timestamp() > newest
    for db in (settings.published_db, settings.restricted_db):
        con = duckdb.connect(str(db), read_only=True)
        assert con.execute("select run_id from marts.publication").fetchall() == [(run_id,)]
        con.close()


def test_when_postgres_fails_the_duckdb_files_stay_as_they_were(
    small_pipeline, tmp_path: Path, pg_cluster
) -> None:
    unreachable = pg_cluster.url().replace(str(pg_cluster.port), "1", 1)
    settings = _copy_of_the_small_run(small_pipeline, tmp_path, unreachable)
    before = file_digest(settings.published_db)
    restricted_before = file_digest(settings.restricted_db)

    outcome = run_pipeline(settings, selection=["publish"])

    assert not outcome.published
    assert file_digest(settings.published_db) == before
    assert file_digest(settings.restricted_db) == restricted_before
    leftovers = [p.name for p in settings.warehouse_dir.iterdir() if p.name.endswith(".tmp")]
    assert not leftovers, leftovers
    assert os.environ["DAGSTER_HOME"] not in str(settings.warehouse_dir)
