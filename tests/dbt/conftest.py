"""Shared helpers of the dbt tests (see dbt_helpers.py): a temporary warehouse and dbt.

This folder goes on sys.path so that its helper modules (`dbt_helpers`, `dbt_raw_tables`,
`dbt_kpi_company`) import under names no other test folder uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from dbt_helpers import dbt_failure_summary, run_dbt  # noqa: E402

__all__ = ["dbt_failure_summary", "run_dbt"]


@pytest.fixture(name="dbt_runner", scope="session")
def fixture_dbt_runner():
    """`run_dbt` as a fixture, so test modules need no import path of their own."""
    return run_dbt
