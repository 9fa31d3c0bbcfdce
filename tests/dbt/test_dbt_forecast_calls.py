"""The forecast call of each node of the hierarchy (mart forecast_calls), end to end through dbt.

The company of dbt_forecast_company.py is written into raw_* tables and the models up to
forecast_calls are built (with their data and unit tests). The CRO's call differs from the sum
of the regions' calls, and the regions' from their teams': the company must show the CRO's
call and never the sum of everyone's, the roll-up must be the children's sum, and a node whose
owner made no call shows the roll-up, labelled as such. Expected numbers are worked out by hand
from the submissions listed in the company module.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.support.dbt.dbt_forecast_company import QUARTER

pytestmark = pytest.mark.xdist_group("forecast_company")

COLUMNS = (
    "hierarchy_level, owner_id, owner_call_amount, roll_up_amount, call_amount, call_source,"
    " roll_up_called_count, roll_up_count"
)


def _nodes(db: Path, week_sql: str, category: str = "Commit") -> dict[str, tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            f"select team_name, {COLUMNS} from marts.forecast_calls"
            f" where fiscal_period = ? and forecast_category = ? and {week_sql}",
            [QUARTER, category],
        ).fetchall()
    finally:
        con.close()
    return {row[0]: row[1:] for row in rows}


def test_latest_week_shows_each_owner_call_and_the_roll_up_beside_it(forecast_db: Path) -> None:
    nodes = _nodes(forecast_db, "is_latest_week")
    d = Decimal
    # name: level, owner, owner call, roll-up, call shown, source, children called, children
    assert nodes == {
        # the CRO's 900 of 2026-05-11 (their 1000 of 2026-05-20 is after the as-of date);
        # roll-up = Americas' 500 + EMEA's 250, never 900 + 500 + 300 + 250 + ...
        "Acme": ("company", "C", d("900.00"), d("750.00"), d("900.00"), "owner", 2, 2),
        "Americas": ("region", "VA", d("500.00"), d("420.00"), d("500.00"), "owner", 2, 2),
        # VE made no call: EMEA shows the roll-up of Europe's call
        "EMEA": ("region", "VE", None, d("250.00"), d("250.00"), "roll_up", 1, 1),
        "West": ("team", "MW", d("300.00"), d("250.00"), d("300.00"), "owner", 2, 2),
        # ME made no call: East shows its rep's 120
        "East": ("team", "ME", None, d("120.00"), d("120.00"), "roll_up", 1, 1),
        "Europe": ("team", "MU", d("250.00"), d("90.00"), d("250.00"), "owner", 1, 1),
    }


def test_a_week_shows_the_call_standing_at_its_end(forecast_db: Path) -> None:
    # week 5 (2026-04-29 to 05-05): only the CRO's 800 of 2026-04-06 had been submitted
    nodes = _nodes(forecast_db, "week_of_period = 5")
    assert nodes["Acme"][1:6] == ("C", Decimal("800.00"), None, Decimal("800.00"), "owner")
    assert nodes["West"][2:6] == (None, None, None, None)
    # weeks after the as-of date's week 7 have not started: they are left out
    con = duckdb.connect(str(forecast_db), read_only=True)
    weeks = con.execute(
        "select min(week_of_period), max(week_of_period), count(distinct team_id)"
        " from marts.forecast_calls where fiscal_period = ?",
        [QUARTER],
    ).fetchone()
    con.close()
    assert weeks == (1, 7, 6)


def test_categories_roll_up_apart(forecast_db: Path) -> None:
    # only the CRO called Best Case: nothing below has one, so no roll-up and no call below
    nodes = _nodes(forecast_db, "is_latest_week", "Best Case")
    assert nodes["Acme"][2:6] == (Decimal("1200.00"), None, Decimal("1200.00"), "owner")
    for name in ("Americas", "EMEA", "West", "East", "Europe"):
        assert nodes[name][2:6] == (None, None, None, None), name
