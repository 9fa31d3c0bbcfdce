"""Read landing files into Arrow tables of text, fast, and say where a file is malformed.

CSV goes through `pyarrow.csv` (multi-threaded C++), every column as text, so the typing and
its error messages live in one place (`ingestion.convert`). JSON lines go through
`pyarrow.json` with the known fields' JSON types declared. When Arrow rejects a file its
messages do not carry usable row numbers, so the file is scanned once more in Python to name
the row and field; that slow path runs only for files that are broken anyway.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson

from ingestion.errors import LandingFileError
from ingestion.fields import TableSpec

_BLOCK_SIZE = 16 << 20


def _require_content(path: Path, file: str) -> None:
    if not path.is_file():
        raise LandingFileError(file, None, None, f"file not found (looked in {path.parent})")
    if path.stat().st_size == 0:
        raise LandingFileError(file, None, None, "file is empty")


def read_csv_header(path: Path, file: str) -> list[str]:
    """The header row, read the way the CSV reader will read it (quotes, BOM)."""
    _require_content(path, file)
    with path.open("rb") as raw:
        first_line = raw.readline()
    try:
        header = next(csv.reader([first_line.decode("utf-8-sig").rstrip("\r\n")]), None)
    except UnicodeDecodeError as exc:
        raise _non_utf8_error(file, first_line, exc) from exc
    except csv.Error as exc:
        raise LandingFileError(file, 1, None, f"header row is unreadable: {exc}") from exc
    if not header or all(not h.strip() for h in header):
        raise LandingFileError(file, 1, None, "file is empty (no header row)")
    if len(header) == 1 and header[0].count(";") >= 1:
        raise LandingFileError(
            file,
            1,
            None,
            f"the file looks ';'-separated ({header[0].count(';') + 1} names in one header"
            " cell), as a spreadsheet with a decimal comma saves it: the landing contract wants"
            " ',' between fields and '.' before decimals; export it as CSV (comma-separated)",
        )
    return header


def read_csv_text(path: Path, file: str) -> pa.Table:
    """All columns as text; blank cells become null."""
    headers = read_csv_header(path, file)
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=_BLOCK_SIZE),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in headers},
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _locate_csv_problem(path, file, len(headers), exc) from exc


def _non_utf8_error(file: str, data: bytes, error: UnicodeDecodeError) -> LandingFileError:
    """Name the line and the column that hold a byte which is not UTF-8."""
    line = data[: error.start].count(b"\n") + 1
    start = data.rfind(b"\n", 0, error.start) + 1
    end = data.find(b"\n", error.start)
    record_text = data[start : end if end >= 0 else len(data)].decode("utf-8", errors="replace")
    header_text = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    headers = next(csv.reader([header_text.rstrip("\r")]), [])
    record = next(csv.reader([record_text.rstrip("\r")]), [])
    field = next(
        (headers[i] for i, value in enumerate(record) if "\ufffd" in value and i < len(headers)),
        None,
    )
    byte = data[error.start]
    return LandingFileError(
        file, line, field, f"byte 0x{byte:02x} is not valid UTF-8 text (save the file as UTF-8)"
    )


def _locate_csv_problem(path: Path, file: str, width: int, exc: Exception) -> LandingFileError:
    """Find the record Arrow choked on: a wrong number of fields or bytes that are not UTF-8."""
    with path.open("rb") as raw:
        data = raw.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as decode_error:
        return _non_utf8_error(file, data, decode_error)
    reader = csv.reader(io.StringIO(text, newline=""))
    for row_number, record in enumerate(reader, start=1):
        if record and len(record) != width:
            return LandingFileError(
                file, row_number, None, f"has {len(record)} fields, the header has {width}"
            )
    return LandingFileError(file, None, None, f"cannot be read as CSV: {exc}")


def read_jsonl(path: Path, file: str, spec: TableSpec) -> pa.Table:
    """JSON lines with the contract's fields typed as JSON has them (text or integer).

    Fields the contract does not know are inferred by Arrow and kept.
    """
    _require_content(path, file)
    schema = pa.schema(
        [pa.field(f.header, pa.int64() if f.kind == "bigint" else pa.string()) for f in spec.fields]
    )
    try:
        return pajson.read_json(
            path,
            read_options=pajson.ReadOptions(block_size=_BLOCK_SIZE),
            parse_options=pajson.ParseOptions(
                explicit_schema=schema, unexpected_field_behavior="infer"
            ),
        )
    except pa.ArrowInvalid as exc:
        raise _locate_jsonl_problem(path, file, spec, exc) from exc


_JSON_KIND = {str: "text", int: "number", float: "number", bool: "boolean"}


def _json_kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "list"
    return _JSON_KIND.get(type(value), type(value).__name__)


def _locate_jsonl_problem(
    path: Path, file: str, spec: TableSpec, exc: Exception
) -> LandingFileError:
    """Scan line by line for what Arrow refused: bad JSON, a wrong JSON type, a type change."""
    expected = {f.header: ("number" if f.kind == "bigint" else "text") for f in spec.fields}
    seen: dict[str, str] = {}
    with path.open("rb") as handle:
        for line_number, raw_line in enumerate(handle, start=1):
            if not raw_line.strip():
                continue
            try:
                record = json.loads(raw_line)
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                return LandingFileError(file, line_number, None, f"is not valid JSON: {error}")
            if not isinstance(record, dict):
                return LandingFileError(file, line_number, None, "is not a JSON object")
            for name, value in record.items():
                if value is None:
                    continue
                kind = _json_kind(value)
                if name in expected:
                    if expected[name] == "number" and not (
                        isinstance(value, int) and not isinstance(value, bool)
                    ):
                        return LandingFileError(
                            file, line_number, name, f"{value!r} is not a whole number"
                        )
                    if expected[name] == "text" and kind != "text":
                        return LandingFileError(
                            file, line_number, name, f"{value!r} is {kind}, expected text"
                        )
                    continue
                previous = seen.setdefault(name, kind)
                if previous != kind:
                    return LandingFileError(
                        file,
                        line_number,
                        name,
                        f"{value!r} is {kind}, but earlier lines have {previous} here",
                    )
    return LandingFileError(file, None, None, f"cannot be read as JSON lines: {exc}")
