"""A tiny landing folder written by hand, per the contract, and read access to raw tables.

The rows are few and chosen so every count and value in a test can be checked by reading
this file: 3 users, 4 opportunities (one Id exported twice), two activity days, one quota
workbook. Tests change single files of it to provoke each error.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import duckdb
import openpyxl

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
        self.csv(
            "crm/User.csv",
            [
                "Id",
                "Name",
                "Email",
                "Title",
                "UserRoleId",
                "ManagerId",
                "IsActive",
                "CreatedDate",
                "SystemModstamp",
            ],
            [
                [U1, "Ada Rep", "ada@x.com", "AE", ROLE, U3, "true", TS, TS],
                [U2, "Bo Rep", " Bo@X.com", "AE", ROLE, U3, "true", TS, TS],
                [U3, "Cy Boss", "cy@x.com", "Manager", ROLE, None, "true", TS, TS],
            ],
        )
        self.csv(
            "crm/UserRole.csv",
            ["Id", "Name", "ParentRoleId", "SystemModstamp"],
            [[ROLE, "Team West", None, TS]],
        )
        self.csv(
            "crm/Account.csv",
            [
                "Id",
                "Name",
                "Industry",
                "BillingCountry",
                "OwnerId",
                "CreatedDate",
                "IsDeleted",
                "SystemModstamp",
            ],
            [[ACC, "Acme, Inc", "Software", "US", U1, TS, "false", TS]],
        )
        self.csv(
            "crm/Product2.csv",
            ["Id", "Name", "Family", "IsActive", "SystemModstamp"],
            [[PROD, "Platform", "Core", "true", TS]],
        )
        header = [
            "Id",
            "Name",
            "AccountId",
            "OwnerId",
            "Amount",
            "CurrencyIsoCode",
            "StageName",
            "Probability",
            "ForecastCategoryName",
            "CloseDate",
            "CreatedDate",
            "IsClosed",
            "IsWon",
            "Type",
            "LeadSource",
            "IsDeleted",
            "LastModifiedDate",
            "SystemModstamp",
        ]
        self.csv(
            "crm/Opportunity.csv",
            header,
            [
                [
                    O1,
                    "Acme expansion",
                    ACC,
                    U1,
                    "1000.00",
                    "USD",
                    "Closed Won",
                    "100",
                    "Closed",
                    "2026-02-10",
                    "2026-01-01T09:00:00.000Z",
                    "true",
                    "true",
                    "Upsell",
                    "Web",
                    "false",
                    TS,
                    "2026-02-10T12:00:00.000Z",
                ],
                [
                    O2,
                    "Acme EU",
                    ACC,
                    U1,
                    "500.00",
                    "EUR",
                    "Closed Won",
                    "100",
                    "Closed",
                    "2026-03-07",
                    "2026-01-01T09:00:00.000Z",
                    "true",
                    "true",
                    "New Business",
                    "Partner",
                    "false",
                    TS,
                    "2026-03-07T12:00:00.000Z",
                ],
                [
                    O3,
                    "Acme renewal",
                    ACC,
                    U2,
                    "100.00",
                    "USD",
                    "Proposal",
                    "60",
                    "Best Case",
                    "2026-04-02",
                    "2026-01-01T09:00:00.000Z",
                    "false",
                    "false",
                    "Renewal",
                    "Event",
                    "false",
                    TS,
                    "2026-03-01T12:00:00.000Z",
                ],
                # the same Id again, exported later with a new amount: the later row wins
                [
                    O3,
                    "Acme renewal",
                    ACC,
                    U2,
                    "150.00",
                    "USD",
                    "Proposal",
                    "60",
                    "Best Case",
                    "2026-04-02",
                    "2026-01-01T09:00:00.000Z",
                    "false",
                    "false",
                    "Renewal",
                    "Event",
                    "false",
                    TS,
                    "2026-03-02T12:00:00.000Z",
                ],
                [
                    O4,
                    "Acme lost",
                    ACC,
                    U2,
                    "400.00",
                    "USD",
                    "Closed Lost",
                    "0",
                    "Omitted",
                    "2026-04-02",
                    "2026-01-01T09:00:00.000Z",
                    "true",
                    "false",
                    "New Business",
                    "Web",
                    "false",
                    TS,
                    "2026-03-01T12:00:00.000Z",
                ],
            ],
        )
        self.csv(
            "crm/OpportunityHistory.csv",
            [
                "Id",
                "OpportunityId",
                "StageName",
                "Amount",
                "CloseDate",
                "Probability",
                "ForecastCategory",
                "CreatedDate",
                "IsDeleted",
                "SystemModstamp",
            ],
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
        self.csv(
            "crm/OpportunityLineItem.csv",
            [
                "Id",
                "OpportunityId",
                "Product2Id",
                "Quantity",
                "UnitPrice",
                "TotalPrice",
                "IsDeleted",
                "SystemModstamp",
            ],
            [["00k000000000001AAA", O1, PROD, "2", "500.00", "1000.00", "false", TS]],
        )
        self.csv(
            "crm/OpportunitySplit.csv",
            [
                "Id",
                "OpportunityId",
                "SplitOwnerId",
                "SplitPercentage",
                "SplitTypeId",
                "IsDeleted",
                "SystemModstamp",
            ],
            [
                ["04A000000000001AAA", O1, U1, "50", REVENUE, "false", TS],
                ["04A000000000002AAA", O1, U2, "50", REVENUE, "false", TS],
                ["04A000000000003AAA", O1, U3, "100", OVERLAY, "false", TS],
            ],
        )
        self.csv(
            "crm/OpportunitySplitType.csv",
            [
                "Id",
                "DeveloperName",
                "MasterLabel",
                "IsTotalValidated",
                "IsActive",
                "SystemModstamp",
            ],
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
            [
                "SubmissionId",
                "SubmitterId",
                "SubmitterRole",
                "FiscalPeriod",
                "ForecastCategory",
                "Amount",
                "Currency",
                "SubmittedAt",
            ],
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
            [
                "Email",
                "UserId",
                "TeamRoleId",
                "Role",
                "EffectiveFrom",
                "EffectiveTo",
                "HireDate",
                "TerminationDate",
            ],
            [
                ["ada@x.com", U1, ROLE, "rep", "2025-01-01", None, "2025-01-01", None],
                ["b@x.com", U2, ROLE, "rep", "2025-06-01", None, "2025-06-01", None],
                ["cy@x.com", U3, ROLE, "manager", "2024-01-01", None, "2024-01-01", None],
            ],
        )
        self.csv(
            "compensation/comp_plans.csv",
            [
                "PlanId",
                "Email",
                "UserId",
                "FiscalYear",
                "EffectiveFrom",
                "EffectiveTo",
                "Currency",
                "BaseSalary",
                "TargetVariable",
                "OTE",
                "AnnualQuota",
            ],
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
            ["PlanId", "Tier", "AttainmentFrom", "AttainmentTo", "CommissionRate"],
            [
                ["plan_1", "1", "0", "1", "0.1"],
                ["plan_1", "2", "1", None, "0.15"],
            ],
        )
        self.csv(
            "compensation/payouts.csv",
            ["PayoutId", "Email", "UserId", "PlanId", "PayMonth", "Currency", "CommissionAmount"],
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
        self.csv("finance/fx_rates.csv", ["date", "currency", "rate"], rows)


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
