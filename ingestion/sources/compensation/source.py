"""dlt source for compensation (quota workbooks, ICM exports) -> dataset `raw_compensation`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.extract.resource import DltResource

from ingestion import notes
from ingestion.convert import csv_row
from ingestion.errors import LandingFileError
from ingestion.fields import TableSpec
from ingestion.landing import LandingFile, changed, landing_files, optional_landing_file
from ingestion.records import csv_records
from ingestion.schema_contract import SCHEMA_CONTRACT
from ingestion.sources.compensation.contract import (
    CSV_FILES,
    FOLDER,
    PAYOUTS,
    QUOTA_FILE_GLOB,
    QUOTA_VERSION_COLUMNS,
    QUOTAS,
)
from ingestion.sources.compensation.quotas import read_quota_workbook
from ingestion.tables import dlt_columns, for_dlt

_PAY_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


def _quota_rows(landing_dir: Path) -> Iterator[pa.Table]:
    """Every changed quota workbook; none at all is a company without quotas (not an error)."""
    files = landing_files(landing_dir, FOLDER, QUOTA_FILE_GLOB)
    for file in changed(files):
        notes.file_read(QUOTAS.table, file.relative)
        table = read_quota_workbook(file)
        yield for_dlt(table, QUOTAS, scd2_version_of=QUOTA_VERSION_COLUMNS)


def quotas_resource(landing_dir: Path) -> DltResource:
    """Quotas keep their history (scd2): a quota changed mid-year must not rewrite the past.

    A workbook is the whole truth for its fiscal year, so `merge_key="fiscal_year"`: loading a
    changed FY2026 workbook retires the FY2026 quotas it no longer holds (a rep removed) and
    leaves other fiscal years alone. An unchanged workbook is not read again.
    """
    resource = dlt.resource(
        _quota_rows,
        name=QUOTAS.table,
        primary_key=list(QUOTAS.primary_key),
        merge_key="fiscal_year",
        write_disposition={"disposition": "merge", "strategy": "scd2"},
        columns=dlt_columns(QUOTAS),
    )
    return resource(Path(landing_dir))


def _check_pay_months(table: pa.Table, file: LandingFile) -> None:
    valid = pc.match_substring_regex(table["pay_month"], _PAY_MONTH)
    if not pc.all(valid).as_py():
        index = pc.index(valid, False).as_py()
        raise LandingFileError(
            file.relative,
            csv_row(index),
            "PayMonth",
            f"{table['pay_month'][index].as_py()!r} is not a month YYYY-MM",
        )


def _csv_rows(landing_dir: Path, file_name: str, spec: TableSpec) -> Iterator[pa.Table]:
    """An ICM export if present; absent or header-only files yield nothing (all optional)."""
    for file in changed(optional_landing_file(landing_dir, f"{FOLDER}/{file_name}")):
        table = csv_records(file, spec)
        if table.num_rows == 0:
            continue
        if spec is PAYOUTS:
            _check_pay_months(table, file)
        yield for_dlt(table, spec)


def csv_resource(landing_dir: Path, file_name: str, spec: TableSpec) -> DltResource:
    """An ICM export merged on its key; the file is read again only when it changes."""
    resource = dlt.resource(
        _csv_rows,
        name=spec.table,
        primary_key=list(spec.primary_key),
        write_disposition={
            "disposition": "merge",
            "strategy": "delete-insert",
            "deduplicated": True,  # keys are unique per file (checked while reading)
        },
        columns=dlt_columns(spec),
    )
    return resource(Path(landing_dir), file_name, spec)


@dlt.source(name="compensation", schema_contract=SCHEMA_CONTRACT)
def compensation_source(landing_dir: str | Path) -> list[DltResource]:
    """Quota workbooks, assignments, plans, tiers and payouts of `<landing_dir>/compensation/`."""
    landing = Path(landing_dir)
    return [
        quotas_resource(landing),
        *(csv_resource(landing, name, spec) for name, spec in CSV_FILES.items()),
    ]
