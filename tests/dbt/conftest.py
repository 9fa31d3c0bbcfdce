"""Shared helpers of the dbt tests: dbt run against a temporary warehouse.

The helper modules (`dbt_helpers`, `dbt_raw_tables`, the worked-example companies) live in
`tests/support/dbt/`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.support.dbt.dbt_forecast_company import AS_OF, write_forecast_company
from tests.support.dbt.dbt_helpers import dbt_failure_summary, run_dbt

__all__ = ["dbt_failure_summary", "run_dbt"]


@pytest.fixture(name="dbt_runner", scope="session")
def fixture_dbt_runner():
    """`run_dbt` as a fixture, so test modules need no import path of their own."""
    return run_dbt


# the forecast marts the forecast company's tests read; built once for all of them
FORECAST_COMPANY_MARTS = [
    "forecast_calls",
    "forecast_submitter_scores",
    "forecast_weekly_accuracy",
    "forecast_range_coverage",
]


@pytest.fixture(scope="session", name="forecast_db")
def fixture_forecast_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The forecast company (tests/support/dbt/dbt_forecast_company.py) in raw_* tables, with
    the models up to the forecast marts built with their data and unit tests. Read only: the
    tests that use it run in xdist group `forecast_company`, so it is built once."""
    root = tmp_path_factory.mktemp("forecast_company")
    db = root / "work.duckdb"
    con = duckdb.connect(str(db))
    write_forecast_company(con)
    con.close()
    selection = [f"+{mart}" for mart in FORECAST_COMPANY_MARTS]
    done = run_dbt(
        ["build", "--select", *selection, "--indirect-selection", "cautious"],
        work_db=db,
        target_dir=root,
        dbt_vars={"as_of_date": AS_OF, "fiscal_year_start_month": 1},
    )
    assert done.returncode == 0, "dbt build failed:\n" + dbt_failure_summary(done)
    return db
