"""A company on HubSpot: the CRM through the HubSpot replica, the other systems from files,
`dbt build` with var crm = hubspot. Every model and test builds, and bookings, won and lost
counts and win rate per rep and fiscal year equal a recomputation from the replica's deals."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from ingestion.pipeline import load_system
from replicas.connect import crm_replica
from tests.conftest import SMALL_AS_OF
from tests.dbt.dbt_helpers import dbt_failure_summary, run_dbt

pytestmark = pytest.mark.slow

OTHER_SYSTEMS = ("sales_analytics", "revenue_intelligence", "compensation", "finance")


@pytest.fixture(scope="module")
def hubspot_warehouse(small_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("hubspot_marts")
    warehouse = root / "warehouse"
    for system in OTHER_SYSTEMS:
        load_system(system, small_landing, warehouse)
    with crm_replica("hubspot-api", small_landing) as replica:
        load_system("hubspot", small_landing, warehouse, connection="api")
    done = run_dbt(
        ["build", "--exclude-resource-type", "unit_test"],
        warehouse / "work.duckdb",
        root,
        {
            "crm": "hubspot",
            "as_of_date": SMALL_AS_OF.isoformat(),
            "fiscal_year_start_month": 1,
            "corporate_currency": "USD",
        },
    )
    assert done.returncode == 0, dbt_failure_summary(done)
    return warehouse, replica


def _rates(landing: Path) -> dict[str, list[tuple[dt.date, Decimal]]]:
    rates: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    with (landing / "finance" / "fx_rates.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            rates[row["currency"]].append(
                (dt.date.fromisoformat(row["date"]), Decimal(row["rate"]))
            )
    return {currency: sorted(values) for currency, values in rates.items()}


def _in_usd(amount: Decimal, currency: str, day: dt.date, rates) -> Decimal:
    if currency == "USD":
        return amount
    rate = [r for d, r in rates[currency] if d <= day][-1]
    return (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _expected(replica, landing: Path, quarantined: set[str]) -> dict[tuple[str, str], tuple]:
    """Per (owner, FYyyyy): bookings, won count, lost count, from the portal's deals."""
    rates = _rates(landing)
    totals: dict[tuple[str, str], list] = defaultdict(lambda: [Decimal("0.00"), 0, 0])
    for deal in replica.deals.values():
        p = deal["properties"]
        if deal["archived"] or deal["id"] in quarantined or p["hs_is_closed"] != "true":
            continue
        day = dt.date.fromisoformat(p["closedate"][:10])
        if day > SMALL_AS_OF:
            continue
        key = (p["hubspot_owner_id"], f"FY{day.year}")
        if p["hs_is_closed_won"] == "true":
            totals[key][0] += _in_usd(Decimal(p["amount"]), p["deal_currency_code"], day, rates)
            totals[key][1] += 1
        else:
            totals[key][2] += 1
    return {key: tuple(value) for key, value in totals.items()}


def test_hubspot_marts_equal_a_recomputation_from_the_portal(
    hubspot_warehouse, small_landing: Path
) -> None:
    warehouse, replica = hubspot_warehouse
    with duckdb.connect(str(warehouse / "work.duckdb"), read_only=True) as con:
        quarantined = {
            i for (i,) in con.sql("select opportunity_id from quarantine.opportunities").fetchall()
        }
        rows = con.sql(
            "select rep_id, fiscal_period, bookings_amount, won_count, lost_count, win_rate"
            " from marts.rep_performance where period_type = 'year'"
            " and won_count + lost_count > 0"
        ).fetchall()
    expected = _expected(replica, small_landing, quarantined)
    assert len(expected) > 20
    actual = {(rep, period): (bookings, won, lost) for rep, period, bookings, won, lost, _ in rows}
    assert actual == expected
    for rep, period, _, won, lost, win_rate in rows:
        assert win_rate == pytest.approx(won / (won + lost)), (rep, period)


def test_hubspot_stages_keep_the_pipeline_order(hubspot_warehouse) -> None:
    warehouse, replica = hubspot_warehouse
    with duckdb.connect(str(warehouse / "work.duckdb"), read_only=True) as con:
        stages = con.sql(
            "select stage_name, default_probability, forecast_category, is_closed, is_won"
            " from staging.stg_hubspot__deal_stages order by stage_order"
        ).fetchall()
    served = replica.pipelines[0]["stages"]
    assert [s[0] for s in stages] == [s["label"] for s in served]
    assert [float(s[1]) for s in stages] == [
        float(s["metadata"]["probability"]) * 100 for s in served
    ]
    won = [s for s in stages if s[4]]
    assert len(won) == 1 and won[0][2] == "Closed"
    assert all(s[2] == "Omitted" for s in stages if s[3] and not s[4])
