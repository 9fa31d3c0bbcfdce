"""From a typed landing table to the exact Arrow shape dlt stores without rewriting it.

dlt's Arrow path writes the yielded table to Parquet once (extract) and hands that file to
DuckDB as is, *if* the table already has the destination's columns, in the destination's
order, with the same nullability. Otherwise the normalize step rewrites every file, which
costs more than reading the CSV did. So each resource declares its columns up front
(`dlt_columns`), and `for_dlt` lays the table out the same way: contract columns,
`_dlt_id`, `_dlt_load_id` (a placeholder dlt fills in), scd2 validity columns, new columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
from dlt.common.schema.typing import TColumnSchema
from dlt.common.schema.utils import dlt_id_column, dlt_load_id_column

from ingestion.fields import TableSpec
from ingestion.rowids import random_ids, version_hash

DLT_ID = "_dlt_id"
DLT_LOAD_ID = "_dlt_load_id"
VALID_FROM = "_dlt_valid_from"
VALID_TO = "_dlt_valid_to"
_UTC_US = pa.timestamp("us", tz="UTC")


def dlt_columns(spec: TableSpec) -> list[TColumnSchema]:
    """Column hints of a raw table: the contract's types, then dlt's own columns."""
    return [*spec.dlt_columns(), dlt_id_column(), dlt_load_id_column()]


def for_dlt(
    table: pa.Table,
    spec: TableSpec,
    *,
    scd2_version_of: Sequence[str] | None = None,
) -> pa.Table:
    """Add `_dlt_id` and lay the table out as its raw table is.

    With `scd2_version_of`, `_dlt_id` is the MD5 of those columns: the row version dlt's scd2
    merge compares, so a row whose values did not change never becomes a new version. An
    optional column the source does not have (null in every row) is left out of the version,
    so a source without it keeps the versions it had before the column joined the contract.
    """
    count = table.num_rows
    known = spec.names
    extras = [name for name in table.column_names if name not in known]
    if scd2_version_of is not None:
        absent = {
            f.name
            for f in spec.fields
            if f.optional and f.name in table.column_names and table[f.name].null_count == count
        }
        ids = version_hash(table, [name for name in scd2_version_of if name not in absent])
    else:
        ids = random_ids(count)
    arrays = [table[name] for name in known]
    fields = [table.schema.field(name) for name in known]
    arrays += [ids, pa.nulls(count, pa.string()).fill_null("")]
    fields += [
        pa.field(DLT_ID, pa.string(), nullable=False),
        pa.field(DLT_LOAD_ID, pa.string(), nullable=False),
    ]
    if scd2_version_of is not None:
        arrays += [pa.nulls(count, _UTC_US), pa.nulls(count, _UTC_US)]
        fields += [pa.field(VALID_FROM, _UTC_US), pa.field(VALID_TO, _UTC_US)]
    arrays += [table[name] for name in extras]
    fields += [table.schema.field(name) for name in extras]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))
