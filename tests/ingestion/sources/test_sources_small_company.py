"""The small demo company through every source: counts against the generator's manifest,
a second load that changes nothing, and the known faults arriving in raw as documented."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from ingestion.errors import LandingFileError
from ingestion.pipeline import SYSTEMS, LoadResult, load_all, load_system
from tests.support.ingestion.tiny_landing import Raw

# the whole small company through the real dlt sources
pytestmark = pytest.mark.slow

CRM_FILES = {
    "User": "user",
    "UserRole": "user_role",
    "Account": "account",
    "Product2": "product2",
    "Opportunity": "opportunity",
    "OpportunityHistory": "opportunity_history",
    "OpportunityLineItem": "opportunity_line_item",
    "OpportunitySplit": "opportunity_split",
    "OpportunitySplitType": "opportunity_split_type",
}
SCD2 = {"raw_crm.user", "raw_crm.opportunity", "raw_compensation.quotas"}


def _fingerprint(raw: Raw, table: str) -> tuple[object, ...]:
    """Rows and a hash of all their values: equal before and after = no row changed."""
    return raw.query(f"select count(*), sum(hash(t)) from {table} t")[0]


def _tables(raw: Raw) -> list[str]:
    return [
        f'{schema}."{name}"'
        for schema, name in raw.query(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema in ("
            + ", ".join(f"'raw_{s}'" for s in SYSTEMS)
            + ") and table_name not like '\\_dlt%' escape '\\' order by 1, 2"
        )
    ]


@pytest.fixture(scope="module")
def small_loaded(small_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    """The small company loaded twice: (manifest, first results, second results, raw, before)."""
    warehouse = tmp_path_factory.mktemp("small_ingest") / "warehouse"
    manifest = json.loads((small_landing / "_manifest.json").read_text())
    first = load_all(small_landing, warehouse)
    raw = Raw(warehouse)
    before = {table: _fingerprint(raw, table) for table in _tables(raw)}
    second = load_all(small_landing, warehouse)
    return manifest, first, second, raw, before


def _active(raw: Raw, table: str) -> int:
    where = "_dlt_valid_to is null" if table.replace('"', "") in SCD2 else "true"
    return raw.count(table, where)


def test_crm_raw_counts_equal_the_manifest_less_the_repeated_ids(small_loaded):
    manifest, first, _, raw, _ = small_loaded
    counts = manifest["counts"]
    repeated = manifest["faults"]["duplicate_opportunities"]
    for file, table in CRM_FILES.items():
        expected = counts[f"crm/{file}.csv"] - (len(repeated) if table == "opportunity" else 0)
        assert first["crm"][table] == expected, table
        assert _active(raw, f'raw_crm."{table}"') == expected, table
    assert raw.count('raw_crm."opportunity"') == counts["crm/Opportunity.csv"] - len(repeated)


def test_other_raw_counts_equal_the_manifest(small_loaded, small_landing):
    manifest, first, _, raw, _ = small_loaded
    counts = manifest["counts"]
    assert first["sales_analytics"]["activities"] == counts["activities"]["total"]
    per_day = dict(
        raw.query(
            "select strftime(timestamp at time zone 'UTC', '%Y-%m-%d'), count(*)"
            " from raw_sales_analytics.activities group by 1"
        )
    )
    assert per_day == {d: n for d, n in counts["activities"]["per_day"].items() if n}
    assert (
        _active(raw, "raw_revenue_intelligence.forecast_submissions")
        == counts["revenue_intelligence/forecast_submissions.csv"]
    )
    for name in ("assignments", "comp_plans", "comp_plan_tiers", "payouts"):
        assert _active(raw, f"raw_compensation.{name}") == counts[f"compensation/{name}.csv"]
    assert _active(raw, "raw_finance.fx_rates") == counts["finance/fx_rates.csv"]
    # one quota row per (rep row, month column) of each workbook, counted with openpyxl here
    cells = 0
    for workbook_file in sorted((small_landing / "compensation").glob("quotas_FY*.xlsx")):
        relative = f"compensation/{workbook_file.name}"
        workbook = openpyxl.load_workbook(workbook_file, read_only=True)
        header = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True))
        months = len([h for h in header[2:] if h is not None])
        assert (
            raw.count("raw_compensation.quotas", f"source_file = '{relative}'")
            == counts[relative] * months
        )
        cells += counts[relative] * months
        workbook.close()
    assert _active(raw, "raw_compensation.quotas") == cells


def test_the_second_load_of_the_same_folder_changes_no_row(small_loaded):
    _, _, second, raw, before = small_loaded
    assert all(isinstance(result, LoadResult) for result in second.values())
    assert {system: sum(result.values()) for system, result in second.items()} == {
        system: 0 for system in SYSTEMS
    }
    assert {table: _fingerprint(raw, table) for table in _tables(raw)} == before


def test_no_key_is_loaded_twice(small_loaded):
    _, _, _, raw, _ = small_loaded
    for table, key in [
        ('raw_crm."opportunity"', "id"),
        ('raw_crm."user"', "id"),
        ("raw_crm.opportunity_history", "id"),
        ("raw_sales_analytics.activities", "id"),
        ("raw_revenue_intelligence.forecast_submissions", "submission_id"),
        ("raw_compensation.quotas", "email || month"),
        ("raw_finance.fx_rates", "date || currency"),
    ]:
        assert raw.query(
            f"select count(*) - count(distinct {key}) from {table}"
            + (" where _dlt_valid_to is null" if table.replace('"', "") in SCD2 else "")
        ) == [(0,)], table


def test_repeated_opportunities_keep_their_latest_row_and_are_reported(small_loaded, small_landing):
    manifest, first, _, raw, _ = small_loaded
    repeated = sorted(manifest["faults"]["duplicate_opportunities"])
    assert sorted(first["crm"].deduplicated["opportunity"]) == repeated
    header, *rows = (small_landing / "crm" / "Opportunity.csv").read_text().splitlines()
    columns = header.split(",")
    for opportunity_id in repeated:
        # the generator's fields hold no commas on these lines; take the row with the latest
        # SystemModstamp straight from the file
        versions = [r.split(",") for r in rows if r.startswith(opportunity_id + ",")]
        assert len(versions) == 2
        latest = max(versions, key=lambda v: v[columns.index("SystemModstamp")])
        assert raw.query(
            f"select cast(amount as varchar) from raw_crm.opportunity where id = '{opportunity_id}'"
        ) == [(latest[columns.index("Amount")],)]


def test_dirty_records_arrive_in_raw_as_exported(small_loaded):
    """Cleaning is staging's and quarantine's job: raw keeps what the systems exported."""
    manifest, _, _, raw, _ = small_loaded
    faults = manifest["faults"]
    deleted = "', '".join(faults["soft_deleted"])
    assert raw.query(
        "select count(*) from (select id from raw_crm.opportunity where is_deleted"
        f" union all select id from raw_crm.account where is_deleted) where id in ('{deleted}')"
    ) == [(len(faults["soft_deleted"]),)]
    negative = "', '".join(faults["negative_amounts"])
    assert raw.count("raw_crm.opportunity", f"id in ('{negative}') and amount < 0") == len(
        faults["negative_amounts"]
    )
    mixed = "', '".join(faults["mixed_case_emails"])
    assert raw.count("raw_crm.user", f"id in ('{mixed}') and email <> lower(trim(email))") == len(
        faults["mixed_case_emails"]
    )


def test_a_new_day_of_generated_activities_loads_only_that_day(small_landing, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(small_landing / "sales_analytics", landing / "sales_analytics")
    warehouse = tmp_path / "warehouse"
    first = load_system("sales_analytics", landing, warehouse)
    last_day = sorted((landing / "sales_analytics").glob("*/*/*/activities.jsonl"))[-1]
    day = dt.date(*map(int, last_day.parent.relative_to(landing / "sales_analytics").parts))
    next_day = day + dt.timedelta(days=1)
    lines = []
    for line in last_day.read_text().splitlines():
        event = json.loads(line)
        event["id"] = event["id"].replace("act_", "new_")
        event["timestamp"] = event["timestamp"].replace(day.isoformat(), next_day.isoformat())
        lines.append(json.dumps(event))
    new_file = landing / "sales_analytics" / f"{next_day:%Y/%m/%d}" / "activities.jsonl"
    new_file.parent.mkdir(parents=True)
    new_file.write_text("\n".join(lines) + "\n")

    second = load_system("sales_analytics", landing, warehouse)

    assert dict(second) == {"activities": len(lines)}
    assert second.files_read == {"activities": [new_file.relative_to(landing).as_posix()]}
    assert Raw(warehouse).count("raw_sales_analytics.activities") == first["activities"] + len(
        lines
    )


def test_a_bad_value_deep_in_a_generated_file_is_located_exactly(small_landing, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(small_landing / "crm", landing / "crm")
    path = landing / "crm" / "OpportunityHistory.csv"
    lines = path.read_text().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    row = len(lines) - 7  # rows count the header as row 1
    fields = lines[row - 1].rstrip("\n").split(",")
    fields[header.index("Amount")] = "12.3.4"
    lines[row - 1] = ",".join(fields) + "\n"
    path.write_text("".join(lines))

    with pytest.raises(LandingFileError) as caught:
        load_system("crm", landing, tmp_path / "warehouse")

    assert (caught.value.file, caught.value.row, caught.value.field) == (
        "crm/OpportunityHistory.csv",
        row,
        "Amount",
    )
