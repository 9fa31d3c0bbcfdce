"""Read a sales-ops quota workbook (`quotas_FY<yyyy>.xlsx`) into one row per rep and month.

The workbook is wide (one column per fiscal month) because that is how sales ops edit it;
the raw table is long, because a wide table's columns would change every fiscal year. Each
row keeps the cell it came from (`source_row`, `source_column`), so a wrong quota can be
traced back to the cell a person typed.

Errors name file, sheet and cell: `quotas_FY2026.xlsx, sheet FY2026, cell C14, field
2026-03: 'n/a' is not a number`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import PurePosixPath

import openpyxl
import pyarrow as pa
from openpyxl.utils import get_column_letter

from ingestion.errors import LandingFileError
from ingestion.landing import LandingFile
from ingestion.sources.compensation.contract import QUOTA_FILE, QUOTAS
from ingestion.value_problems import decimal_range

_MONTH_HEADER = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})$")
_CENT = Decimal("0.01")
_FLOAT_NOISE = Decimal("0.000001")
QUOTA_FIELD = next(f for f in QUOTAS.fields if f.name == "quota_amount")
# quota_amount is decimal(18,2): 16 digits before the point
_LIMIT = Decimal(10) ** (QUOTA_FIELD.precision - QUOTA_FIELD.scale)  # type: ignore[operator]


class _Sheet:
    """Builds errors that point at a cell of one sheet."""

    def __init__(self, file: str, sheet: str) -> None:
        self.file = file
        self.sheet = sheet

    def error(self, row: int, column: int, field: str | None, message: str) -> LandingFileError:
        cell = f"{get_column_letter(column)}{row}"
        return LandingFileError(self.file, row, field, message, sheet=self.sheet, cell=cell)


def fiscal_year_of(file: LandingFile) -> int:
    name = PurePosixPath(file.relative).name
    match = QUOTA_FILE.match(name)
    if match is None:
        raise LandingFileError(
            file.relative, None, None, "quota workbooks must be named quotas_FY<yyyy>.xlsx"
        )
    return int(match.group("year"))


def _month_of(value: object) -> dt.date | None:
    """A month header: text `YYYY-MM` (or a date, if Excel turned the text into one)."""
    if isinstance(value, dt.datetime | dt.date):
        return dt.date(value.year, value.month, 1)
    if isinstance(value, str):
        match = _MONTH_HEADER.match(value.strip())
        if match and 1 <= int(match.group("month")) <= 12:
            return dt.date(int(match.group("year")), int(match.group("month")), 1)
    return None


def _amount(value: object) -> Decimal | None:
    """A quota cell as an exact amount in cents; None when blank; ValueError when not one.

    Excel stores numbers as binary floats, so `1234.56` comes back as 1234.5599999999999:
    noise below a millionth is rounded away, real fractions of a cent are refused.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | dt.datetime | dt.date | dt.time):
        raise ValueError
    try:
        exact = Decimal(str(value).strip()) if isinstance(value, str) else Decimal(repr(value))
    except InvalidOperation as exc:
        raise ValueError from exc
    if not exact.is_finite():
        raise ValueError
    if abs(exact) >= _LIMIT:
        raise ValueError(
            f"{value!r} is out of range: a quota must be between {decimal_range(QUOTA_FIELD)}"
        )
    cents = exact.quantize(_CENT, rounding=ROUND_HALF_EVEN)
    if abs(exact - cents) > _FLOAT_NOISE:
        raise ValueError
    return cents


def read_quota_workbook(file: LandingFile) -> pa.Table:
    """Every (rep, month) cell of the workbook's `FY<yyyy>` sheet, validated in full."""
    fiscal_year = fiscal_year_of(file)
    expected_sheet = f"FY{fiscal_year}"
    if file.path.stat().st_size == 0:
        raise LandingFileError(file.relative, None, None, "file is empty")
    try:
        workbook = openpyxl.load_workbook(file.path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for damaged files
        raise LandingFileError(
            file.relative, None, None, f"is not a readable .xlsx workbook ({exc})"
        ) from exc
    try:
        if expected_sheet not in workbook.sheetnames:
            found = workbook.sheetnames[0] if len(workbook.sheetnames) == 1 else None
            raise LandingFileError(
                file.relative,
                None,
                None,
                f"the quota sheet must be named {expected_sheet}, after the file name"
                f" (the workbook has: {', '.join(workbook.sheetnames)})",
                sheet=found,
            )
        rows = list(workbook[expected_sheet].iter_rows(values_only=True))
    finally:
        workbook.close()
    sheet = _Sheet(file.relative, expected_sheet)
    _refuse_formulas_without_values(file, sheet, rows)
    return _unpivot(rows, sheet, fiscal_year)


def _refuse_formulas_without_values(
    file: LandingFile, sheet: _Sheet, rows: list[tuple[object, ...]]
) -> None:
    """A formula saved without its computed value reads as a blank quota: refuse it, by cell.

    Excel saves each formula's last value beside it; a workbook written by a script or a tool
    that does not calculate has none, and the blank would load as "no quota that month".
    Blank cells are looked up again with formulas (only when the sheet has blanks).
    """
    if not any(value is None for row in rows[1:] for value in row[2:]):
        return
    workbook = openpyxl.load_workbook(file.path, read_only=True, data_only=False)
    try:
        for row_number, cells in enumerate(workbook[sheet.sheet].iter_rows(values_only=True), 1):
            for column, formula in enumerate(cells, start=1):
                if not (isinstance(formula, str) and formula.startswith("=")):
                    continue
                cached = rows[row_number - 1] if row_number <= len(rows) else ()
                if column > len(cached) or cached[column - 1] is None:
                    raise sheet.error(
                        row_number,
                        column,
                        None,
                        f"the formula {formula!r} was saved without its value (the workbook"
                        " was written by a tool that does not calculate): open and save it in"
                        " Excel or LibreOffice, or type the number",
                    )
    finally:
        workbook.close()


def _header(rows: list[tuple[object, ...]], sheet: _Sheet) -> list[tuple[int, str, dt.date]]:
    """The month columns: (1-based column, header as written, first day of month)."""
    if not rows or all(v is None for v in rows[0]):
        filled = next((n for n, row in enumerate(rows, 1) if any(v is not None for v in row)), 0)
        if filled:
            raise LandingFileError(
                sheet.file,
                1,
                None,
                "row 1 is blank: the header (Email, Name, then the months) must be on row 1;"
                f" the first filled row is row {filled}",
                sheet=sheet.sheet,
                cell="A1",
            )
        raise LandingFileError(sheet.file, 1, None, "sheet is empty", sheet=sheet.sheet)
    header = list(rows[0])
    while header and header[-1] is None:
        header.pop()
    for column, expected in ((1, "Email"), (2, "Name")):
        value = header[column - 1] if len(header) >= column else None
        if not isinstance(value, str) or value.strip() != expected:
            raise sheet.error(1, column, expected, f"header must be {expected!r}, found {value!r}")
    months: list[tuple[int, str, dt.date]] = []
    seen: dict[dt.date, int] = {}
    for column, value in enumerate(header[2:], start=3):
        month = _month_of(value)
        if month is None:
            raise sheet.error(1, column, None, f"month header {value!r} is not a month YYYY-MM")
        if month in seen:
            raise sheet.error(
                1,
                column,
                None,
                f"month {month:%Y-%m} is already the header of column"
                f" {get_column_letter(seen[month])}",
            )
        seen[month] = column
        months.append((column, f"{month:%Y-%m}", month))
    if not months:
        raise sheet.error(1, 3, None, "no month columns after Email and Name")
    return months


def _following(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _require_whole_fiscal_year(
    months: list[tuple[int, str, dt.date]], sheet: _Sheet, fiscal_year: int
) -> None:
    """A fiscal year's month columns are consecutive, in order, and fit in that fiscal year.

    A missing month column between others would otherwise load as "no quota that month" for
    every rep: a silent drop of a whole month of quota. A sheet may cover only part of the
    year (quotas set a quarter at a time), so a sheet that stops early is accepted.
    """
    for (_, _, month), (column, _, following) in zip(months, months[1:], strict=False):
        if following != _following(month):
            gap = _following(month)
            raise sheet.error(
                1,
                column,
                f"{gap:%Y-%m}" if following > gap else None,
                f"month column {gap:%Y-%m} is missing or out of order: found {following:%Y-%m} "
                f"after {month:%Y-%m}; FY{fiscal_year} needs its 12 months in order",
            )
    first, last = months[0][2], months[-1][2]
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    if span > 12 or first.year < fiscal_year - 1 or last.year > fiscal_year:
        raise sheet.error(
            1,
            months[-1][0] if span > 12 else months[0][0],
            None,
            f"month columns {first:%Y-%m} to {last:%Y-%m} do not fit in FY{fiscal_year} "
            f"(at most 12 consecutive months, ending no later than {fiscal_year}-12)",
        )


def _unpivot(rows: list[tuple[object, ...]], sheet: _Sheet, fiscal_year: int) -> pa.Table:
    months = _header(rows, sheet)
    _require_whole_fiscal_year(months, sheet, fiscal_year)
    width = months[-1][0]
    out: dict[str, list[object]] = {name: [] for name in QUOTAS.names}
    emails: dict[str, int] = {}
    for row_number, values in enumerate(rows[1:], start=2):
        cells = list(values[:width]) + [None] * max(0, width - len(values))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue  # an empty row between or after the reps is layout, not data
        for extra_column, value in enumerate(values[width:], start=width + 1):
            if value is not None:
                raise sheet.error(
                    row_number, extra_column, None, f"{value!r} is in a column with no month"
                )
        email, name = cells[0], cells[1]
        if not isinstance(email, str) or not email.strip():
            raise sheet.error(row_number, 1, "Email", f"{email!r} is not an email")
        if email in emails:
            raise sheet.error(
                row_number, 1, "Email", f"{email!r} already has quotas on row {emails[email]}"
            )
        emails[email] = row_number
        if name is not None and not isinstance(name, str):
            raise sheet.error(row_number, 2, "Name", f"{name!r} is not a name")
        for column, label, month in months:
            value = cells[column - 1]
            try:
                quota = _amount(value)
            except ValueError as exc:
                why = str(exc) or f"{value!r} is not a number"
                raise sheet.error(row_number, column, label, why) from None
            out["email"].append(email)
            out["name"].append(name)
            out["fiscal_year"].append(fiscal_year)
            out["month"].append(month)
            out["quota_amount"].append(quota)
            out["source_file"].append(sheet.file)
            out["source_row"].append(row_number)
            out["source_column"].append(get_column_letter(column))
    if not emails:
        raise LandingFileError(
            sheet.file, 2, None, "sheet has a header but no reps", sheet=sheet.sheet
        )
    schema = pa.schema([pa.field(f.name, f.arrow_type, nullable=f.nullable) for f in QUOTAS.fields])
    return pa.table(out, schema=schema)
