"""Publish the checked marts to PostgreSQL, for BI tools that connect over it (Metabase).

The source is the complete restricted DuckDB file of a publish (schemas `marts`, `quarantine`
and `marts_restricted`, with the dbt descriptions as comments), before it is swapped in, so
PostgreSQL carries exactly what the DuckDB files carry. What a reader sees is protected the
same way as the files:

- one transaction loads new schemas (`marts__loading`, ...) with `COPY`, adds primary keys
  (the mart's unique key from dbt), indexes on the columns BI tools filter on, the comments
  and the grants; the same transaction then locks the old tables, renames the old schemas
  away, the new ones into place and drops the old. A reader sees the old publication or the
  new one, never a mix; a failed load rolls back and leaves the old schemas as they were.
- access is by role (orchestration/postgres_roles.py): `spm_reader` reads `marts` and
  `quarantine`, `spm_pay_reader` also `marts_restricted`; grants on the old schemas and
  tables are carried over to the new ones, so they survive every publish.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import psycopg
from psycopg import sql

from ingestion.duckdb_resources import duckdb_config
from orchestration.postgres_roles import (
    PAY_READER_ROLE,
    PAY_SCHEMAS,
    PUBLIC_SCHEMAS,
    RoleSetupError,
    carry_over_privileges,
    ensure_roles,
    grant_schema,
    schema_exists,
)

SCHEMAS = (*PUBLIC_SCHEMAS, *PAY_SCHEMAS)
LOADING_SUFFIX = "__loading"
RETIRED_SUFFIX = "__retired"
# The columns BI tools filter marts on (period, team, rep): each gets an index where present.
FILTER_COLUMNS = ("fiscal_period", "period_start", "team_id", "rep_id")
# Readers holding the old tables delay the swap; past this the publish fails, old data stays.
SWAP_LOCK_TIMEOUT = "120s"
NOWAIT_SECONDS = 30.0
# Any number will do as long as every publisher uses it: one publish per database at a time.
_ADVISORY_LOCK_KEY = 7_412_006_001


class PostgresPublishError(RuntimeError):
    """The PostgreSQL publication failed; the message names the database and the table."""


@dataclass(frozen=True)
class PostgresPublishResult:
    tables: dict[str, int]
    seconds: float


def describe_url(url: str) -> str:
    """The database a URL points at, without its password, for messages and logs."""
    try:
        parts = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the PostgreSQL database of SPM_PUBLISH_POSTGRES_URL"
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    user = parts.get("user") or "(default user)"
    return f"postgresql://{user}@{host}:{port}/{parts.get('dbname') or ''}"


def keys_from_manifest(manifest: Mapping[str, object]) -> dict[str, str]:
    """`schema.table` -> its unique key column: a primary key constraint of the model's
    contract, else the first column (in the model's order) that dbt tests or constrains to
    be both unique and not null."""
    flags: dict[str, dict[str, set[str]]] = {}
    nodes = dict(manifest.get("nodes", {}))
    for node in nodes.values():
        if node.get("resource_type") == "test" and node.get("attached_node"):
            for column, kind in guarded_columns(node):
                flags.setdefault(node["attached_node"], {}).setdefault(column, set()).add(kind)
    keys: dict[str, str] = {}
    for unique_id, node in nodes.items():
        if node.get("resource_type") != "model":
            continue
        table = f"{node.get('schema')}.{node.get('alias') or node['name']}"
        model_pk = [
            c["columns"][0]
            for c in node.get("constraints") or []
            if c.get("type") == "primary_key" and len(c.get("columns") or []) == 1
        ]
        candidates = []
        for name, column in (node.get("columns") or {}).items():
            kinds = {c.get("type") for c in column.get("constraints") or []}
            kinds |= flags.get(unique_id, {}).get(name, set())
            if "primary_key" in kinds:
                model_pk.append(name)
            if {"unique", "not_null"} <= kinds:
                candidates.append(name)
        chosen = model_pk or candidates
        if chosen:
            keys[table] = chosen[0]
    return keys


def guarded_columns(test: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(column, "unique" | "not_null") for each column a dbt test holds unique or not null:
    dbt's own `unique` and `not_null`, and a model's `column_rules` (its `unique:` and
    `not_null:` lists; macros/tests/column_rules.sql)."""
    metadata = test.get("test_metadata") or {}
    kwargs = metadata.get("kwargs") or {}
    if metadata.get("name") in {"unique", "not_null"}:
        column = test.get("column_name") or kwargs.get("column_name")
        return [(column, metadata["name"])] if column else []
    if metadata.get("name") != "column_rules":
        return []
    found = []
    for kind in ("unique", "not_null"):
        columns = kwargs.get(kind) or []
        found += [(column, kind) for column in ([columns] if isinstance(columns, str) else columns)]
    return found


def postgres_type(duckdb_type: str) -> str:
    """The PostgreSQL column type for a DuckDB one (nested types become jsonb)."""
    t = duckdb_type.upper()
    if t.endswith("]") or t.startswith(("STRUCT", "MAP", "UNION")) or t == "JSON":
        return "jsonb"
    if t.startswith("DECIMAL"):
        return t.replace("DECIMAL", "numeric").lower()
    return {
        "VARCHAR": "text",
        "BOOLEAN": "boolean",
        "TINYINT": "smallint",
        "UTINYINT": "smallint",
        "SMALLINT": "smallint",
        "USMALLINT": "integer",
        "INTEGER": "integer",
        "UINTEGER": "bigint",
        "BIGINT": "bigint",
        "UBIGINT": "numeric(20,0)",
        "HUGEINT": "numeric(39,0)",
        "UHUGEINT": "numeric(39,0)",
        "FLOAT": "real",
        "DOUBLE": "double precision",
        "DATE": "date",
        "TIME": "time",
        "TIMESTAMP": "timestamp",
        "TIMESTAMP_NS": "timestamp",
        "TIMESTAMP_MS": "timestamp",
        "TIMESTAMP_S": "timestamp",
        "TIMESTAMP WITH TIME ZONE": "timestamptz",
        "INTERVAL": "interval",
        "UUID": "uuid",
    }.get(t, "text")


def _export_expression(column: str, pg_type: str) -> str:
    quoted = '"' + column.replace('"', '""') + '"'
    if pg_type == "jsonb":
        return f"to_json({quoted})::varchar"
    if pg_type == "text":
        return f"{quoted}::varchar"
    return quoted


@dataclass(frozen=True)
class _Table:
    schema: str
    name: str
    comment: str | None
    columns: list[tuple[str, str, str | None]]  # name, PostgreSQL type, comment
    primary_key: str | None


def _read_tables(
    con: duckdb.DuckDBPyConnection, schemas: Sequence[str], keys: Mapping[str, str]
) -> list[_Table]:
    tables = []
    for schema, name, comment in con.execute(
        "select schema_name, table_name, comment from duckdb_tables() "
        "where database_name = current_database() and schema_name in "
        f"({', '.join('?' for _ in schemas)}) order by schema_name, table_name",
        list(schemas),
    ).fetchall():
        columns = con.execute(
            "select column_name, data_type, comment from duckdb_columns() "
            "where database_name = current_database() and schema_name = ? and table_name = ? "
            "order by column_index",
            [schema, name],
        ).fetchall()
        declared = con.execute(
            "select constraint_column_names from duckdb_constraints() "
            "where database_name = current_database() and schema_name = ? and table_name = ? "
            "and constraint_type = 'PRIMARY KEY'",
            [schema, name],
        ).fetchall()
        primary_key = declared[0][0][0] if declared and len(declared[0][0]) == 1 else None
        primary_key = primary_key or keys.get(f"{schema}.{name}")
        tables.append(
            _Table(
                schema,
                name,
                comment,
                [(c, postgres_type(t), note) for c, t, note in columns],
                primary_key if primary_key in {c for c, _, _ in columns} else None,
            )
        )
    return tables


@contextmanager
def _connect(url: str) -> Iterator[psycopg.Connection]:
    try:
        conn = psycopg.connect(url, connect_timeout=15, autocommit=True)
    except psycopg.Error as exc:
        raise PostgresPublishError(f"cannot connect to {describe_url(url)}: {exc}") from exc
    try:
        yield conn
    finally:
        conn.close()


def grant_reader_roles(url: str) -> list[str]:
    """`spm grant`: create the reader roles if needed and grant them on the published schemas.

    Returns one line per action, for the CLI to print.
    """
    lines = []
    with _connect(url) as conn, conn.transaction():
        try:
            created = ensure_roles(conn)
        except RoleSetupError as exc:
            raise PostgresPublishError(f"{describe_url(url)}: {exc}") from exc
        lines += [f"created role {role} (nologin)" for role in created]
        for schema in SCHEMAS:
            if schema_exists(conn, schema):
                grant_schema(conn, schema, schema)
                readers = PAY_READER_ROLE if schema in PAY_SCHEMAS else "spm_reader, spm_pay_reader"
                lines.append(f"granted usage and select on schema {schema} to {readers}")
            else:
                lines.append(f"schema {schema} is not published yet: its grants come with it")
    return lines


def _load_table(
    conn: psycopg.Connection,
    duck: duckdb.DuckDBPyConnection,
    table: _Table,
    schema: str,
    scratch: Path,
) -> int:
    target = sql.Identifier(schema, table.name)
    conn.execute(
        sql.SQL("create table {t} ({cols})").format(
            t=target,
            cols=sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t, _ in table.columns
            ),
        )
    )
    csv_path = scratch / "table.csv"
    select = ", ".join(_export_expression(c, t) for c, t, _ in table.columns)
    source = f'"{table.schema}"."{table.name}"'
    duck.execute(f"copy (select {select} from {source}) to '{csv_path}' (format csv, header false)")
    with conn.cursor() as cur:
        with (
            cur.copy(sql.SQL("copy {t} from stdin (format csv)").format(t=target)) as copy,
            csv_path.open("rb") as handle,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        rows = cur.rowcount
    csv_path.unlink()
    if table.primary_key:
        conn.execute(
            sql.SQL("alter table {t} add primary key ({c})").format(
                t=target, c=sql.Identifier(table.primary_key)
            )
        )
    names = {c for c, _, _ in table.columns}
    for column in FILTER_COLUMNS:
        if column in names and column != table.primary_key:
            conn.execute(
                sql.SQL("create index {i} on {t} ({c})").format(
                    i=sql.Identifier(_index_name(table.name, column)),
                    t=target,
                    c=sql.Identifier(column),
                )
            )
    if table.comment:
        conn.execute(sql.SQL("comment on table {t} is {v}").format(t=target, v=table.comment))
    for column, _, note in table.columns:
        if note:
            conn.execute(
                sql.SQL("comment on column {t}.{c} is {v}").format(
                    t=target, c=sql.Identifier(column), v=note
                )
            )
    return rows


def _index_name(table: str, column: str) -> str:
    name = f"{table}__{column}_idx"
    return name if len(name) <= 63 else re.sub(r"[^a-z0-9_]", "", name)[:63]


def _swap(conn: psycopg.Connection, schemas: Sequence[str]) -> None:
    """Put the loaded schemas in place of the published ones (inside the load's transaction)."""
    conn.execute(f"set local lock_timeout = '{SWAP_LOCK_TIMEOUT}'")
    old_tables = conn.execute(
        "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = any(%s) and c.relkind in ('r', 'p') order by 1, 2",
        [list(schemas)],
    ).fetchall()
    if old_tables:
        _lock_old_tables(conn, old_tables)
    for schema in schemas:
        loading, retired = schema + LOADING_SUFFIX, schema + RETIRED_SUFFIX
        if schema_exists(conn, schema):
            carry_over_privileges(conn, schema, loading)
            conn.execute(
                sql.SQL("alter schema {} rename to {}").format(
                    sql.Identifier(schema), sql.Identifier(retired)
                )
            )
        conn.execute(
            sql.SQL("alter schema {} rename to {}").format(
                sql.Identifier(loading), sql.Identifier(schema)
            )
        )
        conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(retired)))


def _lock_old_tables(conn: psycopg.Connection, tables: Sequence[tuple[str, str]]) -> None:
    """Take every old table from its readers; later readers wait for the commit and then
    resolve the names again, to the new tables.

    All at once or none (NOWAIT, retried): waiting for one table while holding others would
    deadlock with a reader whose transaction reads them in another order, and PostgreSQL
    would abort one of the two, often the publish. Only after NOWAIT_SECONDS of busy tables
    does it queue for them (new readers then queue behind it), up to SWAP_LOCK_TIMEOUT.
    """
    statement = sql.SQL("lock table {} in access exclusive mode").format(
        sql.SQL(", ").join(sql.Identifier(s, t) for s, t in tables)
    )
    deadline = time.monotonic() + NOWAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            with conn.transaction():  # a savepoint: a refused attempt holds nothing
                conn.execute(statement + sql.SQL(" nowait"))
            return
        except psycopg.errors.LockNotAvailable:
            time.sleep(0.05)
    conn.execute(statement)


def publish_to_postgres(
    url: str,
    source_db: Path,
    keys: Mapping[str, str] | None = None,
    scratch_dir: Path | None = None,
    schemas: Sequence[str] = SCHEMAS,
    config: Mapping[str, str] | None = None,
) -> PostgresPublishResult:
    """Replace schemas marts, quarantine and marts_restricted of `url` with those of the
    DuckDB file `source_db`, atomically for readers.

    `keys` maps `schema.table` to its unique key column (see `keys_from_manifest`).
    `schemas`: the schemas to publish (the benchmark publishes the raw ones; only the three
    published schemas get the reader roles' grants).
    `scratch_dir` holds one table's CSV at a time (a private folder is made inside it).
    `config`: DuckDB's memory limit and spill folder (by default the setting's, spilling
    beside `source_db`).
    Raises PostgresPublishError naming the database and the table; the old schemas then stay.
    """
    started = time.perf_counter()
    counts: dict[str, int] = {}
    config = config or duckdb_config(source_db.parent)
    duck = duckdb.connect(str(source_db), read_only=True, config=dict(config))
    try:
        duck.execute("set TimeZone = 'UTC'")
        tables = _read_tables(duck, schemas, keys or {})
        with (
            tempfile.TemporaryDirectory(prefix=".pg-publish-", dir=scratch_dir) as scratch,
            _connect(url) as conn,
        ):
            conn.execute("select pg_advisory_lock(%s)", [_ADVISORY_LOCK_KEY])
            current = "(before loading)"
            try:
                with conn.transaction():
                    conn.execute("set local timezone = 'UTC'")
                    ensure_roles(conn)
                    present = sorted({t.schema for t in tables})
                    for schema in present:
                        loading = sql.Identifier(schema + LOADING_SUFFIX)
                        conn.execute(sql.SQL("drop schema if exists {} cascade").format(loading))
                        conn.execute(sql.SQL("create schema {}").format(loading))
                    for table in tables:
                        current = f"{table.schema}.{table.name}"
                        counts[current] = _load_table(
                            conn, duck, table, table.schema + LOADING_SUFFIX, Path(scratch)
                        )
                    current = "(grants)"
                    for schema in present:
                        grant_schema(conn, schema + LOADING_SUFFIX, schema)
                    current = "(swap)"
                    _swap(conn, present)
            except (psycopg.Error, duckdb.Error, OSError, RoleSetupError) as exc:
                raise PostgresPublishError(
                    f"publishing to {describe_url(url)} failed at {current}: {exc}; "
                    "the previous publication is unchanged"
                ) from exc
            finally:
                if not conn.closed and not conn.broken:
                    conn.execute("select pg_advisory_unlock(%s)", [_ADVISORY_LOCK_KEY])
    finally:
        duck.close()
    return PostgresPublishResult(counts, time.perf_counter() - started)
