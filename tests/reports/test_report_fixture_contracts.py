"""The report fixture warehouse has the marts' shape: every table as its dbt contract says.

The pages are tested on the fixture warehouse; a column it lacked, or held with another type
(a double where the mart has a decimal, an integer where it has a date), would let a page
pass here and fail on a real warehouse. Contracts come from the marts' YAML.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from tests.support.reports.fixture_warehouse import _create_table, mart_contracts

# Written by the publish step and the loaders, not by dbt models: no contract.
WITHOUT_CONTRACT = {"marts.run_reports", "marts.run_report_checks"}


def _normal(data_type: str) -> str:
    return data_type.lower().replace(" ", "")


def test_every_fixture_table_has_the_columns_and_types_of_its_contract(report_warehouse):
    contracts = mart_contracts()
    con = duckdb.connect(str(report_warehouse), read_only=True)
    try:
        tables = con.execute(
            "select table_schema || '.' || table_name, table_name from information_schema.tables"
            " where table_schema in ('marts', 'marts_restricted')"
        ).fetchall()
        assert len(tables) > 20
        for qualified, table in tables:
            if qualified in WITHOUT_CONTRACT:
                continue
            assert table in contracts, f"{qualified} is no mart of the dbt project"
            built = con.execute(
                "select column_name, data_type from information_schema.columns"
                " where table_schema || '.' || table_name = ? order by ordinal_position",
                [qualified],
            ).fetchall()
            expected = [(column, _normal(data_type)) for column, data_type in contracts[table]]
            assert [(c, _normal(t)) for c, t in built] == expected, qualified
    finally:
        con.close()


def test_a_row_column_the_contract_does_not_have_is_refused():
    con = duckdb.connect()
    frame = pd.DataFrame([{"rep_id": "U1", "rep_nickname": "Ace"}])
    with pytest.raises(ValueError, match=r"marts.dim_rep: .*\['rep_nickname'\]"):
        _create_table(con, "marts.dim_rep", frame, mart_contracts()["dim_rep"])
