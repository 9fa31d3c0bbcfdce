"""Which models the marts read: the people, accounts and plans a mart names come from the
dimensions.

A rep's name, team or status is decided once, in `dim_rep` (and an account's in
`dim_account`, a comp plan's in `dim_comp_plan`, a payout's in `fct_payouts`); a mart that
joined the staging tables again would show a name or an amount the dimension does not (a
renamed user, a HubSpot owner) and drift from the rest of the site.
Read from the SQL files, so it needs no dbt run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

MARTS = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "marts"
REF = re.compile(r"ref\(\s*'([^']+)'\s*\)")

# The dimensions (and facts) that model these staging tables for the marts.
DIMENSION_OF = {
    "stg_crm__users": "dim_rep",
    "stg_crm__accounts": "dim_account",
    "stg_compensation__comp_plans": "dim_comp_plan",
    "stg_compensation__comp_plan_tiers": "dim_comp_plan",
    "stg_compensation__payouts": "fct_payouts",
}


def _mart_refs() -> dict[str, set[str]]:
    return {path.stem: set(REF.findall(path.read_text())) for path in MARTS.rglob("*.sql")}


def test_the_marts_are_found() -> None:
    refs = _mart_refs()
    assert {"dim_rep", "dim_account", "rep_performance", "stalled_deals"} <= refs.keys()
    assert "stg_crm__users" in refs["dim_rep"]


@pytest.mark.parametrize("staging, dimension", sorted(DIMENSION_OF.items()))
def test_only_the_dimension_reads_the_staging_table(staging: str, dimension: str) -> None:
    readers = sorted(
        mart for mart, refs in _mart_refs().items() if staging in refs and mart != dimension
    )
    assert not readers, f"{', '.join(readers)} read {staging}: join {dimension} instead"
