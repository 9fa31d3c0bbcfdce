"""dlt source for sales analytics (daily activity files) -> dataset `raw_sales_analytics`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.extract.resource import DltResource

from ingestion.convert import jsonl_row
from ingestion.errors import LandingFileError
from ingestion.fields import TableSpec
from ingestion.landing import LandingFile, changed, landing_files
from ingestion.records import jsonl_records
from ingestion.schema_contract import SCHEMA_CONTRACT
from ingestion.sources.sales_analytics.conflicts import ConflictFinder
from ingestion.sources.sales_analytics.contract import (
    ACTIVITIES,
    DAY_FILE_PATTERN,
    FOLDER,
    SOURCE_FILE,
)
from ingestion.tables import dlt_columns, for_dlt

# the raw table: the contract's fields plus the file each row came from
RAW_ACTIVITIES = TableSpec("activities", (*ACTIVITIES.fields, SOURCE_FILE), ACTIVITIES.primary_key)


def _folder_day(file: LandingFile) -> dt.date:
    """The day a file's folder names (`sales_analytics/2026/03/05/activities.jsonl`)."""
    year, month, day = file.relative.split("/")[1:4]
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise LandingFileError(
            file.relative, None, None, f"folder {year}/{month}/{day} is not a calendar day"
        ) from exc


def _check_day(table: pa.Table, file: LandingFile, day: dt.date) -> None:
    """Every event of a day file happened on that UTC day (the contract's partitioning)."""
    days = pc.cast(table["timestamp"], pa.date32())
    outside = pc.not_equal(days, pa.scalar(day, pa.date32()))
    if pc.any(outside).as_py():
        index = pc.index(outside, True).as_py()
        value = table["timestamp"][index].as_py()
        raise LandingFileError(
            file.relative,
            jsonl_row(index),
            "timestamp",
            f"{value.isoformat()} is not on {day.isoformat()}, the day of the file's folder",
        )


def _day_table(file: LandingFile) -> pa.Table:
    day = _folder_day(file)
    table = jsonl_records(file, ACTIVITIES)
    _check_day(table, file, day)
    source_file = pa.repeat(pa.scalar(file.relative, pa.string()), table.num_rows)
    table = table.append_column(pa.field("source_file", pa.string(), nullable=False), source_file)
    return for_dlt(table, RAW_ACTIVITIES)


BATCH_ROWS = 500_000
"""Day tables are handed to dlt in batches: dlt's cost per yielded table (schema inference
and validation) is about that of reading 10,000 rows, and there is a file per day."""


def _activities(landing_dir: Path) -> Iterator[pa.Table]:
    """New and changed day files, oldest day first, validated one by one, yielded in batches."""
    pending: list[pa.Table] = []
    rows = 0
    conflicts = ConflictFinder("activities")
    for file in changed(landing_files(landing_dir, FOLDER, DAY_FILE_PATTERN)):
        table = _day_table(file)
        conflicts.add(file, table)
        if pending and (rows + table.num_rows > BATCH_ROWS or table.schema != pending[0].schema):
            yield pa.concat_tables(pending)
            pending, rows = [], 0
        pending.append(table)
        rows += table.num_rows
    if pending:
        yield pa.concat_tables(pending)


def activities_resource(landing_dir: Path) -> DltResource:
    """Activities are events: appended, never updated.

    Idempotence comes from the files: a day file is read once (again only if it changes),
    so loading the same landing folder twice adds nothing, and a new day adds only its rows.
    """
    resource = dlt.resource(
        _activities,
        name="activities",
        primary_key="id",
        write_disposition="append",
        columns=dlt_columns(RAW_ACTIVITIES),
    )
    return resource(Path(landing_dir))


@dlt.source(name="sales_analytics", schema_contract=SCHEMA_CONTRACT)
def sales_analytics_source(landing_dir: str | Path) -> list[DltResource]:
    """The activity day files of `<landing_dir>/sales_analytics/YYYY/MM/DD/`."""
    return [activities_resource(Path(landing_dir))]
