"""The physical limit of a stage: DuckDB alone reading the same files into a table.

`CREATE TABLE AS SELECT * FROM read_csv(...)` (or `read_json`) into a fresh database file is
the least work that turns those files into a warehouse table on this machine: DuckDB's
parallel C++ readers, no validation, no bookkeeping. Workbooks have no DuckDB reader here (the
excel extension cannot be downloaded offline), so their limit is one openpyxl read-only pass
over every cell.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from tests.bench.stages import Context


def _connect(context: Context, name: str) -> duckdb.DuckDBPyConnection:
    path = context.scratch_dir / f"limit_{name}.duckdb"
    path.unlink(missing_ok=True)
    connection = duckdb.connect(str(path))
    connection.execute("set enable_progress_bar = false")
    return connection


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def csv_files(folder: str, pattern: str) -> Callable[[Context], int]:
    """Each CSV of `folder` into its own table."""

    def limit(context: Context) -> int:
        connection = _connect(context, folder)
        rows = 0
        try:
            for index, path in enumerate(sorted((context.landing_dir / folder).glob(pattern))):
                connection.execute(
                    f"create table t{index} as select * from read_csv('{_sql_path(path)}')"
                )
                rows += connection.execute(f"select count(*) from t{index}").fetchone()[0]
            connection.execute("checkpoint")
        finally:
            connection.close()
        return rows

    return limit


def jsonl_files(folder: str, pattern: str) -> Callable[[Context], int]:
    """All JSON-lines files of `folder` into one table."""

    def limit(context: Context) -> int:
        connection = _connect(context, folder)
        files = _sql_path(context.landing_dir / folder / pattern)
        try:
            connection.execute(
                f"create table t as select * from read_json('{files}',"
                " format = 'newline_delimited')"
            )
            rows = connection.execute("select count(*) from t").fetchone()[0]
            connection.execute("checkpoint")
        finally:
            connection.close()
        return int(rows)

    return limit


def compensation_files(context: Context) -> int:
    """The four CSVs through DuckDB, the workbooks through one openpyxl pass each."""
    import openpyxl

    rows = csv_files("compensation", "*.csv")(context)
    for path in sorted((context.landing_dir / "compensation").glob("quotas_FY*.xlsx")):
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            header, *records = list(sheet.iter_rows(values_only=True))
            months = len([h for h in header[2:] if h is not None])
            rows += len(records) * months
        finally:
            workbook.close()
    return rows
