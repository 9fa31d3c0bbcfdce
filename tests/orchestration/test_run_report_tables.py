"""The run reports as tables: each check of each run is a row that any SQL reader can query
without a JSON function (Evidence's DuckDB has none loaded; PostgreSQL readers get a table)."""

from __future__ import annotations

import duckdb

from orchestration.run_report_tables import CHECK_COLUMNS, RUN_COLUMNS, write_run_report_tables

REPORTS = [
    {
        "run_id": "r-1",
        "published": True,
        "checks": [
            {
                "name": "column_rules_fct_x",
                "asset": "fct_x",
                "severity": "error",
                "passed": True,
                "failing_rows": 0,
            },
        ],
    },
    {
        "run_id": "r-2",
        "published": False,
        "checks": [
            {
                "name": "opportunity__owner_id_not_null",
                "asset": "crm/opportunity",
                "severity": "warn",
                "passed": False,
                "failing_rows": 2,
                "rule": "Owner id is never null.",
                "message": "2 of 240 rows have no owner_id",
                "sample": [{"id": "006A", "owner_id": None}],
                "rows_text": "id 006A, owner_id (empty)",
            },
            # a dbt test that could not run: no count
            {
                "name": "unique_fct_y",
                "asset": "fct_y",
                "severity": "error",
                "passed": False,
                "failing_rows": None,
                "message": "could not run: Binder Error",
            },
            # the same name on another asset is another check
            {
                "name": "unique_fct_y",
                "asset": "fct_z",
                "severity": "error",
                "passed": True,
                "failing_rows": 0,
            },
        ],
    },
    {"run_id": "r-3", "published": False},  # a run that failed before any check
]


def test_every_check_of_every_run_is_a_row_with_its_findings() -> None:
    con = duckdb.connect()
    write_run_report_tables(con, REPORTS)
    rows = con.execute(
        "select * from marts.run_report_checks order by run_id, checked_asset, check_name"
    ).fetchall()
    assert rows == [
        ("r-1", "column_rules_fct_x", "fct_x", "error", True, 0, None, None, None),
        (
            "r-2",
            "opportunity__owner_id_not_null",
            "crm/opportunity",
            "warn",
            False,
            2,
            "Owner id is never null.",
            "2 of 240 rows have no owner_id",
            "id 006A, owner_id (empty)",
        ),
        (
            "r-2",
            "unique_fct_y",
            "fct_y",
            "error",
            False,
            None,
            None,
            "could not run: Binder Error",
            None,
        ),
        ("r-2", "unique_fct_y", "fct_z", "error", True, 0, None, None, None),
    ]
    assert con.execute("select count(*) from marts.run_reports").fetchone()[0] == 3


def test_every_column_is_described_for_bi_users() -> None:
    con = duckdb.connect()
    write_run_report_tables(con, [])
    for table, columns in (("run_reports", RUN_COLUMNS), ("run_report_checks", CHECK_COLUMNS)):
        described = dict(
            con.execute(
                "select column_name, comment from duckdb_columns() where table_name = ?", [table]
            ).fetchall()
        )
        assert list(described) == [name for name, _, _ in columns]
        assert all(described.values()), described
    assert con.execute("select count(*) from marts.run_report_checks").fetchone()[0] == 0
