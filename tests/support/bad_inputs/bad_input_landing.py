"""A case's landing folder: the small demo company's files, linked, with one file changed.

A case links every file of the untouched company (hard links: no copy, and the same
modification time and size, so an incremental load skips them as unchanged; a load refuses
symbolic links) and replaces only the file it breaks by a real, edited copy (`Landing.own`).
Editing never writes through a link, so the session's company stays intact for every other
case.

Edits are written as a user or an export would write them: CSV with LF line endings and
minimal quoting, workbooks through openpyxl, JSON lines one object per line.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

# A CRM edit is a record modified after the last export: its SystemModstamp moves past every
# cursor of the template load (the company's newest change, a split, is 2026-11-29 12:11).
BUMPED_MODSTAMP = "2026-11-29T23:59:59.000Z"
# Likewise a forecast call edited is a call submitted again, after the newest one (11-23).
BUMPED_SUBMITTED_AT = "2026-11-27T09:00:00.000Z"
# the cursor column of an incremental file, and the value an edited record gets
BUMPS = {"SystemModstamp": BUMPED_MODSTAMP, "SubmittedAt": BUMPED_SUBMITTED_AT}


def link_tree(source: Path, target: Path) -> None:
    """Mirror `source` under `target`: real folders, every file a hard link to the original."""
    for folder, _dirs, files in os.walk(source):
        relative = Path(folder).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            os.link(Path(folder) / name, target / relative / name)


class Landing:
    """The landing root of one case; `relative` paths are relative to it (`crm/User.csv`)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # -- files -------------------------------------------------------------------------------

    def own(self, relative: str) -> Path:
        """The file as a real file of this case (a linked file is copied first), to edit."""
        path = self.root / relative
        if path.exists() and path.stat().st_nlink > 1:
            # a hard link shares its bytes with the company: write a copy, never through it
            copy = path.with_name(path.name + ".own")
            shutil.copyfile(path, copy)
            os.replace(copy, path)
        return path

    def read_bytes(self, relative: str) -> bytes:
        return (self.root / relative).read_bytes()

    def write_bytes(self, relative: str, data: bytes) -> None:
        path = self.own(relative)
        path.write_bytes(data)

    def manifest(self) -> dict:
        return json.loads((self.root / "_manifest.json").read_text())

    def faulty_ids(self) -> set[str]:
        """Record ids the generator already made faulty (they must not carry a second fault)."""
        ids: set[str] = set()
        for records in self.manifest()["faults"].values():
            ids.update(r for r in records if isinstance(r, str))
        return ids

    # -- CSV -----------------------------------------------------------------------------------

    def read_csv(self, relative: str) -> tuple[list[str], list[list[str]]]:
        text = (self.root / relative).read_text(encoding="utf-8")
        header, *rows = list(csv.reader(io.StringIO(text, newline="")))
        return header, rows

    def write_csv(self, relative: str, header: list[str], rows: list[list[str]]) -> None:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        self.own(relative).write_text(buffer.getvalue(), encoding="utf-8")

    def row_of(self, relative: str, column: str, value: str) -> int:
        """The sheet row (header = 1) of the first record whose `column` is `value`."""
        header, rows = self.read_csv(relative)
        index = header.index(column)
        for number, row in enumerate(rows, start=2):
            if row[index] == value:
                return number
        raise LookupError(f"{relative}: no row with {column} = {value!r}")

    def value(self, relative: str, row: int, column: str) -> str:
        header, rows = self.read_csv(relative)
        return rows[row - 2][header.index(column)]

    def edit(self, relative: str, row: int, bump: bool = True, **values: str) -> str:
        """Set fields of sheet row `row`; return the record's first field (its id).

        A record of an incremental file edited here also gets a newer cursor (SystemModstamp,
        SubmittedAt; unless `bump` is False or the case sets it), as the system would stamp a
        modified record: without it the incremental load rightly skips the record as old.
        """
        header, rows = self.read_csv(relative)
        record = rows[row - 2]
        for cursor, stamp in BUMPS.items():
            if bump and cursor in header and cursor not in values:
                values[cursor] = stamp
        for column, value in values.items():
            record[header.index(column)] = value
        self.write_csv(relative, header, rows)
        return record[0]

    def clean_opportunities(self) -> list[str]:
        """Opportunity ids with no generator fault, not deleted, and without split rows."""
        header, rows = self.read_csv("crm/Opportunity.csv")
        _, splits = self.read_csv("crm/OpportunitySplit.csv")
        split_opportunities = {s[1] for s in splits}
        faulty = self.faulty_ids()
        id_at, deleted_at = header.index("Id"), header.index("IsDeleted")
        seen: dict[str, int] = {}
        for row in rows:
            seen[row[id_at]] = seen.get(row[id_at], 0) + 1
        return [
            row[id_at]
            for row in rows
            if row[id_at] not in faulty
            and row[deleted_at] == "false"
            and row[id_at] not in split_opportunities
            and seen[row[id_at]] == 1
        ]

    # -- workbooks -----------------------------------------------------------------------------

    @contextmanager
    def sheet(self, relative: str) -> Iterator[Worksheet]:
        """The workbook's only sheet, saved back when the block ends."""
        path = self.own(relative)
        workbook = openpyxl.load_workbook(path)
        yield workbook.active
        workbook.save(path)

    # -- JSON lines ----------------------------------------------------------------------------

    def read_lines(self, relative: str) -> list[str]:
        return (self.root / relative).read_text(encoding="utf-8").splitlines()

    def write_lines(self, relative: str, lines: list[str]) -> None:
        path = self.root / relative
        if path.exists():
            path = self.own(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
