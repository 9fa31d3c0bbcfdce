"""Write, audit, publish: copy the checked marts from the work warehouse into new files.

BI tools, pages and emails only ever read the published files, which are replaced atomically
(a new file, then `os.replace`), so a reader sees either the previous state or the new one,
never a half-written warehouse. Two files are published:

- `spm.duckdb`: schemas `marts` and `quarantine` (and the run reports), for every BI user;
- `spm_restricted.duckdb`: the same plus `marts_restricted` (individual pay), file mode 0600,
  because DuckDB has no grants: access to pay is access to this file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.disk_space import DiskFullError, is_disk_full
from ingestion.duckdb_resources import duckdb_config
from ingestion.file_modes import PUBLIC_FILE, copy_to_private_file, private_umask
from orchestration.leftovers import remove_stale_temp_files
from orchestration.publication import write_publication
from orchestration.run_report_tables import write_run_report_tables
from orchestration.settings import PUBLISHED_DB_NAME, RESTRICTED_DB_NAME
from orchestration.sql_literals import sql_string

PUBLIC_SCHEMAS = ("marts", "quarantine")
RESTRICTED_SCHEMAS = ("marts", "quarantine", "marts_restricted")


@dataclass(frozen=True)
class PublishResult:
    published_db: Path
    restricted_db: Path
    tables: dict[str, int]


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = 'work' and table_schema = ? order by table_name",
        [schema],
    ).fetchall()
    return [r[0] for r in rows]


def _tmp_name(target: Path) -> Path:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    return tmp


def _write_file(
    tmp: Path,
    work_db: Path,
    schemas: Sequence[str],
    docs: Mapping[str, Mapping[str, object]],
    run_reports: Sequence[Mapping[str, object]] | None,
    publication: Mapping[str, object] | None = None,
    config: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Copy `schemas` of the work warehouse into the DuckDB file `tmp` (new or existing).

    `run_reports` (when not None) become `marts.run_reports`, `publication` the one row of
    `marts.publication`; `config` is DuckDB's (memory limit, spill folder).
    """
    counts: dict[str, int] = {}
    con = duckdb.connect(str(tmp), config=dict(config or {}))
    try:
        con.execute(f"attach {sql_string(str(work_db))} as work (read_only)")
        # One transaction for the copy and its ~1,400 column comments: committed one by one,
        # each comment is a catalog write of its own and the publish step takes 5x longer.
        con.execute("begin transaction")
        for schema in schemas:
            con.execute(f"create schema if not exists {_quote(schema)}")
            for table in _tables(con, schema):
                name = f"{_quote(schema)}.{_quote(table)}"
                con.execute(f"create table {name} as select * from work.{name}")
                counts[f"{schema}.{table}"] = con.execute(
                    f"select count(*) from {name}"
                ).fetchone()[0]
                _comment(con, schema, table, docs.get(f"{schema}.{table}", {}))
        con.execute("commit")
        con.execute("detach work")
        if run_reports is not None:
            write_run_report_tables(con, run_reports)
        if publication is not None:
            write_publication(con, publication)
        con.execute("checkpoint")
    finally:
        con.close()
    return counts


def _comment(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, doc: Mapping[str, object]
) -> None:
    """Carry the dbt descriptions into the file so BI tools show them beside each column."""
    name = f"{_quote(schema)}.{_quote(table)}"
    description = str(doc.get("description") or "")
    if description:
        con.execute(f"comment on table {name} is {sql_string(description)}")
    columns = doc.get("columns") or {}
    existing = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }
    for column, text in dict(columns).items():
        if column in existing and text:
            con.execute(f"comment on column {name}.{_quote(column)} is {sql_string(str(text))}")


def publish(
    work_db: Path,
    warehouse_dir: Path,
    docs: Mapping[str, Mapping[str, object]] | None = None,
    run_reports: Sequence[Mapping[str, object]] = (),
    publication: Mapping[str, object] | None = None,
    before_swap: Callable[[Path], None] | None = None,
    config: Mapping[str, str] | None = None,
) -> PublishResult:
    """Copy marts and quarantine into fresh files and swap them in atomically.

    `docs` maps `schema.table` to `{"description": ..., "columns": {name: description}}` (from
    the dbt manifest). `run_reports` are the reports of past runs and of this one;
    `publication` the row of `marts.publication` (orchestration/publication.py).
    `before_swap(restricted_file)` runs once both new files are complete and before either is
    swapped in (the PostgreSQL publication): if it raises, the old files stay.
    `config`: DuckDB's memory limit and spill folder (`Settings.duckdb_config()`; by default
    the setting's, spilling into `warehouse_dir`).
    """
    docs = docs or {}
    config = config or duckdb_config(warehouse_dir)
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    # a publish killed earlier left its temp files (named after its pid): remove them
    remove_stale_temp_files(warehouse_dir)
    published = warehouse_dir / PUBLISHED_DB_NAME
    restricted = warehouse_dir / RESTRICTED_DB_NAME
    public_tmp, restricted_tmp = _tmp_name(published), _tmp_name(restricted)
    writing = public_tmp
    try:
        # Everything written here is owner-only until it is complete; the public file is
        # opened to everyone just before the swap, the restricted one never is.
        with private_umask():
            public_counts = _write_file(
                public_tmp, work_db, PUBLIC_SCHEMAS, docs, run_reports, publication, config
            )
            # The restricted file is the public one plus the restricted schemas: a copy that
            # is 0600 before its first byte, then the restricted schemas added.
            writing = restricted_tmp
            copy_to_private_file(public_tmp, restricted_tmp)
            extra = [schema for schema in RESTRICTED_SCHEMAS if schema not in PUBLIC_SCHEMAS]
            restricted_counts = {
                **public_counts,
                **_write_file(restricted_tmp, work_db, extra, docs, None, config=config),
            }
        os.chmod(public_tmp, PUBLIC_FILE)
        if before_swap is not None:
            # e.g. the PostgreSQL publication: a failure there keeps both old files
            before_swap(restricted_tmp)
        # Both files are complete on disk before either is swapped in.
        os.replace(restricted_tmp, restricted)
        os.replace(public_tmp, published)
    except Exception as exc:
        if is_disk_full(exc):
            raise DiskFullError(writing) from exc
        raise
    finally:
        # after a failure (a full disk, a bad table) nothing half-written stays behind
        for tmp in (public_tmp, restricted_tmp):
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                leftover.unlink(missing_ok=True)
    return PublishResult(published, restricted, {**restricted_counts, **public_counts})


def docs_from_manifest(manifest: Mapping[str, object]) -> dict[str, dict[str, object]]:
    """`schema.table` -> description and column descriptions, from the dbt manifest."""
    docs: dict[str, dict[str, object]] = {}
    for node in dict(manifest.get("nodes", {})).values():
        if node.get("resource_type") not in {"model", "seed", "snapshot"}:
            continue
        schema = node.get("schema") or ""
        docs[f"{schema}.{node.get('alias') or node['name']}"] = {
            "description": node.get("description") or "",
            "columns": {
                name: col.get("description") or "" for name, col in node.get("columns", {}).items()
            },
        }
    return docs
