"""Every raw table of the landing contract, and the step that creates the ones nothing loaded.

dbt's sources must always resolve: a company without compensation, or a CRM export without
splits, still has `raw_compensation.quotas` and `raw_crm.opportunity_split`, with the
contract's columns and types and no row. dlt creates a table only when rows arrive, so after
each system's load `create_missing_raw_tables` writes the DDL of the tables still missing,
derived from the sources' contract modules (one place for each column's type).

Why DDL and not an empty Arrow table through dlt: dlt keeps no state about a table it never
loaded, so a later real load finds the table with exactly the columns it would have created
(same names, types, nullability, dlt's own columns) and simply inserts; the dlt state (files
read, cursors) is never touched by an empty run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.fields import Field, TableSpec


@dataclass(frozen=True)
class RawTable:
    """One raw table: its system (dataset `raw_<system>`), contract, and scd2 columns or not."""

    system: str
    spec: TableSpec
    scd2: bool

    @property
    def name(self) -> str:
        return self.spec.table

    @property
    def qualified(self) -> str:
        return f"raw_{self.system}.{self.spec.table}"


def raw_tables() -> list[RawTable]:
    """Every raw table of the landing contract, system by system (LANDING_CONTRACT.md)."""
    from ingestion.sources.compensation.contract import CSV_FILES, QUOTAS
    from ingestion.sources.crm.contract import OBJECTS
    from ingestion.sources.finance.contract import FX_RATES
    from ingestion.sources.revenue_intelligence.contract import FORECAST_SUBMISSIONS
    from ingestion.sources.sales_analytics.source import RAW_ACTIVITIES

    return [
        *(RawTable("crm", obj.spec, obj.disposition == "scd2") for obj in OBJECTS),
        RawTable("sales_analytics", RAW_ACTIVITIES, False),
        RawTable("revenue_intelligence", FORECAST_SUBMISSIONS, False),
        RawTable("compensation", QUOTAS, True),
        *(RawTable("compensation", spec, False) for spec in CSV_FILES.values()),
        RawTable("finance", FX_RATES, False),
    ]


def _sql_type(field: Field) -> str:
    if field.kind == "decimal":
        return f"decimal({field.precision}, {field.scale})"
    return {
        "text": "varchar",
        "date": "date",
        "timestamp": "timestamp with time zone",
        "boolean": "boolean",
        "bigint": "bigint",
    }[field.kind]


def quoted_name(name: str) -> str:
    """A quoted DuckDB identifier (raw tables are named `user`, columns `date`)."""
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(table: RawTable) -> str:
    """The DDL of one raw table as dlt would create it (contract columns, then dlt's)."""
    columns = [
        f"{quoted_name(f.name)} {_sql_type(f)}{'' if f.nullable else ' not null'}"
        for f in table.spec.fields
    ]
    columns += ['"_dlt_id" varchar not null', '"_dlt_load_id" varchar not null']
    if table.scd2:
        columns += [
            '"_dlt_valid_from" timestamp with time zone',
            '"_dlt_valid_to" timestamp with time zone',
        ]
    body = ",\n    ".join(columns)
    name = f"{quoted_name('raw_' + table.system)}.{quoted_name(table.name)}"
    return f"create table if not exists {name} (\n    {body}\n)"


def create_missing_raw_tables(
    work_db: Path | duckdb.DuckDBPyConnection, systems: Iterable[str] | None = None
) -> list[str]:
    """Create, empty, every raw table of `systems` (all when None) that does not exist yet,
    in the warehouse file `work_db` or through an open connection to it.

    Returns the `raw_<system>.<table>` names created. Existing tables are never touched.
    """
    if isinstance(work_db, duckdb.DuckDBPyConnection):
        return _create_missing(work_db, systems)
    Path(work_db).parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(work_db)) as con:
        return _create_missing(con, systems)


def _create_missing(con: duckdb.DuckDBPyConnection, systems: Iterable[str] | None) -> list[str]:
    chosen = set(systems) if systems is not None else None
    wanted = [t for t in raw_tables() if chosen is None or t.system in chosen]
    existing = {
        f"{schema}.{name}"
        for schema, name in con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where database_name = current_database()"
        ).fetchall()
    }
    created: list[str] = []
    for table in wanted:
        if table.qualified in existing:
            continue
        con.execute(f"create schema if not exists {quoted_name('raw_' + table.system)}")
        con.execute(create_table_sql(table))
        created.append(table.qualified)
    return created


def raw_row_counts(work_db: Path, system: str) -> dict[str, int]:
    """Rows per existing raw table of one system (empty when the warehouse has none)."""
    if not Path(work_db).is_file():
        return {}
    names = [t.name for t in raw_tables() if t.system == system]
    counts: dict[str, int] = {}
    with duckdb.connect(str(work_db), read_only=True) as con:
        present = {
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = ?", [f"raw_{system}"]
            ).fetchall()
        }
        for name in names:
            if name in present:
                row = con.execute(
                    f"select count(*) from raw_{system}.{quoted_name(name)}"
                ).fetchone()
                counts[name] = int(row[0]) if row else 0
    return counts
