"""Read one landing file into a validated, typed Arrow table: the step every source shares.

Validation is complete before the table is returned, so a resource never yields part of a
broken file (and dlt discards everything a failed extract wrote).
"""

from __future__ import annotations

import pyarrow as pa

from ingestion import notes
from ingestion.convert import (
    check_header,
    check_unique,
    csv_row,
    jsonl_row,
    require_rows,
    typed_table,
)
from ingestion.fields import TableSpec
from ingestion.landing import LandingFile
from ingestion.readers import read_csv_text, read_jsonl


def csv_records(
    file: LandingFile, spec: TableSpec, *, unique: bool = True, rows_required: bool = False
) -> pa.Table:
    """A CSV landing file as its raw table's typed rows (new columns kept, and reported).

    `unique=False` leaves repeated keys for the caller to resolve (the CRM keeps the latest).
    A header-only file is valid data (no splits, no payouts yet) and gives an empty table,
    unless `rows_required`: an export of the CRM's users or deals with no row is a failed
    export, not a company without deals.
    """
    notes.file_read(spec.table, file.relative)
    raw = read_csv_text(file.path, file.relative)
    check_header(raw.column_names, spec, file.relative)
    if rows_required:
        require_rows(raw, file.relative, first_row=2)
    table, extras = typed_table(raw, spec, file.relative, csv_row)
    if unique:
        check_unique(table, spec, file.relative, csv_row)
    notes.new_columns(spec.table, file.relative, extras)
    return table


def jsonl_records(file: LandingFile, spec: TableSpec) -> pa.Table:
    """A JSON-lines landing file as typed rows; every line must carry the required fields."""
    notes.file_read(spec.table, file.relative)
    raw = read_jsonl(file.path, file.relative, spec)
    require_rows(raw, file.relative, first_row=1)
    table, extras = typed_table(raw, spec, file.relative, jsonl_row)
    check_unique(table, spec, file.relative, jsonl_row)
    notes.new_columns(spec.table, file.relative, extras)
    return table
