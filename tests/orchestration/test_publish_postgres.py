"""PostgreSQL publication: what a BI tool connected over PostgreSQL sees, and who may see pay.

A throwaway cluster (tests/support/postgres_cluster.py) serves each test a fresh database;
without PostgreSQL's server binaries these tests are skipped with the reason.
"""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import psycopg
import pytest

from orchestration.publish_postgres import (
    PostgresPublishError,
    grant_reader_roles,
    publish_to_postgres,
)


def _source(path: Path, version: int, rows: int = 1000, duplicate_key: bool = False) -> Path:
    """A published-style DuckDB file whose every row carries `version`."""
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema quarantine; create schema marts_restricted")
    con.execute(
        "create table marts.rep_performance as select "
        "'r' || (i % 50) || '|' || i as rep_period_id, 'r' || (i % 50) as rep_id, "
        f"'t' || (i % 5) as team_id, {version} as version, "
        f"i * 1.5 as bookings_amount from range({rows}) t(i)"
    )
    if duplicate_key:
        con.execute("insert into marts.rep_performance select * from marts.rep_performance limit 1")
    con.execute("comment on table marts.rep_performance is 'How each rep is doing'")
    con.execute("comment on column marts.rep_performance.bookings_amount is 'Won bookings'")
    con.execute(
        f"create table quarantine.opportunities as select 'o' || i as opportunity_id, "
        f"{version} as version, 'negative_amount' as rule from range({rows // 10}) t(i)"
    )
    con.execute(
        f"create table marts_restricted.fct_payouts as select 'r' || i as rep_id, "
        f"{version} as version, 100.0 as payout_amount from range(50) t(i)"
    )
    con.close()
    return path


KEYS = {"marts.rep_performance": "rep_period_id"}


def _login_role(url: str, name: str, *granted: str) -> str:
    """A login role holding `granted` roles, as an operator creates it; returns its URL."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"create role {name} login")
        for role in granted:
            conn.execute(f"grant {role} to {name}")
    return url.replace("postgres@", f"{name}@", 1)


def _version_seen(url: str) -> tuple:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select (select min(version) from marts.rep_performance), "
            "(select max(version) from marts.rep_performance), "
            "(select min(version) from quarantine.opportunities), "
            "(select max(version) from marts_restricted.fct_payouts)"
        ).fetchone()


def test_readers_see_marts_and_only_pay_readers_see_pay(pg_url: str, tmp_path: Path) -> None:
    publish_to_postgres(pg_url, _source(tmp_path / "v1.duckdb", 1), KEYS)
    analyst = _login_role(pg_url, "analyst", "spm_reader")
    payroll = _login_role(pg_url, "payroll", "spm_pay_reader")

    with psycopg.connect(analyst) as conn:
        assert conn.execute("select count(*) from marts.rep_performance").fetchone()[0] == 1000
        assert conn.execute("select count(*) from quarantine.opportunities").fetchone()[0] == 100
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from marts_restricted.fct_payouts")
    with psycopg.connect(payroll) as conn:
        assert conn.execute("select count(*) from marts_restricted.fct_payouts").fetchone()[0] == 50
        assert conn.execute("select count(*) from marts.rep_performance").fetchone()[0] == 1000

    with psycopg.connect(pg_url) as conn:
        comments = conn.execute(
            "select obj_description('marts.rep_performance'::regclass), "
            "col_description('marts.rep_performance'::regclass, 5)"
        ).fetchone()
        key = conn.execute(
            "select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid "
            "and a.attnum = any(i.indkey) "
            "where i.indrelid = 'marts.rep_performance'::regclass and i.indisprimary"
        ).fetchall()
        indexed = {
            r[0]
            for r in conn.execute(
                "select indexdef from pg_indexes where tablename = 'rep_performance'"
            ).fetchall()
        }
    assert comments == ("How each rep is doing", "Won bookings")
    assert key == [("rep_period_id",)]
    assert any("(team_id)" in d for d in indexed) and any("(rep_id)" in d for d in indexed)


def test_grants_survive_a_second_publish(pg_url: str, tmp_path: Path) -> None:
    publish_to_postgres(pg_url, _source(tmp_path / "v1.duckdb", 1), KEYS)
    analyst = _login_role(pg_url, "analyst2", "spm_reader")
    bot = _login_role(pg_url, "finance_bot")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        # an operator's own grant on one table, beside the product's roles
        conn.execute("grant usage on schema marts_restricted to finance_bot")
        conn.execute("grant select on marts_restricted.fct_payouts to finance_bot")

    publish_to_postgres(pg_url, _source(tmp_path / "v2.duckdb", 2), KEYS)

    assert _version_seen(pg_url) == (2, 2, 2, 2)
    with psycopg.connect(analyst) as conn:
        assert conn.execute("select max(version) from marts.rep_performance").fetchone()[0] == 2
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from marts_restricted.fct_payouts")
    with psycopg.connect(bot) as conn:
        assert conn.execute("select count(*) from marts_restricted.fct_payouts").fetchone()[0] == 50
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from marts.rep_performance")


def test_a_failed_load_leaves_the_old_schemas(pg_url: str, tmp_path: Path) -> None:
    publish_to_postgres(pg_url, _source(tmp_path / "v1.duckdb", 1), KEYS)
    broken = _source(tmp_path / "v2.duckdb", 2, duplicate_key=True)
    with pytest.raises(PostgresPublishError) as failure:
        publish_to_postgres(pg_url, broken, KEYS)
    message = str(failure.value)
    assert "marts.rep_performance" in message and "previous publication is unchanged" in message
    assert "127.0.0.1" in message
    assert _version_seen(pg_url) == (1, 1, 1, 1)
    with psycopg.connect(pg_url) as conn:
        schemas = {r[0] for r in conn.execute("select nspname from pg_namespace").fetchall()}
    assert not {s for s in schemas if "__" in s}, f"leftover schemas: {schemas}"


def test_a_reader_during_a_publish_sees_old_or_new_never_a_mix(pg_url: str, tmp_path: Path) -> None:
    sources = [_source(tmp_path / f"v{v}.duckdb", v, rows=100_000) for v in (1, 2)]
    publish_to_postgres(pg_url, sources[0], KEYS)
    seen: list[tuple] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        try:
            with psycopg.connect(pg_url, autocommit=True) as conn:
                while not stop.is_set():
                    seen.append(
                        conn.execute(
                            "select (select min(version) from marts.rep_performance), "
                            "(select max(version) from marts.rep_performance), "
                            "(select min(version) from quarantine.opportunities), "
                            "(select max(version) from marts_restricted.fct_payouts)"
                        ).fetchone()
                    )
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for source in (sources[1], sources[0], sources[1]):
            publish_to_postgres(pg_url, source, KEYS)
    finally:
        stop.set()
        reader.join(timeout=60)
    assert not errors, errors
    mixed = {row for row in seen if len(set(row)) != 1}
    assert not mixed, f"a reader saw a mix of publications: {sorted(mixed)[:5]}"
    assert {row[0] for row in seen} == {1, 2}, "the reader never saw both publications"


def test_spm_grant_creates_the_roles_on_an_empty_database(pg_url: str) -> None:
    # roles belong to the cluster, which other tests share: the role list is the outcome
    lines = grant_reader_roles(pg_url)
    assert any("marts is not published yet" in line for line in lines)
    with psycopg.connect(pg_url) as conn:
        roles = conn.execute(
            "select rolname, rolcanlogin from pg_roles where rolname like 'spm_%' order by 1"
        ).fetchall()
    assert roles == [("spm_pay_reader", False), ("spm_reader", False)]


def test_a_reader_transaction_across_a_publish_keeps_its_publication(
    pg_url: str, tmp_path: Path
) -> None:
    """A BI transaction that reads tables in another order than the publish locks them: it
    finishes on the old publication, then the publish completes (no deadlock, no abort)."""
    publish_to_postgres(pg_url, _source(tmp_path / "v1.duckdb", 1), KEYS)
    source = _source(tmp_path / "v2.duckdb", 2)
    reader = psycopg.connect(pg_url)
    reader.execute("set transaction isolation level repeatable read")
    first = reader.execute("select max(version) from quarantine.opportunities").fetchone()[0]
    errors: list[BaseException] = []

    def publish() -> None:
        try:
            publish_to_postgres(pg_url, source, KEYS)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    publisher = threading.Thread(target=publish)
    publisher.start()
    try:
        publisher.join(timeout=5)  # the load is done in well under that; the swap then waits
        assert publisher.is_alive(), "the publish swapped while a reader held the old tables"
        second = reader.execute("select max(version) from marts.rep_performance").fetchone()[0]
        reader.commit()
    finally:
        reader.close()
        publisher.join(timeout=120)
    assert (first, second) == (1, 1)
    assert not errors, errors
    assert _version_seen(pg_url) == (2, 2, 2, 2)
