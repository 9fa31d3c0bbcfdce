"""A CRM CSV export mapped by crm_export/mapping.yml lands in the Salesforce-shaped raw tables.

What a user of a CRM we have no connector for relies on: their deals, owners, managers and
stages arrive in `raw_crm` exactly as a Salesforce export would (so every mart works), a
second load of the same export changes nothing, a mapping that does not fit the files stops
the load with a message that names the key and what the file has, and a cell that cannot be
read sets its deal aside with the file, row and field instead of stopping the load.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from ingestion.errors import LandingFileError
from ingestion.pipeline import load_system
from ingestion.sources.crm_export.check import check_crm_export, crm_export_warnings
from tests.support.ingestion.crm_export_landing import (
    MANAGERS,
    ORPHAN,
    REPS,
    CrmExport,
    write_crm_export,
)
from tests.support.ingestion.tiny_landing import Raw

AS_OF = dt.date(2026, 11, 28)
DEALS_HEADER = (
    "opportunity_id, sales_agent, product, account, deal_stage, engage_date, close_date,"
    " close_value"
)


@pytest.fixture
def export(tmp_path: Path) -> CrmExport:
    return write_crm_export(tmp_path / "landing", AS_OF)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse"


def _us(text: str) -> dt.date | None:
    return dt.datetime.strptime(text, "%m/%d/%Y").date() if text else None


def _current(raw: Raw, table: str, columns: str) -> list[tuple[object, ...]]:
    return raw.query(f'select {columns} from raw_crm."{table}" where _dlt_valid_to is null')


def test_deals_land_as_salesforce_opportunities(export: CrmExport, warehouse: Path) -> None:
    result = load_system("crm", export.root, warehouse)
    raw = Raw(warehouse)
    rows = {
        r[0]: r[1:]
        for r in _current(
            raw,
            "opportunity",
            "id, stage_name, is_closed, is_won, amount, close_date, created_date,"
            " currency_iso_code, probability, forecast_category_name, name",
        )
    }
    assert result["opportunity"] == len(export.deals) == len(rows)
    for deal in export.deals:
        stage, closed, won, amount, close, created, currency, probability, category, name = rows[
            deal["opportunity_id"]
        ]
        assert stage == deal["deal_stage"]
        assert (closed, won) == {
            "Won": (True, True),
            "Lost": (True, False),
            "Engaging": (False, False),
            "Prospecting": (False, False),
        }[deal["deal_stage"]]
        assert (float(amount) if amount is not None else None) == (
            float(deal["close_value"]) if deal["close_value"] else None
        )
        assert close == _us(deal["close_date"])
        assert (created.date() if created else None) == _us(deal["engage_date"])
        assert currency == "USD"
        expected_probability = {"Won": 100, "Lost": 0, "Engaging": 50, "Prospecting": 10}
        assert float(probability) == expected_probability[deal["deal_stage"]]
        expected_category = {
            "Won": "Closed",
            "Lost": "Omitted",
            "Engaging": "Best Case",
            "Prospecting": "Pipeline",
        }
        assert category == expected_category[deal["deal_stage"]]
        # no name column mapped: "<account> - <product>", or the id without an account
        expected_name = (
            f"{deal['account']} - {deal['product']}" if deal["account"] else deal["opportunity_id"]
        )
        assert name == expected_name
    # the fixture really has the messy open deals this is about
    assert any(d["deal_stage"] == "Engaging" and not d["close_value"] for d in export.deals)
    assert any(d["deal_stage"] == "Engaging" and not d["close_date"] for d in export.deals)


def test_owners_and_managers_form_teams_under_regions(export: CrmExport, warehouse: Path) -> None:
    result = load_system("crm", export.root, warehouse)
    raw = Raw(warehouse)
    roles = {
        r[0]: (r[1], r[2])
        for r in raw.query("select id, name, parent_role_id from raw_crm.user_role")
    }
    users = {
        r[0]: r[1:]
        for r in _current(raw, "user", "id, name, title, user_role_id, manager_id, email")
    }
    by_name = {name: (uid, *rest) for uid, (name, *rest) in users.items()}
    assert set(by_name) == {*REPS, *MANAGERS, ORPHAN}
    company = [rid for rid, (_, parent) in roles.items() if parent is None]
    assert [roles[c][0] for c in company] == ["Maven Tech"]

    def path_of(role_id: str) -> list[str]:
        names = []
        while role_id is not None:
            name, parent = roles[role_id]
            names.append(name)
            role_id = parent
        return names[::-1]

    for rep, manager in REPS.items():
        _, title, role, manager_id, _ = by_name[rep]
        assert title == "Account Executive"
        assert manager_id == by_name[manager][0]
        assert path_of(role) == ["Maven Tech", MANAGERS[manager], manager]
    for manager, region in MANAGERS.items():
        _, title, role, manager_id, _ = by_name[manager]
        assert title == "Sales Manager"
        assert path_of(role) == ["Maven Tech", region, manager]
    _, _, role, manager_id, _ = by_name[ORPHAN]
    assert path_of(role) == ["Maven Tech", "No region", "Unassigned"] and manager_id is None
    assert result.warnings == {
        "user": [
            "1 deal owner(s) are in no team of the people file, loaded in the 'Unassigned'"
            f" team: {ORPHAN}"
        ]
    }
    # every deal's owner is the user of that name
    owners = dict(raw.query("select id, owner_id from raw_crm.opportunity"))
    for deal in export.deals:
        assert owners[deal["opportunity_id"]] == by_name[deal["sales_agent"]][0]
    stages = raw.query(
        "select master_label, sort_order, is_closed, is_won, default_probability,"
        " forecast_category_name from raw_crm.opportunity_stage order by sort_order"
    )
    assert [(s[0], s[1], s[2], s[3]) for s in stages] == [
        ("Prospecting", 1, False, False),
        ("Engaging", 2, False, False),
        ("Won", 3, True, True),
        ("Lost", 4, True, False),
    ]


def test_a_re_export_of_the_same_people_keeps_their_ids(export: CrmExport, tmp_path: Path) -> None:
    load_system("crm", export.root, tmp_path / "first")
    other = write_crm_export(tmp_path / "other", AS_OF, deals=120, seed=99)
    load_system("crm", other.root, tmp_path / "second")
    first = dict(Raw(tmp_path / "first").query("select name, id from raw_crm.user"))
    second = dict(Raw(tmp_path / "second").query("select name, id from raw_crm.user"))
    assert first == second
    assert all(len(uid) == 18 for uid in first.values())


def test_loading_the_same_export_twice_changes_nothing(export: CrmExport, warehouse: Path) -> None:
    load_system("crm", export.root, warehouse)
    before = Raw(warehouse).snapshot("raw_crm")
    again = load_system("crm", export.root, warehouse)
    assert sum(count for table, count in again.items() if table != "crm_export_rejects") == 0
    # copied again with new modification times but the same content: still nothing new
    for path in export.folder.iterdir():
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    load_system("crm", export.root, warehouse)
    assert Raw(warehouse).snapshot("raw_crm") == before


def test_a_re_export_replaces_the_deals_it_carries(export: CrmExport, warehouse: Path) -> None:
    load_system("crm", export.root, warehouse)
    raw = Raw(warehouse)
    deals = [dict(d) for d in export.deals]
    engaging = next(d for d in deals if d["deal_stage"] == "Engaging")
    engaging.update(deal_stage="Won", close_value="1234", close_date="11/20/2026")
    export.write_deals(deals)
    load_system("crm", export.root, warehouse)
    # one new version of the changed deal; the unchanged deals keep their only version
    assert raw.count("raw_crm.opportunity") == len(deals) + 1
    assert raw.count("raw_crm.opportunity", "_dlt_valid_to is null") == len(deals)
    current = _current(raw, "opportunity", "stage_name, is_won, amount, close_date")
    row = raw.query(
        "select stage_name, is_won, amount, close_date from raw_crm.opportunity"
        f" where _dlt_valid_to is null and id = '{engaging['opportunity_id']}'"
    )
    assert row == [("Won", True, pytest.approx(1234), dt.date(2026, 11, 20))]
    assert len(current) == len(deals)
    assert raw.count("raw_crm.opportunity", f"id = '{engaging['opportunity_id']}'") == 2


def test_unreadable_cells_set_their_deal_aside_with_file_row_and_field(
    export: CrmExport, warehouse: Path
) -> None:
    deals = [dict(d) for d in export.deals]
    deals[4].update(close_date="13/45/2026", deal_stage="Won")
    deals[9].update(close_value="n/a", deal_stage="Lost")
    deals[11].update(sales_agent="")
    export.write_deals(deals)
    result = load_system("crm", export.root, warehouse)
    raw = Raw(warehouse)
    rejects = raw.query(
        "select file_name, file_row, field_name, cell_value, reason, deal_id"
        " from raw_crm.crm_export_rejects order by file_row"
    )
    assert rejects == [
        (
            "crm_export/deals.csv",
            6,
            "close_date",
            "13/45/2026",
            "close_date is not a date in the format %m/%d/%Y",
            deals[4]["opportunity_id"],
        ),
        (
            "crm_export/deals.csv",
            11,
            "close_value",
            "n/a",
            "amount is not a number",
            deals[9]["opportunity_id"],
        ),
        (
            "crm_export/deals.csv",
            13,
            "sales_agent",
            None,
            "owner is blank",
            deals[11]["opportunity_id"],
        ),
    ]
    assert result["opportunity"] == len(deals) - 3
    loaded = {r[0] for r in raw.query("select id from raw_crm.opportunity")}
    assert not loaded & {deals[i]["opportunity_id"] for i in (4, 9, 11)}
    # the corrected export leaves no stale reject
    deals[4]["close_date"] = "11/02/2026"
    deals[9]["close_value"] = "0"
    deals[11]["sales_agent"] = "Anna Snelling"
    export.write_deals(deals)
    load_system("crm", export.root, warehouse)
    assert raw.count("raw_crm.crm_export_rejects") == 0
    assert raw.count("raw_crm.opportunity", "_dlt_valid_to is null") == len(deals)


def test_the_salesforce_path_has_an_empty_rejects_table(loaded: tuple[object, Path]) -> None:
    _, warehouse = loaded
    assert Raw(warehouse).count("raw_crm.crm_export_rejects") == 0


def test_same_columns_and_types_as_the_salesforce_path(
    export: CrmExport, warehouse: Path, loaded: tuple[object, Path]
) -> None:
    load_system("crm", export.root, warehouse)
    _, salesforce = loaded

    def columns(path: Path) -> dict[str, list[tuple[object, ...]]]:
        found: dict[str, list[tuple[object, ...]]] = {}
        for table, column, data_type in Raw(path).query(
            "select table_name, column_name, data_type from information_schema.columns"
            " where table_schema = 'raw_crm' and table_name not like '\\_dlt%' escape '\\'"
            " order by table_name, ordinal_position"
        ):
            found.setdefault(table, []).append((column, data_type))
        return found

    ours, theirs = columns(warehouse), columns(salesforce)
    for table, salesforce_columns in theirs.items():
        assert ours.get(table) == salesforce_columns, table


def _mapping(export: CrmExport, old: str, new: str) -> None:
    text = export.mapping.read_text()
    assert old in text
    export.mapping.write_text(text.replace(old, new))


def _load_error(export: CrmExport, warehouse: Path) -> str:
    with pytest.raises(LandingFileError) as caught:
        load_system("crm", export.root, warehouse)
    assert not (warehouse / "work.duckdb").exists() or not Raw(warehouse).query(
        "select table_name from information_schema.tables"
        " where table_schema = 'raw_crm' and table_name = 'opportunity'"
    ), "a failed load wrote the opportunity table"
    assert check_crm_export(export.folder) == [str(caught.value)]
    return str(caught.value)


def test_a_mapping_naming_a_missing_column_says_what_the_file_has(
    export: CrmExport, warehouse: Path
) -> None:
    _mapping(export, "amount: close_value", "amount: deal_value")
    assert _load_error(export, warehouse) == (
        "crm_export/mapping.yml: deals.columns.amount names column 'deal_value', but deals.csv"
        f" has: {DEALS_HEADER}"
    )


def test_a_mapping_naming_a_missing_file_says_what_the_folder_has(
    export: CrmExport, warehouse: Path
) -> None:
    _mapping(export, "file: deals.csv", "file: opportunities.csv")
    assert _load_error(export, warehouse) == (
        "crm_export/mapping.yml: deals.file names 'opportunities.csv', but crm_export/ has:"
        " deals.csv, mapping.yml, teams.csv"
    )


def test_a_mapping_leaving_out_a_required_field_names_it(
    export: CrmExport, warehouse: Path
) -> None:
    _mapping(export, "    stage: deal_stage\n", "")
    assert _load_error(export, warehouse) == (
        "crm_export/mapping.yml: deals.columns leaves out required field 'stage'; name the"
        f" column of deals.csv that holds it; deals.csv has: {DEALS_HEADER}"
    )


def test_a_people_column_that_is_not_there_says_what_the_people_file_has(
    export: CrmExport, warehouse: Path
) -> None:
    _mapping(export, "region: regional_office", "region: office")
    assert _load_error(export, warehouse) == (
        "crm_export/mapping.yml: people.columns.region names column 'office', but teams.csv"
        " has: sales_agent, manager, regional_office"
    )


def test_stage_values_the_mapping_does_not_cover_are_one_error_with_counts(
    export: CrmExport, warehouse: Path
) -> None:
    deals = [dict(d) for d in export.deals]
    for deal in deals[:3]:
        deal["deal_stage"] = "Negotiating"
    deals[3]["deal_stage"] = "On Hold"
    export.write_deals(deals)
    _mapping(export, "  Lost:        {status: lost}\n", "")
    lost = Counter(d["deal_stage"] for d in deals)["Lost"]
    assert _load_error(export, warehouse) == (
        "crm_export/mapping.yml: stages does not cover 3 value(s) of column 'deal_stage' in"
        f" deals.csv: 'Lost' ({lost} rows), 'Negotiating' (3 rows), 'On Hold' (1 rows); add"
        " each under stages with its status (open, won or lost)"
    )


def test_crm_and_crm_export_together_are_refused(export: CrmExport, warehouse: Path) -> None:
    (export.root / "crm").mkdir()
    with pytest.raises(LandingFileError) as caught:
        load_system("crm", export.root, warehouse)
    assert str(caught.value) == (
        f"crm_export: both crm/ and crm_export/ are in {export.root}; keep one: crm/ for a"
        " Salesforce Data Export, crm_export/ (with mapping.yml) for any other CRM's CSV export"
    )
    assert check_crm_export(export.folder) == [str(caught.value)]


def test_check_finds_nothing_wrong_and_reports_what_a_load_would_do(export: CrmExport) -> None:
    assert check_crm_export(export.folder) == []
    assert crm_export_warnings(export.folder) == [
        "crm_export: 1 deal owner(s) are in no team of the people file and would form the"
        f" 'Unassigned' team: {ORPHAN}"
    ]


def test_the_folder_needs_a_mapping(export: CrmExport, warehouse: Path) -> None:
    export.mapping.unlink()
    shutil.rmtree(warehouse, ignore_errors=True)
    assert _load_error(export, warehouse) == (
        "crm_export/mapping.yml: file not found; a crm_export/ folder needs a mapping.yml"
        " (write a first one with `spm init-mapping <deals.csv>`)"
    )
