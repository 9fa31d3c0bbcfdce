"""Bad landing files stop their system's load with file, row (or sheet and cell) and field,
and leave the raw tables exactly as they were."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from ingestion.errors import LandingFileError
from ingestion.pipeline import load_system
from tests.support.ingestion.tiny_landing import O1, Raw, TinyLanding


def _drop_column(landing: TinyLanding, relative: str, column: str) -> None:
    header, rows = landing.read_csv(relative)
    index = header.index(column)
    landing.csv(
        relative,
        [h for i, h in enumerate(header) if i != index],
        [[v for i, v in enumerate(row) if i != index] for row in rows],
    )


def _empty(landing: TinyLanding, relative: str) -> None:
    path = landing.root / relative
    path.write_bytes(b"")


def _header_only(landing: TinyLanding, relative: str) -> None:
    header, _ = landing.read_csv(relative)
    landing.csv(relative, header, [])


def _activity_lines(landing: TinyLanding, mutate: Callable[[list[dict]], None]) -> None:
    relative = landing.activities_path(dt.date(2026, 3, 2))
    events = [json.loads(line) for line in (landing.root / relative).read_text().splitlines()]
    mutate(events)
    landing.write_lines(relative, [json.dumps(e) if isinstance(e, dict) else e for e in events])


@dataclass(frozen=True)
class Case:
    system: str
    break_it: Callable[[TinyLanding], object]
    file: str
    row: int | None
    field: str | None
    says: str
    sheet: str | None = None
    cell: str | None = None


CASES = {
    "missing required column": Case(
        "crm",
        lambda land: _drop_column(land, "crm/Opportunity.csv", "CloseDate"),
        "crm/Opportunity.csv",
        1,
        "CloseDate",
        "required column is missing",
    ),
    "unparseable date": Case(
        "crm",
        lambda land: land.edit_csv("crm/Opportunity.csv", 3, "CloseDate", "2026-02-30"),
        "crm/Opportunity.csv",
        3,
        "CloseDate",
        "'2026-02-30' is not a date YYYY-MM-DD",
    ),
    "unparseable number": Case(
        "crm",
        lambda land: land.edit_csv("crm/Opportunity.csv", 4, "Amount", "1,000.00"),
        "crm/Opportunity.csv",
        4,
        "Amount",
        "'1,000.00' has thousands separators: write the number without them (1000.00)",
    ),
    "fraction of a cent": Case(
        "finance",
        lambda land: land.edit_csv("finance/fx_rates.csv", 2, "rate", "1.123456789"),
        "finance/fx_rates.csv",
        2,
        "rate",
        "'1.123456789' has more than 8 decimals",
    ),
    "unparseable timestamp": Case(
        "revenue_intelligence",
        lambda land: land.edit_csv(
            "revenue_intelligence/forecast_submissions.csv", 3, "SubmittedAt", "yesterday"
        ),
        "revenue_intelligence/forecast_submissions.csv",
        3,
        "SubmittedAt",
        "is not a UTC timestamp",
    ),
    "unparseable boolean": Case(
        "crm",
        lambda land: land.edit_csv("crm/Account.csv", 2, "IsDeleted", "yes"),
        "crm/Account.csv",
        2,
        "IsDeleted",
        "'yes' is not true or false",
    ),
    "blank key": Case(
        "crm",
        lambda land: land.edit_csv("crm/User.csv", 3, "Id", ""),
        "crm/User.csv",
        3,
        "Id",
        "has no value",
    ),
    "empty file": Case(
        "finance",
        lambda land: _empty(land, "finance/fx_rates.csv"),
        "finance/fx_rates.csv",
        None,
        None,
        "file is empty",
    ),
    "required file with a header but no rows": Case(
        "crm",
        lambda land: _header_only(land, "crm/Opportunity.csv"),
        "crm/Opportunity.csv",
        2,
        None,
        "no data rows",
    ),
    "missing required file": Case(
        "crm",
        lambda land: (land.root / "crm" / "User.csv").unlink(),
        "crm/User.csv",
        None,
        None,
        "file not found",
    ),
    "row with a field too few": Case(
        "revenue_intelligence",
        lambda land: (land.root / "revenue_intelligence/forecast_submissions.csv").write_text(
            (land.root / "revenue_intelligence/forecast_submissions.csv")
            .read_text()
            .replace(",Best Case,", ",")
        ),
        "revenue_intelligence/forecast_submissions.csv",
        3,
        None,
        "has 7 fields, the header has 8",
    ),
    "duplicate key": Case(
        "compensation",
        lambda land: (
            land.edit_csv("compensation/assignments.csv", 3, "UserId", "005000000000001AAA")
            and land.edit_csv("compensation/assignments.csv", 3, "EffectiveFrom", "2025-01-01")
        ),
        "compensation/assignments.csv",
        3,
        "UserId+EffectiveFrom",
        "already on row 2",
    ),
    "pay month not a month": Case(
        "compensation",
        lambda land: land.edit_csv("compensation/payouts.csv", 3, "PayMonth", "2026-13"),
        "compensation/payouts.csv",
        3,
        "PayMonth",
        "'2026-13' is not a month YYYY-MM",
    ),
    "wrong sheet name": Case(
        "compensation",
        lambda land: land.write_quota_workbook(sheet="Quotas 2026"),
        "compensation/quotas_FY2026.xlsx",
        None,
        None,
        "must be named FY2026",
        sheet="Quotas 2026",
    ),
    "quota cell not a number": Case(
        "compensation",
        lambda land: land.write_quota_workbook(
            rows=[["ada@x.com", "Ada Rep", 1000, 1000, 1000], ["b@x.com", "Bo Rep", 1000, "n/a", 0]]
        ),
        "compensation/quotas_FY2026.xlsx",
        3,
        "2026-02",
        "'n/a' is not a number",
        sheet="FY2026",
        cell="D3",
    ),
    "quota month header not a month": Case(
        "compensation",
        lambda land: land.write_quota_workbook(months=["2026-01", "Feb", "2026-03"]),
        "compensation/quotas_FY2026.xlsx",
        1,
        None,
        "'Feb' is not a month YYYY-MM",
        sheet="FY2026",
        cell="D1",
    ),
    "activity field of the wrong JSON type": Case(
        "sales_analytics",
        lambda land: _activity_lines(land, lambda ev: ev[1].update(duration_seconds="long")),
        "sales_analytics/2026/03/02/activities.jsonl",
        2,
        "duration_seconds",
        "'long' is not a whole number",
    ),
    "activity line that is not JSON": Case(
        "sales_analytics",
        lambda land: _activity_lines(land, lambda ev: ev.__setitem__(2, "{not json")),
        "sales_analytics/2026/03/02/activities.jsonl",
        3,
        None,
        "is not valid JSON",
    ),
    "activity without its user": Case(
        "sales_analytics",
        lambda land: _activity_lines(land, lambda ev: ev[0].pop("user_id")),
        "sales_analytics/2026/03/02/activities.jsonl",
        1,
        "user_id",
        "has no value",
    ),
    "activity filed under the wrong day": Case(
        "sales_analytics",
        lambda land: _activity_lines(
            land, lambda ev: ev[2].update(timestamp="2026-03-03T00:15:00.000Z")
        ),
        "sales_analytics/2026/03/02/activities.jsonl",
        3,
        "timestamp",
        "is not on 2026-03-02",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_stops_the_load_names_the_place_and_leaves_raw_untouched(loaded, case):
    landing, warehouse = loaded
    raw = Raw(warehouse)
    before = raw.snapshot(f"raw_{case.system}")
    case.break_it(landing)

    with pytest.raises(LandingFileError) as caught:
        load_system(case.system, landing.root, warehouse)

    error = caught.value
    assert (error.file, error.row, error.field) == (case.file, case.row, case.field), str(error)
    assert (error.sheet, error.cell) == (case.sheet, case.cell), str(error)
    assert case.says in str(error)
    assert str(error).startswith(case.file.split("/")[-1]) or str(error).startswith(case.file)
    assert raw.snapshot(f"raw_{case.system}") == before


def test_a_quota_error_reads_like_the_conventions_say(loaded):
    landing, warehouse = loaded
    CASES["quota cell not a number"].break_it(landing)

    with pytest.raises(LandingFileError) as caught:
        load_system("compensation", landing.root, warehouse)

    assert str(caught.value) == (
        "compensation/quotas_FY2026.xlsx, sheet FY2026, cell D3, field 2026-02:"
        " 'n/a' is not a number"
    )


def test_after_a_failed_load_the_fixed_files_load_in_full(loaded):
    """A failed load keeps no trace in dlt's state: the files it read are read again."""
    landing, warehouse = loaded
    raw = Raw(warehouse)
    header, rows = landing.read_csv("crm/Opportunity.csv")
    rows[0][header.index("Amount")] = "1300.00"
    rows[0][header.index("SystemModstamp")] = "2026-03-11T00:00:00.000Z"
    landing.csv("crm/Opportunity.csv", header, rows)
    landing.edit_csv("crm/User.csv", 2, "IsActive", "maybe")

    with pytest.raises(LandingFileError):
        load_system("crm", landing.root, warehouse)
    assert raw.count("raw_crm.opportunity", "amount = 1300") == 0

    landing.edit_csv("crm/User.csv", 2, "IsActive", "true")
    result = load_system("crm", landing.root, warehouse)

    assert result["opportunity"] == 1
    assert raw.query(
        f"select amount from raw_crm.opportunity where id = '{O1}' and _dlt_valid_to is null"
    ) == [(1300,)]
