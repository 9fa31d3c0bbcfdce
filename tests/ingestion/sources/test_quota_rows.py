"""A quota cell keeps the row it is on: blank rows between reps shift nothing below them."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.styles import Font

from ingestion.landing import LandingFile
from ingestion.sources.compensation.quotas import read_quota_workbook

HEADER = ["Email", "Name"] + [f"2026-{m:02d}" for m in range(1, 13)]


def _workbook(path: Path, rows: dict[int, list[object]]) -> LandingFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "FY2026"
    for row, values in rows.items():
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            if value is None:  # a blank row a user formatted: its cells exist, empty
                cell.font = Font(bold=True)
    workbook.save(path)
    stat = path.stat()
    return LandingFile(path, f"compensation/{path.name}", (stat.st_mtime_ns, stat.st_size))


def test_rows_below_blank_rows_keep_their_sheet_row(tmp_path: Path) -> None:
    rows = {
        1: HEADER,
        2: ["a@x.example", "A", *[1000] * 12],
        # rows 3 and 4 blank, row 5 a rep, row 6 blank but formatted, row 7 a rep
        5: ["b@x.example", "B", *[2000] * 12],
        6: [None, None],
        7: ["c@x.example", "C", *[3000] * 12],
    }
    table = read_quota_workbook(_workbook(tmp_path / "quotas_FY2026.xlsx", rows))
    found = {
        (email, row, column)
        for email, row, column in zip(
            table["email"].to_pylist(),
            table["source_row"].to_pylist(),
            table["source_column"].to_pylist(),
            strict=True,
        )
        if column == "C"
    }
    assert found == {("a@x.example", 2, "C"), ("b@x.example", 5, "C"), ("c@x.example", 7, "C")}
