"""The small demo company through the Salesforce REST API (local replica) lands the same raw
tables as its export files, row for row; a second load fetches only what changed."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from ingestion.pipeline import load_system
from replicas.connect import crm_replica
from tests.support.ingestion.salesforce_api_helpers import (
    query,
    raw_tables,
    rows_only_in,
    table_shape,
)

pytestmark = pytest.mark.slow

OVERLAP = dt.timedelta(seconds=300)


@pytest.fixture(scope="module")
def file_warehouse(small_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    warehouse = tmp_path_factory.mktemp("sf_files") / "warehouse"
    load_system("crm", small_landing, warehouse)
    return warehouse


@pytest.fixture(scope="module")
def api_load(small_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    """The CRM loaded through the replica (with the API limit logged): (warehouse, replica)."""
    warehouse = tmp_path_factory.mktemp("sf_api") / "warehouse"
    with crm_replica("salesforce-api", small_landing) as replica:
        result = load_system("crm", small_landing, warehouse, connection="api")
    return warehouse, replica, result


def test_api_load_equals_the_file_load_row_for_row(file_warehouse: Path, api_load) -> None:
    api_warehouse, _, _ = api_load
    # crm_export_rejects holds the unreadable cells of a mapped CSV export: the file path
    # always writes it (empty for Salesforce files), an API has no cells to reject
    tables = [t for t in raw_tables(file_warehouse) if t != "crm_export_rejects"]
    assert tables == raw_tables(api_warehouse)
    assert "opportunity" in tables and "user" in tables
    for table in tables:
        assert table_shape(api_warehouse, table) == table_shape(file_warehouse, table), table
        file_rows = query(file_warehouse, f'select count(*) from raw_crm."{table}"')[0][0]
        assert file_rows > 0, table
        assert rows_only_in(api_warehouse, file_warehouse, table) == (0, 0), table


def test_soft_deleted_records_arrive_through_query_all(file_warehouse: Path, api_load) -> None:
    api_warehouse, replica, _ = api_load
    deleted = query(file_warehouse, "select count(*) from raw_crm.opportunity where is_deleted")
    assert deleted[0][0] > 0
    assert query(api_warehouse, "select count(*) from raw_crm.opportunity where is_deleted") == (
        deleted
    )
    assert any(q.startswith("SELECT") and "FROM Opportunity" in q for q in replica.queries)


def test_a_second_load_fetches_only_changed_records(
    small_landing: Path, api_load, tmp_path: Path
) -> None:
    import shutil

    api_warehouse, _, _ = api_load
    warehouse = tmp_path / "warehouse"
    shutil.copytree(api_warehouse, warehouse)
    with crm_replica("salesforce-api", small_landing) as replica:
        before_max = {
            name: max(_stamp(r["SystemModstamp"]) for r in records.values())
            for name, records in replica.org.items()
        }
        changed = sorted(replica.org["Opportunity"])[:3]
        later = max(before_max.values()) + dt.timedelta(hours=1)
        for number, record_id in enumerate(changed):
            replica.update("Opportunity", record_id, later, Amount=123456.0 + number)
        load_system("crm", small_landing, warehouse, connection="api")

    # what the cursor asks for: records stamped after the last load's newest, less the overlap
    expected = {
        name: sum(
            1 for r in records.values() if _stamp(r["SystemModstamp"]) >= before_max[name] - OVERLAP
        )
        for name, records in replica.org.items()
    }
    assert replica.served == expected
    assert replica.served["Opportunity"] < 50
    assert sum(replica.served.values()) < 0.01 * sum(len(r) for r in replica.org.values())
    current = dict(
        query(
            warehouse,
            "select id, amount from raw_crm.opportunity where _dlt_valid_to is null and id in "
            f"({', '.join(repr(i) for i in changed)})",
        )
    )
    assert {i: float(a) for i, a in current.items()} == {
        record_id: 123456.0 + n for n, record_id in enumerate(changed)
    }
    # records re-read in the overlap window are not new versions; each change is one
    versions = query(warehouse, "select count(*) from raw_crm.opportunity")[0][0]
    first = query(api_warehouse, "select count(*) from raw_crm.opportunity")[0][0]
    assert versions == first + len(changed)


def test_the_daily_api_limit_is_logged(
    small_landing: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ingestion.sources.salesforce_api")
    with crm_replica("salesforce-api", small_landing):
        load_system("crm", small_landing, tmp_path / "warehouse", connection="api")
    usage = [r.getMessage() for r in caplog.records if "api-usage=" in r.getMessage()]
    assert any("after Opportunity: api-usage=" in line and "/15000" in line for line in usage)


def _stamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("+0000", "+00:00"))
