"""Errors that stop a source's load, worded so a person can fix the file without a debugger.

Every error names where the problem is (file, row or sheet and cell, field) because the
people who fix landing files are sales-ops analysts, not the engineers who read tracebacks.
"""

from __future__ import annotations


class IngestionError(Exception):
    """Base class: the load of a source was stopped and nothing of it was written."""


class LandingFileError(IngestionError):
    """A landing file breaks the landing contract (ingestion/LANDING_CONTRACT.md).

    `file` is the path relative to the landing root (`crm/Opportunity.csv`). `row` counts as a
    spreadsheet shows the file: the CSV header is row 1, the first record row 2; for JSON lines
    it is the line number (and printed as `line`). `field` is the column as written in the file
    (`Amount`). For workbooks, `sheet` and `cell` (`C14`) locate the value instead of a bare row.
    """

    def __init__(
        self,
        file: str,
        row: int | None,
        field: str | None,
        message: str,
        *,
        sheet: str | None = None,
        cell: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.field = field
        self.message = message
        self.sheet = sheet
        self.cell = cell
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f"sheet {self.sheet}")
        if self.cell is not None:
            where.append(f"cell {self.cell}")
        elif self.row is not None:
            # a JSON-lines file has lines, not rows; the number is the same
            where.append(f"{'line' if self.file.endswith('.jsonl') else 'row'} {self.row}")
        if self.field is not None:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        # keyword-only arguments need an explicit reduce so the error survives pickling
        # (dlt and Dagster move exceptions between processes)
        return (
            _rebuild_landing_file_error,
            (self.file, self.row, self.field, self.message, self.sheet, self.cell),
        )


def _rebuild_landing_file_error(
    file: str,
    row: int | None,
    field: str | None,
    message: str,
    sheet: str | None,
    cell: str | None,
) -> LandingFileError:
    return LandingFileError(file, row, field, message, sheet=sheet, cell=cell)


class SchemaChangeError(IngestionError):
    """A column already in the raw table arrived with another data type.

    New columns are welcome (they are added and reported); a column that silently changes type
    would break every model downstream, so the load stops and names resource and column.
    """

    def __init__(self, resource: str, column: str, message: str) -> None:
        self.resource = resource
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"resource {self.resource}, column {self.column}: {self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        return (SchemaChangeError, (self.resource, self.column, self.message))
