"""The whole pipeline with the CRM read through the Salesforce API replica publishes the same
marts as the file run of the same company (the shared `small_pipeline` run)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.runner import run_pipeline
from replicas.connect import crm_replica
from tests.conftest import make_settings

pytestmark = [pytest.mark.slow, pytest.mark.company]


# what a run says about itself (run id, times), not about the data: the run's own records
RUN_METADATA = {"run_reports", "run_report_checks", "publication"}


def _mart_tables(db: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(
            "select table_schema, table_name from information_schema.tables"
            " where table_schema like 'marts%' order by 1, 2"
        ).fetchall()


def test_api_run_publishes_the_same_marts_as_the_file_run(
    small_landing: Path, small_published_db: Path, tmp_path: Path
) -> None:
    settings = make_settings(small_landing, tmp_path, crm_connection="api")
    with crm_replica("salesforce-api", small_landing) as replica:
        outcome = run_pipeline(settings)
    assert outcome.published, outcome.report
    assert replica.served["Opportunity"] > 0
    tables = _mart_tables(small_published_db)
    assert len(tables) > 10
    assert _mart_tables(settings.published_db) == tables
    differing = {}
    with duckdb.connect(":memory:") as con:
        con.sql(f"attach '{small_published_db}' as files (read_only)")
        con.sql(f"attach '{settings.published_db}' as api (read_only)")
        for schema, table in tables:
            if table in RUN_METADATA:
                continue
            name = f'{schema}."{table}"'
            rows = con.sql(f"select count(*) from files.{name}").fetchone()[0]
            differ = con.sql(
                f"select count(*) from (select * from files.{name} except all "
                f"select * from api.{name}) union all select count(*) from "
                f"(select * from api.{name} except all select * from files.{name})"
            ).fetchall()
            if differ != [(0,), (0,)]:
                differing[name] = (rows, differ)
    assert differing == {}
