"""A tiny landing folder written by hand, per the contract, and read access to raw tables.

The rows are few and chosen so every count and value in a test can be checked by reading
this file: 3 users, 4 opportunities (one Id exported twice), two activity days, one quota
workbook. Tests change single files of it to provoke each error. The CSV headers are the demo
company's (`ingestion/demo/crm_files.py`, `ingestion/demo/files.py`), which
tests/ingestion/demo checks word for word against LANDING_CONTRACT.md, so they are listed once.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import duckdb
import openpyxl

from ingestion.demo.crm_files import HEADERS as CRM_HEADERS
from ingestion.demo.files import HEADERS as FILE_HEADERS

U1, U2, U3 = "005000000000001AAA", "005000000000002AAA", "005000000000003AAA"
ROLE = "00E000000000001AAA"
ACC = "001000000000001AAA"
PROD = "01t000000000001AAA"
O1, O2, O3, O4 = (f"00600000000000{i}AAA" for i in range(1, 5))
REVENUE, OVERLAY = "04B000000000001AAA", "04B000000000002AAA"
TS = "2026-03-01T10:00:00.000Z"


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)


def _row(header: list[str], values: dict[str, object]) -> list[object]:
    """A row in `header` order from values named by column; every column must be given."""
    unknown = set(values) - set(header)
    missing = [c for c in header if c not in values]
    if unknown or missing:
        raise ValueError(
            f"row columns do not match the header: unknown {unknown}, missing {missing}"
        )
    return [values[c] for c in header]


def touch_later(path: Path) -> None:
    """Give a file a modification time clearly after every earlier write (coarse clocks)."""
    later = max(path.stat().st_mtime_ns, dt.datetime.now().timestamp() * 1e9) + 5e9
    os.utime(path, ns=(int(later), int(later)))


class TinyLanding:
    """A landing folder with a few rows per file; `counts` holds rows per file as written."""

    def __init__(self, root: Path, *, write: bool = True) -> None:
        self.root = root
        self.counts: dict[str, int] = {}
        if not write:
            return
        self.write_crm()
        self.write_activities_day(dt.date(2026, 3, 2), 3)
        self.write_activities_day(dt.date(2026, 3, 3), 2)
        self.write_forecasts()
        self.write_compensation()
        self.write_fx()

    @classmethod
    def existing(cls, root: Path) -> TinyLanding:
        """A landing folder written earlier (copied from a template)."""
        return cls(root, write=False)

    # -- helpers -------------------------------------------------------------------------
    def csv(self, relative: str, header: list[str], rows: list[list[object]]) -> Path:
        path = self.root / relative
        _write_csv(path, header, rows)
        touch_later(path)
        self.counts[relative] = len(rows)
        return path

    def crm(self, object_name: str, rows: list[list[object]]) -> Path:
        """One CRM export file, with the demo company's header for that object."""
        return self.csv(f"crm/{object_name}.csv", CRM_HEADERS[object_name], rows)

    def read_csv(self, relative: str) -> tuple[list[str], list[list[str]]]:
        with (self.root / relative).open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        return rows[0], rows[1:]

    def edit_csv(self, relative: str, row: int, column: str, value: str) -> Path:
        """Set one cell; `row` counts as the error messages do (header = row 1)."""
        header, rows = self.read_csv(relative)
        rows[row - 2][header.index(column)] = value
        return self.csv(relative, header, rows)

    # -- CRM -----------------------------------------------------------------------------
    def write_crm(self) -> None:
        self.crm(
            "User",
            [
                [U1, "Ada Rep", "ada@x.com", "AE", ROLE, U3, "true", TS, TS],
                [U2, "Bo Rep", " Bo@X.com", "AE", ROLE, U3, "true", TS, TS],
                [U3, "Cy Boss", "cy@x.com", "Manager", ROLE, None, "true", TS, TS],
            ],
        )
        self.crm("UserRole", [[ROLE, "Team West", None, TS]])
        self.crm("Account", [[ACC, "Acme, Inc", "Software", "US", U1, TS, "false", TS]])
        self.crm("Product2", [[PROD, "Platform", "Core", "true", TS]])
        # Opportunity rows name their columns; all are of the one account, created on Jan 1
        opportunity = {
            "AccountId": ACC,
            "CreatedDate": "2026-01-01T09:00:00.000Z",
            "IsDeleted": "false",
            "LastModifiedDate": TS,
            "NextStep": "",
        }
        won = {
            **opportunity,
            "StageName": "Closed Won",
            "Probability": "100",
            "ForecastCategoryName": "Closed",
            "IsClosed": "true",
            "IsWon": "true",
        }
        renewal = {
            **opportunity,
            "Id": O3,
            "Name": "Acme renewal",
            "OwnerId": U2,
            "Amount": "100.00",
            "CurrencyIsoCode": "USD",
            "StageName": "Proposal",
            "Probability": "60",
            "ForecastCategoryName": "Best Case",
            "CloseDate": "2026-04-02",
            "IsClosed": "false",
            "IsWon": "false",
            "Type": "Renewal",
            "LeadSource": "Event",
            "SystemModstamp": "2026-03-01T12:00:00.000Z",
            "NextStep": "Send the renewal quote",
        }
        header = CRM_HEADERS["Opportunity"]
        rows = [
            {
                **won,
                "Id": O1,
                "Name": "Acme expansion",
                "OwnerId": U1,
                "Amount": "1000.00",
                "CurrencyIsoCode": "USD",
                "CloseDate": "2026-02-10",
                "Type": "Upsell",
                "LeadSource": "Web",
                "SystemModstamp": "2026-02-10T12:00:00.000Z",
            },
            {
                **won,
                "Id": O2,
                "Name": "Acme EU",
                "OwnerId": U1,
                "Amount": "500.00",
                "CurrencyIsoCode": "EUR",
                "CloseDate": "2026-03-07",
                "Type": "New Business",
                "LeadSource": "Partner",
                "SystemModstamp": "2026-03-07T12:00:00.000Z",
            },
            renewal,
            # the same Id again, exported later with a new amount: the later row wins
            {**renewal, "Amount": "150.00", "SystemModstamp": "2026-03-02T12:00:00.000Z"},
            {
                **opportunity,
                "Id": O4,
                "Name": "Acme lost",
                "OwnerId": U2,
                "Amount": "400.00",
                "CurrencyIsoCode": "USD",
                "StageName": "Closed Lost",
                "Probability": "0",
                "ForecastCategoryName": "Omitted",
                "CloseDate": "2026-04-02",
                "IsClosed": "true",
                "IsWon": "false",
                "Type": "New Business",
                "LeadSource": "Web",
                "SystemModstamp": "2026-03-01T12:00:00.000Z",
            },
        ]
        self.crm("Opportunity", [_row(header, row) for row in rows])
        self.crm(
            "OpportunityHistory",
            [
                [
                    f"00800000000000{i}AAA",
                    O1,
                    stage,
                    "1000.00",
                    "2026-02-10",
                    prob,
                    cat,
                    ts,
                    "false",
                    ts,
                ]
                for i, (stage, prob, cat, ts) in enumerate(
                    [
                        ("Prospecting", "10", "Pipeline", "2026-01-01T09:00:00.000Z"),
                        ("Closed Won", "100", "Closed", "2026-02-10T12:00:00.000Z"),
                    ],
                    start=1,
                )
            ],
        )
        self.crm(
            "OpportunityLineItem",
            [["00k000000000001AAA", O1, PROD, "2", "500.00", "1000.00", "false", TS]],
        )
        self.crm(
            "OpportunitySplit",
            [
                ["04A000000000001AAA", O1, U1, "50", REVENUE, "false", TS],
                ["04A000000000002AAA", O1, U2, "50", REVENUE, "false", TS],
                ["04A000000000003AAA", O1, U3, "100", OVERLAY, "false", TS],
            ],
        )
        self.crm(
            "OpportunitySplitType",
            [
                [REVENUE, "Revenue", "Revenue", "true", "true", TS],
                [OVERLAY, "Overlay", "Overlay", "false", "true", TS],
            ],
        )

    # -- sales analytics -----------------------------------------------------------------
    def activities_path(self, day: dt.date) -> str:
        return f"sales_analytics/{day:%Y/%m/%d}/activities.jsonl"

    def write_activities_day(
        self, day: dt.date, count: int, extra: dict[str, object] | None = None
    ) -> Path:
        relative = self.activities_path(day)
        lines = []
        for i in range(count):
            event = {
                "id": f"act_{day:%Y%m%d}{i:08x}",
                "type": ["call", "email", "meeting"][i % 3],
                "user_id": U1,
                "opportunity_id": O1 if i % 2 == 0 else None,
                "account_id": ACC,
                "timestamp": f"{day.isoformat()}T{9 + i:02d}:15:00.000Z",
                "duration_seconds": [300, 0, 1800][i % 3],
                "direction": "outbound",
                "outcome": ["connected", "sent", "held"][i % 3],
            }
            event.update(extra or {})
            lines.append(json.dumps(event))
        return self.write_lines(relative, lines)

    def write_lines(self, relative: str, lines: list[str]) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        touch_later(path)
        self.counts[relative] = len(lines)
        return path

    # -- revenue intelligence ------------------------------------------------------------
    def write_forecasts(self) -> None:
        self.csv(
            "revenue_intelligence/forecast_submissions.csv",
            FILE_HEADERS["forecast_submissions"],
            [
                [
                    "fs_000000000001",
                    U1,
                    "rep",
                    "FY2026-Q1",
                    "Commit",
                    "2000.00",
                    "USD",
                    "2026-03-02T08:00:00.000Z",
                ],
                [
                    "fs_000000000002",
                    U1,
                    "rep",
                    "FY2026-Q1",
                    "Best Case",
                    "3000.00",
                    "USD",
                    "2026-03-02T08:00:00.000Z",
                ],
                [
                    "fs_000000000003",
                    U3,
                    "manager",
                    "FY2026-Q1",
                    "Commit",
                    "4500.00",
                    "USD",
                    "2026-03-02T09:00:00.000Z",
                ],
            ],
        )

    # -- compensation --------------------------------------------------------------------
    def write_quota_workbook(
        self,
        fiscal_year: int = 2026,
        rows: list[list[object]] | None = None,
        sheet: str | None = None,
        months: list[str] | None = None,
    ) -> Path:
        relative = f"compensation/quotas_FY{fiscal_year}.xlsx"
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook = openpyxl.Workbook()
        worksheet = workbook.active
        worksheet.title = sheet or f"FY{fiscal_year}"
        months = months or [f"{fiscal_year}-{m:02d}" for m in (1, 2, 3)]
        worksheet.append(["Email", "Name", *months])
        rows = (
            rows
            if rows is not None
            else [
                ["ada@x.com", "Ada Rep", 1000, 1000, 1000],
                ["b@x.com", "Bo Rep", 1000, None, 0],
            ]
        )
        for row in rows:
            worksheet.append(row)
        workbook.save(path)
        touch_later(path)
        self.counts[relative] = len(rows)
        return path

    def write_compensation(self) -> None:
        self.write_quota_workbook()
        self.csv(
            "compensation/assignments.csv",
            FILE_HEADERS["assignments"],
            [
                ["ada@x.com", U1, ROLE, "rep", "2025-01-01", None, "2025-01-01", None],
                ["b@x.com", U2, ROLE, "rep", "2025-06-01", None, "2025-06-01", None],
                ["cy@x.com", U3, ROLE, "manager", "2024-01-01", None, "2024-01-01", None],
            ],
        )
        self.csv(
            "compensation/comp_plans.csv",
            FILE_HEADERS["comp_plans"],
            [
                [
                    "plan_1",
                    "ada@x.com",
                    U1,
                    "2026",
                    "2026-01-01",
                    "2026-12-31",
                    "USD",
                    "80000.00",
                    "80000.00",
                    "160000.00",
                    "3000.00",
                ],
            ],
        )
        self.csv(
            "compensation/comp_plan_tiers.csv",
            FILE_HEADERS["comp_plan_tiers"],
            [
                ["plan_1", "1", "0", "1", "0.1"],
                ["plan_1", "2", "1", None, "0.15"],
            ],
        )
        self.csv(
            "compensation/payouts.csv",
            FILE_HEADERS["payouts"],
            [
                ["po_1", "ada@x.com", U1, "plan_1", "2026-02", "USD", "100.00"],
                ["po_2", "ada@x.com", U1, "plan_1", "2026-03", "USD", "55.00"],
            ],
        )

    # -- finance -------------------------------------------------------------------------
    def write_fx(self) -> None:
        rows = []
        for day in (dt.date(2026, 3, 5), dt.date(2026, 3, 6), dt.date(2026, 3, 9)):
            rows.append([day.isoformat(), "EUR", {5: "1.05", 6: "1.10", 9: "1.20"}[day.day]])
            rows.append([day.isoformat(), "GBP", "1.27000000"])
        self.csv("finance/fx_rates.csv", FILE_HEADERS["fx_rates"], rows)


class Raw:
    """Read-only access to the raw datasets of a test warehouse."""

    def __init__(self, warehouse_dir: Path) -> None:
        self.path = warehouse_dir / "work.duckdb"

    def query(self, sql: str) -> list[tuple[object, ...]]:
        connection = duckdb.connect(str(self.path), read_only=True)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()

    def count(self, table: str, where: str = "true") -> int:
        return int(self.query(f"select count(*) from {table} where {where}")[0][0])

    def snapshot(self, dataset: str) -> dict[str, list[tuple[object, ...]]]:
        """Every row of every data table of a dataset, sorted: equal snapshots = untouched.

        dlt's own tables (`_dlt_loads`, `_dlt_pipeline_state`) are left out: they record that
        a load ran, which is not a change of the data.
        """
        tables = [
            name
            for (name,) in self.query(
                "select table_name from information_schema.tables"
                f" where table_schema = '{dataset}' and table_name not like '\\_dlt%' escape '\\'"
                " order by table_name"
            )
        ]
        return {t: sorted(self.query(f'select * from {dataset}."{t}"'), key=repr) for t in tables}
