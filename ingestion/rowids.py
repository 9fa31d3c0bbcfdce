"""Row identifiers for raw tables: `_dlt_id` computed in Arrow, never row by row in Python.

dlt's Arrow path would otherwise rewrite every Parquet file in the normalize step just to add
random `_dlt_id`s. We add them here, vectorised:
- `version_hash`: for scd2 tables `_dlt_id` is the row version, an MD5 of the record's
  values (the same role dlt's own scd2 gives `_dlt_id`). MD5 of a canonical text rendering
  stays the same across DuckDB, Arrow and Python versions, so an upgrade never makes every row
  look changed.
- `random_ids`: for all other tables, unique random ids like dlt's own.
"""

from __future__ import annotations

import base64
import os

import duckdb
import numpy as np
import pyarrow as pa

_ID_BYTES = 12  # 96 random bits, rendered as 16 base64 characters


def random_ids(count: int) -> pa.Array:
    """`count` unique random ids, 16 characters each."""
    width = _ID_BYTES * 4 // 3
    data = base64.b64encode(os.urandom(_ID_BYTES * count), altchars=b"-_")
    offsets = np.arange(0, width * count + 1, width, dtype=np.int32)
    return pa.Array.from_buffers(
        pa.string(), count, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def _render(name: str, arrow_type: pa.DataType) -> str:
    column = f'"{name}"'
    if pa.types.is_timestamp(arrow_type):
        text = f"cast(epoch_us({column}) as varchar)"
    elif pa.types.is_boolean(arrow_type):
        text = f"case when {column} then 'true' else 'false' end"
    elif pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        text = column
    else:
        text = f"cast({column} as varchar)"
    # chr(0) marks null, so a null and an empty text never hash alike
    return f"coalesce({text}, chr(0))"


def version_hash(table: pa.Table, columns: list[str]) -> pa.Array:
    """MD5 (hex) of the given columns of each row, separated by the ASCII unit separator."""
    rendered = ", ".join(_render(c, table.schema.field(c).type) for c in columns)
    connection = duckdb.connect()
    try:
        connection.execute("set enable_progress_bar = false")
        connection.register("rows", table.select(columns))
        result = connection.execute(
            f"select md5(concat_ws(chr(31), {rendered})) as h from rows"
        ).to_arrow_table()
    finally:
        connection.close()
    return result.column(0).combine_chunks()
