"""Only the CRM is required: absent systems and optional or header-only files load as empty
raw tables with the contract's columns; a system that vanished after landing is an error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingestion.errors import LandingFileError
from ingestion.pipeline import SYSTEMS, load_all, load_system
from ingestion.raw_tables import raw_tables
from tests.support.ingestion.tiny_landing import Raw, TinyLanding

OPTIONAL_CRM = (
    "OpportunityHistory",
    "OpportunityLineItem",
    "OpportunitySplit",
    "OpportunitySplitType",
    "OpportunityStage",
)
STAGE_HEADER = (
    "Id,MasterLabel,ApiName,IsActive,SortOrder,IsClosed,IsWon,DefaultProbability,"
    "ForecastCategoryName,SystemModstamp"
)


def _crm_only(landing: TinyLanding) -> None:
    for system in SYSTEMS[1:]:
        shutil.rmtree(landing.root / system)


def _tables_and_types(raw: Raw) -> dict[str, list[tuple[str, str]]]:
    rows = raw.query(
        "select table_schema, table_name, column_name, data_type from information_schema.columns"
        " where table_schema like 'raw\\_%' escape '\\' and table_schema not like '%\\_staging'"
        " escape '\\' and table_name not like '\\_dlt%' escape '\\'"
        " order by table_schema, table_name, ordinal_position"
    )
    found: dict[str, list[tuple[str, str]]] = {}
    for schema, table, column, data_type in rows:
        found.setdefault(f"{schema}.{table}", []).append((column, data_type))
    return found


def test_crm_only_folder_loads_and_every_raw_table_exists(
    landing: TinyLanding, warehouse: Path, raw: Raw, loaded_template
) -> None:
    _crm_only(landing)
    results = load_all(landing.root, warehouse)

    for system in SYSTEMS[1:]:
        assert results[system].skipped == (
            f"skipped: {system} absent (no folder {system}/ in {landing.root})"
        )
        assert dict(results[system]) == {}
    assert results["crm"].skipped is None
    assert raw.count("raw_crm.opportunity") == 4  # O1..O4, the repeated id kept once
    # the same tables, columns and types as a load of every system, empty where nothing landed
    assert _tables_and_types(raw) == _tables_and_types(loaded_template.raw)
    for table in raw_tables():
        if table.system != "crm":
            assert raw.count(table.qualified) == 0, table.qualified
    assert "raw_compensation.quotas" in results["compensation"].created_empty


def test_optional_crm_files_may_be_absent_or_header_only(
    landing: TinyLanding, warehouse: Path, raw: Raw
) -> None:
    (landing.root / "crm" / "OpportunitySplit.csv").unlink()
    (landing.root / "crm" / "OpportunityHistory.csv").unlink()
    header, _ = landing.read_csv("crm/OpportunityLineItem.csv")
    landing.csv("crm/OpportunityLineItem.csv", header, [])
    (landing.root / "crm" / "OpportunityStage.csv").write_text(STAGE_HEADER + "\n")

    result = load_system("crm", landing.root, warehouse)

    assert result["opportunity_split"] == 0
    assert result["opportunity_line_item"] == 0
    for table in ("opportunity_split", "opportunity_history", "opportunity_line_item"):
        assert raw.count(f"raw_crm.{table}") == 0
    assert raw.count("raw_crm.opportunity_stage") == 0
    assert raw.count("raw_crm.opportunity") == 4


def test_header_only_compensation_files_are_data_not_errors(
    landing: TinyLanding, warehouse: Path, raw: Raw
) -> None:
    for name in ("payouts.csv", "comp_plans.csv", "comp_plan_tiers.csv", "assignments.csv"):
        header, _ = landing.read_csv(f"compensation/{name}")
        landing.csv(f"compensation/{name}", header, [])
    for workbook in (landing.root / "compensation").glob("quotas_FY*.xlsx"):
        workbook.unlink()

    result = load_system("compensation", landing.root, warehouse)

    assert dict(result) == {t: 0 for t in result}
    for table in ("quotas", "assignments", "comp_plans", "comp_plan_tiers", "payouts"):
        assert raw.count(f"raw_compensation.{table}") == 0


def test_opportunity_stage_export_loads_and_merges_on_id(
    landing: TinyLanding, warehouse: Path, raw: Raw
) -> None:
    path = landing.root / "crm" / "OpportunityStage.csv"
    path.write_text(
        STAGE_HEADER + "\n"
        "01J000000000001AAA,Engaging,Engaging,true,1,false,false,50,Best Case,"
        "2026-01-01T00:00:00.000Z\n"
        "01J000000000002AAA,Won,Won,true,2,true,true,100,Closed,2026-01-01T00:00:00.000Z\n"
    )
    load_system("crm", landing.root, warehouse)
    assert raw.query(
        "select id, master_label, sort_order, is_closed, is_won, default_probability,"
        " forecast_category_name from raw_crm.opportunity_stage order by sort_order"
    ) == [
        ("01J000000000001AAA", "Engaging", 1, False, False, 50, "Best Case"),
        ("01J000000000002AAA", "Won", 2, True, True, 100, "Closed"),
    ]
    # a stage renamed in the CRM: a newer SystemModstamp replaces the row with the same Id
    path.write_text(
        STAGE_HEADER + "\n"
        "01J000000000001AAA,Engaged,Engaging,true,1,false,false,40,Pipeline,"
        "2026-02-01T00:00:00.000Z\n"
        "01J000000000002AAA,Won,Won,true,2,true,true,100,Closed,2026-01-01T00:00:00.000Z\n"
    )
    load_system("crm", landing.root, warehouse)
    assert raw.query(
        "select master_label, default_probability from raw_crm.opportunity_stage"
        " where id = '01J000000000001AAA'"
    ) == [("Engaged", 40)]
    assert raw.count("raw_crm.opportunity_stage") == 2


def test_a_system_that_lands_later_loads_into_its_empty_tables(
    landing: TinyLanding, warehouse: Path, raw: Raw, tmp_path: Path
) -> None:
    saved = tmp_path / "compensation"
    shutil.move(landing.root / "compensation", saved)
    load_system("compensation", landing.root, warehouse)
    assert raw.count("raw_compensation.payouts") == 0

    shutil.move(saved, landing.root / "compensation")
    result = load_system("compensation", landing.root, warehouse)

    assert result.skipped is None
    assert raw.count("raw_compensation.payouts") == landing.counts["compensation/payouts.csv"]
    assert raw.count("raw_compensation.quotas", "_dlt_valid_to is null") > 0


def test_a_system_that_vanished_after_landing_is_an_error(
    loaded: tuple[TinyLanding, Path],
) -> None:
    landing, warehouse = loaded
    shutil.rmtree(landing.root / "finance")
    with pytest.raises(LandingFileError) as caught:
        load_system("finance", landing.root, warehouse)
    rows = Raw(warehouse).count("raw_finance.fx_rates")
    assert str(caught.value) == (
        f"finance/: folder not found in {landing.root}, but raw_finance holds {rows:,} rows "
        "from earlier loads: a system that landed before may not vanish (restore the folder; "
        "to stop using finance on purpose, drop the schema raw_finance from "
        f"{warehouse / 'work.duckdb'})"
    )


def test_no_crm_at_all_is_an_error(landing: TinyLanding, warehouse: Path) -> None:
    shutil.rmtree(landing.root / "crm")
    with pytest.raises(LandingFileError) as caught:
        load_system("crm", landing.root, warehouse)
    assert str(caught.value) == (
        f"crm/: folder not found in {landing.root}: the CRM is the one required system (put "
        "Salesforce's export in crm/, or any CRM's CSV export with a mapping.yml in "
        "crm_export/)"
    )


@pytest.mark.parametrize("name", OPTIONAL_CRM)
def test_only_users_and_opportunities_are_required_crm_files(name: str) -> None:
    from ingestion.sources.crm.contract import OBJECTS, REQUIRED_FILES

    assert REQUIRED_FILES == ("crm/User.csv", "crm/Opportunity.csv")
    assert not next(o for o in OBJECTS if o.object_name == name).required
