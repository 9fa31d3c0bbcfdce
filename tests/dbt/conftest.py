"""Shared helpers of the dbt tests: dbt run against a temporary warehouse.

The helper modules (`dbt_helpers`, `dbt_raw_tables`, the worked-example companies) live in
`tests/support/dbt/`.
"""

from __future__ import annotations

import pytest

from tests.support.dbt.dbt_helpers import dbt_failure_summary, run_dbt

__all__ = ["dbt_failure_summary", "run_dbt"]


@pytest.fixture(name="dbt_runner", scope="session")
def fixture_dbt_runner():
    """`run_dbt` as a fixture, so test modules need no import path of their own."""
    return run_dbt
