"""Turn a landing file read as text into a typed Arrow table, or say exactly what is wrong.

The whole file is checked before anything is handed to dlt, so a bad value stops the load
with the file, row and field named, and nothing of the file is half-loaded. Conversion runs
on whole Arrow columns (millions of values per second); only when a column fails is the first
bad value located, by bisecting the column, so the error path costs a few extra casts.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from ingestion.errors import LandingFileError
from ingestion.fields import Field, TableSpec, snake
from ingestion.value_problems import decimal_problem

RowOf = Callable[[int], int]
"""Maps a 0-based record index to the row number a person sees in the file."""


def csv_row(index: int) -> int:
    """CSV rows count the header as row 1, as a spreadsheet shows the file."""
    return index + 2


def jsonl_row(index: int) -> int:
    """JSON lines are numbered from 1."""
    return index + 1


def check_header(headers: list[str], spec: TableSpec, file: str, header_row: int = 1) -> None:
    """Every contract column must be there, once (an optional one may be left out); extra
    columns are allowed."""
    seen: set[str] = set()
    for header in headers:
        if header in seen:
            raise LandingFileError(file, header_row, header, "column appears twice in the header")
        seen.add(header)
    for field in spec.fields:
        if field.header not in seen and not field.optional:
            raise LandingFileError(
                file,
                header_row,
                field.header,
                f"required column is missing (the header has: {', '.join(headers)})",
            )


def extra_headers(headers: list[str], spec: TableSpec, file: str) -> list[str]:
    """Columns the contract does not know; their raw names must not collide with known ones."""
    known_headers = {f.header for f in spec.fields}
    known_names = set(spec.names)
    extras = [h for h in headers if h not in known_headers]
    for header in extras:
        if snake(header) in known_names or snake(header).startswith("_dlt"):
            raise LandingFileError(
                file,
                1,
                header,
                f"new column would land as `{snake(header)}`, which is already a column",
            )
    return extras


def _cast(values: pa.Array, field: Field) -> pa.Array:
    return pc.cast(values, field.arrow_type, safe=True)


def _first_bad(values: pa.Array, convert: Callable[[pa.Array], object]) -> int:
    """Index of the first value `convert` rejects; `values` as a whole is known to fail."""
    lo, hi = 0, len(values)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        try:
            convert(values.slice(lo, mid - lo))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            hi = mid
        else:
            lo = mid
    return lo


def typed_column(
    values: pa.ChunkedArray | pa.Array, field: Field, file: str, row_of: RowOf
) -> pa.Array:
    """Convert one column to the field's type; name the first value that does not fit."""
    array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if array.type == pa.null():
        array = pa.nulls(len(array), pa.string())
    if field.kind == "text":
        if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
            index = _first_bad_type(array)
            raise LandingFileError(
                file, row_of(index), field.header, f"{_show(array[index])} is not text"
            )
        result = array
    elif field.arrow_type.equals(array.type):
        result = array
    else:
        try:
            result = _cast(array, field)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
            index = _first_bad(array, lambda part: _cast(part, field))
            bad = array[index]
            message = f"{_show(bad)} is not {field.type_label}"
            if field.kind == "decimal" and isinstance(bad.as_py(), str):
                message = decimal_problem(_show(bad), bad.as_py(), field)
            raise LandingFileError(file, row_of(index), field.header, message) from exc
    if not field.nullable and result.null_count:
        index = pc.index(pc.is_null(result), True).as_py()
        raise LandingFileError(
            file, row_of(index), field.header, "has no value, but one is required"
        )
    return result


def _first_bad_type(array: pa.Array) -> int:
    """First non-null value of a column that should have held text."""
    valid = pc.is_valid(array)
    index = pc.index(valid, True).as_py()
    return max(index, 0)


def _show(value: pa.Scalar) -> str:
    python = value.as_py()
    return repr(python) if isinstance(python, str) else str(python)


def typed_table(
    raw: pa.Table,
    spec: TableSpec,
    file: str,
    row_of: RowOf,
) -> tuple[pa.Table, list[str]]:
    """Typed table with the contract columns first (in contract order), extras after.

    An optional column the file does not have is null in every row (unknown); one it has is
    empty text where blank. Returns the table and the raw names of the extra columns
    (reported, never dropped).
    """
    headers = raw.column_names
    extras = extra_headers(headers, spec, file)
    arrays: list[pa.Array] = []
    fields: list[pa.Field] = []
    for field in spec.fields:
        if field.optional and field.header not in headers:
            arrays.append(pa.nulls(raw.num_rows, field.arrow_type))
        elif field.optional:
            column = typed_column(raw[field.header], field, file, row_of)
            arrays.append(pc.fill_null(column, pa.scalar("", field.arrow_type)))
        else:
            arrays.append(typed_column(raw[field.header], field, file, row_of))
        fields.append(pa.field(field.name, field.arrow_type, nullable=field.nullable))
    for header in extras:
        column = raw[header]
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if array.type == pa.null():
            # a column that is blank in every row still has a type: text, like the CSV says
            array = pa.nulls(len(array), pa.string())
        arrays.append(array)
        fields.append(pa.field(snake(header), array.type))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields)), [snake(h) for h in extras]


def require_rows(table: pa.Table, file: str, first_row: int) -> None:
    """An export with no records is treated as a failed export, not as 'nothing happened'."""
    if table.num_rows == 0:
        raise LandingFileError(file, first_row, None, "file has a header but no data rows")


def check_unique(table: pa.Table, spec: TableSpec, file: str, row_of: RowOf) -> None:
    """A key may appear once per file; a second row with the same key is an error, not a merge."""
    key = list(spec.primary_key)
    if not key:
        return
    if len(key) == 1:
        distinct = pc.count_distinct(table[key[0]]).as_py()
        if distinct == table.num_rows:
            return
    indexed = table.select(key).append_column("__index", pa.array(range(table.num_rows)))
    grouped = indexed.group_by(key, use_threads=False).aggregate(
        [("__index", "min"), ("__index", "max"), ("__index", "count")]
    )
    duplicates = grouped.filter(pc.greater(grouped["__index_count"], 1))
    if duplicates.num_rows == 0:
        return
    first = duplicates.sort_by("__index_max").slice(0, 1).to_pylist()[0]
    headers = "+".join(spec.field(k).header for k in key)
    value = ", ".join(str(first[k]) for k in key)
    raise LandingFileError(
        file,
        row_of(first["__index_max"]),
        headers,
        f"duplicate key {value}: the same key is already on row {row_of(first['__index_min'])}",
    )
