"""Plain readers of a generated landing folder (csv, json, openpyxl, pandas: nothing from the
generator's own code), shared by the demo generator's tests."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd


@dataclass
class Company:
    root: Path
    manifest: dict
    fiscal_year_start_month: int
    _activities: pd.DataFrame | None = None

    def csv_rows(self, rel: str) -> tuple[list[str], list[list[str]]]:
        with (self.root / rel).open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        return rows[0], rows[1:]

    def frame(self, rel: str) -> pd.DataFrame:
        return pd.read_csv(self.root / rel, dtype=str, keep_default_na=False)

    def workbooks(self) -> dict[str, tuple[list[str], list[tuple]]]:
        """Sheet names and rows of every quota workbook (rows padded to the header's width:
        Excel leaves trailing blank cells out)."""
        out = {}
        for path in sorted((self.root / "compensation").glob("quotas_FY*.xlsx")):
            wb = openpyxl.load_workbook(path, read_only=True)
            rows = [tuple(r) for r in wb.worksheets[0].values]
            width = len(rows[0])
            rows = [r + (None,) * (width - len(r)) for r in rows]
            out[path.name] = (wb.sheetnames, rows)
            wb.close()
        return out

    def activity_files(self) -> list[Path]:
        return sorted((self.root / "sales_analytics").glob("*/*/*/activities.jsonl"))

    def activities(self) -> pd.DataFrame:
        """Every activity line (read once per company, then shared)."""
        if self._activities is None:
            self._activities = self._read_activities()
        return self._activities

    def _read_activities(self) -> pd.DataFrame:
        rows = []
        for path in self.activity_files():
            for line in path.read_text().splitlines():
                rows.append(json.loads(line))
        return pd.DataFrame(rows)
