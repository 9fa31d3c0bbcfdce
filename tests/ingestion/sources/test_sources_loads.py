"""Loads on a tiny hand-written landing folder: counts, types, idempotence, increments, history."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest

from ingestion.errors import SchemaChangeError
from ingestion.pipeline import SYSTEMS, load_all, load_system
from tests.support.ingestion.tiny_landing import O1, O2, O3, O4, U1, Raw, TinyLanding, touch_later

# whole landing folders through the real dlt sources
pytestmark = pytest.mark.slow

CRM_TABLES = {
    "crm/User.csv": "user",
    "crm/UserRole.csv": "user_role",
    "crm/Account.csv": "account",
    "crm/Product2.csv": "product2",
    "crm/Opportunity.csv": "opportunity",
    "crm/OpportunityHistory.csv": "opportunity_history",
    "crm/OpportunityLineItem.csv": "opportunity_line_item",
    "crm/OpportunitySplit.csv": "opportunity_split",
    "crm/OpportunitySplitType.csv": "opportunity_split_type",
}


def test_every_raw_table_holds_the_rows_of_its_landing_file(loaded_template):
    results, raw, counts = loaded_template.results, loaded_template.raw, loaded_template.counts

    assert list(results) == list(SYSTEMS)
    for file, table in CRM_TABLES.items():
        # Opportunity.csv exports O3 twice: one row per id lands (see the CRM README)
        expected = counts[file] - (1 if table == "opportunity" else 0)
        assert results["crm"][table] == expected, table
        assert raw.count(f'raw_crm."{table}"') == expected, table
    assert results["crm"].deduplicated == {"opportunity": [O3]}
    assert raw.count("raw_sales_analytics.activities") == 5
    assert raw.count("raw_revenue_intelligence.forecast_submissions") == 3
    # the workbook has 2 reps x 3 months: one row per cell, the blank one as null
    assert raw.count("raw_compensation.quotas") == 6
    assert raw.count("raw_compensation.quotas", "quota_amount is null") == 1
    for file, table in [
        ("compensation/assignments.csv", "assignments"),
        ("compensation/comp_plans.csv", "comp_plans"),
        ("compensation/comp_plan_tiers.csv", "comp_plan_tiers"),
        ("compensation/payouts.csv", "payouts"),
    ]:
        assert raw.count(f"raw_compensation.{table}") == counts[file], table
    assert raw.count("raw_finance.fx_rates") == counts["finance/fx_rates.csv"]


def test_values_arrive_typed_as_the_contract_says(loaded_template):
    raw = loaded_template.raw

    amount, close, created, won, probability = raw.query(
        f"select amount, close_date, created_date, is_won, probability"
        f" from raw_crm.opportunity where id = '{O1}'"
    )[0]
    assert amount == Decimal("1000.00")
    assert close == dt.date(2026, 2, 10)
    assert created == dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)
    assert won is True
    assert probability == Decimal("100.0000")
    assert raw.query(f"select amount from raw_crm.opportunity where id = '{O3}'") == [
        (Decimal("150.00"),)  # the later SystemModstamp of the two O3 rows
    ]
    assert raw.query(
        "select rate from raw_finance.fx_rates where date = '2026-03-06' and currency = 'EUR'"
    ) == [(Decimal("1.10000000"),)]
    quota = raw.query(
        "select email, fiscal_year, month, quota_amount, source_file, source_row, source_column"
        " from raw_compensation.quotas where email = 'b@x.com' and month = '2026-03-01'"
    )
    assert quota == [
        (
            "b@x.com",
            2026,
            dt.date(2026, 3, 1),
            Decimal("0.00"),
            "compensation/quotas_FY2026.xlsx",
            3,
            "E",
        )
    ]
    assert raw.query(
        "select distinct source_file from raw_sales_analytics.activities order by 1"
    ) == [
        ("sales_analytics/2026/03/02/activities.jsonl",),
        ("sales_analytics/2026/03/03/activities.jsonl",),
    ]
    # stray spaces and capitals are kept as written: cleaning them is staging's job
    assert raw.query(f"select email from raw_crm.user where id = '{'005000000000002AAA'}'") == [
        (" Bo@X.com",)
    ]


def test_loading_the_same_landing_folder_twice_changes_no_row(loaded):
    landing, warehouse = loaded
    raw = Raw(warehouse)
    before = {system: raw.snapshot(f"raw_{system}") for system in SYSTEMS}

    again = load_all(landing.root, warehouse)

    assert all(rows == 0 for result in again.values() for rows in result.values())
    assert {system: raw.snapshot(f"raw_{system}") for system in SYSTEMS} == before


def test_a_new_activity_day_loads_only_that_day(loaded):
    landing, warehouse = loaded
    raw = Raw(warehouse)
    new_day = landing.write_activities_day(dt.date(2026, 3, 4), 4)

    result = load_system("sales_analytics", landing.root, warehouse)

    assert dict(result) == {"activities": 4}
    assert result.files_read == {"activities": ["sales_analytics/2026/03/04/activities.jsonl"]}
    assert raw.count("raw_sales_analytics.activities") == 9
    assert raw.query(
        "select count(*) from raw_sales_analytics.activities"
        " where source_file = 'sales_analytics/2026/03/04/activities.jsonl'"
    ) == [(4,)]
    assert raw.query(
        "select count(*) - count(distinct id) from raw_sales_analytics.activities"
    ) == [(0,)]
    assert new_day.exists()


def test_a_day_file_copied_in_with_an_older_time_is_still_read(loaded):
    """Files are remembered one by one, not by the newest modification time seen."""
    landing, warehouse = loaded
    raw = Raw(warehouse)
    late = landing.write_activities_day(dt.date(2026, 2, 27), 2)
    old = dt.datetime(2026, 2, 28).timestamp()
    os.utime(late, (old, old))

    result = load_system("sales_analytics", landing.root, warehouse)

    assert dict(result) == {"activities": 2}
    assert raw.count("raw_sales_analytics.activities") == 7


def _rewrite_opportunity(landing: TinyLanding, opportunity_id: str, **changes: str) -> None:
    header, rows = landing.read_csv("crm/Opportunity.csv")
    for row in rows:
        if row[0] == opportunity_id:
            for column, value in changes.items():
                row[header.index(column)] = value
    landing.csv("crm/Opportunity.csv", header, rows)


def test_a_changed_opportunity_becomes_a_new_version_and_the_old_one_is_kept(loaded):
    landing, warehouse = loaded
    raw = Raw(warehouse)
    _rewrite_opportunity(landing, O1, Amount="1200.00", SystemModstamp="2026-03-10T08:00:00.000Z")

    result = load_system("crm", landing.root, warehouse)

    # only O1 passed the SystemModstamp cursor; every other object file is unchanged
    assert result["opportunity"] == 1
    assert sum(result.values()) == 1
    versions = raw.query(
        "select amount, _dlt_valid_to is null from raw_crm.opportunity"
        f" where id = '{O1}' order by _dlt_valid_from"
    )
    assert versions == [(Decimal("1000.00"), False), (Decimal("1200.00"), True)]
    # the ids this load did not carry keep their one current version: none was retired
    assert raw.query(
        "select id, count(*), count(*) filter (where _dlt_valid_to is null)"
        f" from raw_crm.opportunity where id <> '{O1}' group by id order by id"
    ) == [(O2, 1, 1), (O3, 1, 1), (O4, 1, 1)]


def test_a_reexported_crm_file_without_changes_loads_nothing(loaded):
    landing, warehouse = loaded
    raw = Raw(warehouse)
    before = raw.snapshot("raw_crm")
    touch_later(landing.root / "crm" / "Opportunity.csv")  # a new export, same records

    result = load_system("crm", landing.root, warehouse)

    assert result.files_read == {"opportunity": ["crm/Opportunity.csv"]}
    assert result["opportunity"] == 0
    assert raw.snapshot("raw_crm") == before


def test_a_changed_user_keeps_its_history(loaded):
    landing, warehouse = loaded
    raw = Raw(warehouse)
    header, rows = landing.read_csv("crm/User.csv")
    rows[0][header.index("Title")] = "Senior AE"
    rows[0][header.index("SystemModstamp")] = "2026-04-01T00:00:00.000Z"
    landing.csv("crm/User.csv", header, rows)

    load_system("crm", landing.root, warehouse)

    assert raw.query(
        f"select title, _dlt_valid_to is null from raw_crm.user where id = '{U1}'"
        " order by _dlt_valid_from"
    ) == [("AE", False), ("Senior AE", True)]
    assert raw.count("raw_crm.user", "_dlt_valid_to is null") == 3


def test_a_changed_quota_workbook_keeps_the_old_quotas_as_history(landing, warehouse, raw):
    landing.write_quota_workbook(
        2025,
        rows=[["ada@x.com", "Ada Rep", 900, 900, 900]],
        months=["2025-01", "2025-02", "2025-03"],
    )
    load_system("compensation", landing.root, warehouse)
    # Ada's February quota is raised and Bo is removed from the FY2026 workbook
    landing.write_quota_workbook(2026, rows=[["ada@x.com", "Ada Rep", 1000, 1200, 1000]])

    result = load_system("compensation", landing.root, warehouse)

    assert result.files_read == {"quotas": ["compensation/quotas_FY2026.xlsx"]}
    assert raw.query(
        "select quota_amount, _dlt_valid_to is null from raw_compensation.quotas"
        " where email = 'ada@x.com' and month = '2026-02-01' order by _dlt_valid_from"
    ) == [(Decimal("1000.00"), False), (Decimal("1200.00"), True)]
    # the workbook is the whole truth for its fiscal year: Bo's quotas are retired ...
    assert raw.count("raw_compensation.quotas", "email = 'b@x.com' and _dlt_valid_to is null") == 0
    assert raw.count("raw_compensation.quotas", "email = 'b@x.com'") == 3
    # ... and the FY2025 workbook, not in this load, is untouched
    assert raw.count("raw_compensation.quotas", "fiscal_year = 2025 and _dlt_valid_to is null") == 3


def test_sorting_the_quota_workbook_makes_no_new_versions(loaded):
    landing, warehouse = loaded
    raw = Raw(warehouse)
    landing.write_quota_workbook(
        rows=[["b@x.com", "Bo Rep", 1000, None, 0], ["ada@x.com", "Ada Rep", 1000, 1000, 1000]]
    )

    load_system("compensation", landing.root, warehouse)

    assert raw.count("raw_compensation.quotas") == 6
    assert raw.count("raw_compensation.quotas", "_dlt_valid_to is not null") == 0


def test_a_new_column_is_loaded_and_reported(landing, warehouse, raw):
    header, rows = landing.read_csv("crm/Account.csv")
    landing.csv("crm/Account.csv", [*header, "Region__c"], [[*rows[0], "West"]])

    result = load_system("crm", landing.root, warehouse)

    assert result.new_columns == {"account": ["region_c"]}
    assert raw.query("select region_c from raw_crm.account") == [("West",)]


def test_a_new_field_that_changes_type_is_a_schema_change(landing, warehouse, raw):
    landing.write_activities_day(dt.date(2026, 3, 4), 2, extra={"score": 5})
    first = load_system("sales_analytics", landing.root, warehouse)
    assert first.new_columns == {"activities": ["score"]}
    before = raw.snapshot("raw_sales_analytics")
    landing.write_activities_day(dt.date(2026, 3, 5), 2, extra={"score": "high"})

    with pytest.raises(SchemaChangeError) as caught:
        load_system("sales_analytics", landing.root, warehouse)

    assert caught.value.resource == "activities"
    assert caught.value.column == "score"
    assert "resource activities, column score" in str(caught.value)
    assert raw.snapshot("raw_sales_analytics") == before
