"""A company on HubSpot: the CRM through the HubSpot replica, the other systems from files,
`dbt build` with var crm = hubspot. Every model and test builds, and bookings, won and lost
counts and win rate per rep and fiscal year equal a recomputation from the replica's deals and
deal splits (each split owner credited amount x share, a deal without splits 100% to its
owner).

The same company loaded from its Salesforce export files (the `small_pipeline` run) gets the
same revenue credit per rep and year. Its Overlay splits have no HubSpot counterpart (HubSpot
splits always sum to 100% of the deal), so the replica does not serve them: on HubSpot the
overlay credit is absent (0), while the Salesforce path reports it apart from bookings.
A portal without deal splits (403) still loads, says so, and credits every deal 100% to its
owner."""

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
from tests.support.dbt.dbt_helpers import dbt_failure_summary, run_dbt

# the Salesforce comparison reads the shared small_pipeline run
pytestmark = [pytest.mark.slow, pytest.mark.company, pytest.mark.xdist_group("hubspot_marts")]

OTHER_SYSTEMS = ("sales_analytics", "revenue_intelligence", "compensation", "finance")


def _hubspot_company(landing: Path, root: Path, select: tuple[str, ...] = (), **replica_options):
    """The company with its CRM on a HubSpot portal, built (every model, or the models
    `select`ed and what they read, with their tests): (warehouse, replica, load)."""
    warehouse = root / "warehouse"
    for system in OTHER_SYSTEMS:
        load_system(system, landing, warehouse)
    with crm_replica("hubspot-api", landing, **replica_options) as replica:
        load = load_system("hubspot", landing, warehouse, connection="api")
    done = run_dbt(
        [
            "build",
            "--exclude-resource-type",
            "unit_test",
            *(["--select", *select, "--indirect-selection", "cautious"] if select else []),
        ],
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
    return warehouse, replica, load


@pytest.fixture(scope="module")
def hubspot_warehouse(small_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    warehouse, replica, _ = _hubspot_company(small_landing, tmp_path_factory.mktemp("hubspot"))
    return warehouse, replica


def _rates(landing: Path) -> dict[str, list[tuple[dt.date, Decimal]]]:
    rates: dict[str, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    with (landing / "finance" / "fx_rates.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            rates[row["currency"]].append(
                (dt.date.fromisoformat(row["date"]), Decimal(row["rate"]))
            )
    return {currency: sorted(values) for currency, values in rates.items()}


CENT = Decimal("0.01")


def _in_usd(amount: Decimal, currency: str, day: dt.date, rates) -> Decimal:
    """The amount in USD at full precision (the marts round each credit, not the deal)."""
    if currency == "USD":
        return amount
    return amount * [r for d, r in rates[currency] if d <= day][-1]


def _shares(replica, deal: dict) -> dict[str, Decimal]:
    """Owner -> share of the deal: its splits as the portal serves them, else the owner 100%."""
    splits = replica.splits.get(deal["id"]) or []
    if not splits:
        return {deal["properties"]["hubspot_owner_id"]: Decimal(1)}
    shares: dict[str, Decimal] = defaultdict(Decimal)
    for split in splits:
        properties = split["properties"]
        shares[properties["hubspot_owner_id"]] += Decimal(properties["hs_deal_split_percentage"])
    return shares


def _expected(
    replica, landing: Path, quarantined: set[str], *, splits: bool = True
) -> dict[tuple[str, str], tuple]:
    """Per (rep, FYyyyy): bookings, won count, lost count, from the portal's deals and splits
    (`splits=False`: as if it had none).

    Each split owner of a closed deal counts it once; a won deal books amount x share to each,
    rounded to cents."""
    rates = _rates(landing)
    totals: dict[tuple[str, str], list] = defaultdict(lambda: [Decimal("0.00"), 0, 0])
    for deal in replica.deals.values():
        p = deal["properties"]
        if deal["archived"] or deal["id"] in quarantined or p["hs_is_closed"] != "true":
            continue
        day = dt.date.fromisoformat(p["closedate"][:10])
        if day > SMALL_AS_OF:
            continue
        amount = _in_usd(Decimal(p["amount"]), p["deal_currency_code"], day, rates)
        owner_only = {p["hubspot_owner_id"]: Decimal(1)}
        for rep, share in (_shares(replica, deal) if splits else owner_only).items():
            key = (rep, f"FY{day.year}")
            if p["hs_is_closed_won"] == "true":
                totals[key][0] += (amount * share).quantize(CENT, rounding=ROUND_HALF_UP)
                totals[key][1] += 1
            else:
                totals[key][2] += 1
    return {key: tuple(value) for key, value in totals.items()}


def _rep_years(con: duckdb.DuckDBPyConnection, columns: str) -> dict[tuple[str, str], tuple]:
    rows = con.sql(
        f"select rep_id, fiscal_period, {columns} from marts.rep_performance"
        " where period_type = 'year' and won_count + lost_count > 0"
    ).fetchall()
    return {(rep, period): tuple(values) for rep, period, *values in rows}


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
    split_deals = [d for d in replica.splits if replica.splits[d]]
    assert len(split_deals) > 100, "the portal serves the demo company's revenue splits"
    actual = {(rep, period): (bookings, won, lost) for rep, period, bookings, won, lost, _ in rows}
    assert actual == expected
    for rep, period, _, won, lost, win_rate in rows:
        assert win_rate == pytest.approx(won / (won + lost)), (rep, period)


def test_a_split_deal_credits_each_split_owner_its_share(hubspot_warehouse) -> None:
    warehouse, replica = hubspot_warehouse
    with duckdb.connect(str(warehouse / "work.duckdb"), read_only=True) as con:
        credits = con.sql(
            "select opportunity_id, rep_id, credit_share from marts.fct_opportunity_credits"
            " where credit_type = 'revenue'"
        ).fetchall()
    credited: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for deal_id, rep, share in credits:
        credited[deal_id][rep] = Decimal(share)
    split_deals = [d for d in credited if d in replica.splits and replica.splits[d]]
    assert len(split_deals) > 100
    for deal_id in split_deals:
        assert credited[deal_id] == _shares(replica, replica.deals[deal_id]), deal_id
    owner_only = [d for d in credited if not replica.splits.get(d)]
    assert owner_only
    for deal_id in owner_only:
        owner = replica.deals[deal_id]["properties"]["hubspot_owner_id"]
        assert credited[deal_id] == {owner: Decimal(1)}, deal_id


def test_hubspot_revenue_credit_equals_the_salesforce_files(
    hubspot_warehouse, small_published_db: Path
) -> None:
    """Bookings, won and lost counts per rep and year equal the Salesforce file path's. The
    overlay credit the Salesforce files carry (reps with only overlay splits get rep-years of
    overlay credit and no bookings) is absent on HubSpot, which has no overlay splits."""
    warehouse, _ = hubspot_warehouse
    overlay = (
        "select count(*), coalesce(sum(credited_amount), 0) from marts.fct_opportunity_credits"
        " where credit_type = 'overlay'"
    )
    overlay_years = (
        "select count(*) from marts.rep_performance"
        " where period_type = 'year' and overlay_credit_amount > 0"
    )
    columns = "bookings_amount, won_count, lost_count"
    with duckdb.connect(str(warehouse / "work.duckdb"), read_only=True) as con:
        hubspot = _rep_years(con, columns)
        hubspot_overlay = con.sql(overlay).fetchall()
        hubspot_overlay_years = con.sql(overlay_years).fetchall()
    with duckdb.connect(str(small_published_db), read_only=True) as con:
        salesforce = _rep_years(con, columns)
        (salesforce_overlay,) = con.sql(overlay).fetchall()
        (salesforce_overlay_years,) = con.sql(overlay_years).fetchall()
    assert len(salesforce) > 20
    assert hubspot == salesforce
    assert hubspot_overlay == [(0, 0)] and hubspot_overlay_years == [(0,)]
    assert salesforce_overlay[0] > 50 and salesforce_overlay[1] > 0, "Salesforce has overlays"
    assert salesforce_overlay_years[0] > 0


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


def test_hubspot_next_steps_reach_the_deals_and_a_blank_one_is_flagged(hubspot_warehouse) -> None:
    """hs_next_step as written in the portal; an open deal whose next step is blank is
    flagged (the portal has the property), a deal with one is not."""
    warehouse, replica = hubspot_warehouse
    with duckdb.connect(str(warehouse / "work.duckdb"), read_only=True) as con:
        deals = con.sql(
            "select opportunity_id, is_open_as_of, next_step, is_next_step_missing"
            " from marts.fct_opportunities"
        ).fetchall()
        listed = {
            i
            for (i,) in con.sql(
                "select opportunity_id from marts.pipeline_hygiene where problem = 'no_next_step'"
            ).fetchall()
        }
    assert len(deals) > 1000
    for deal_id, _is_open, next_step, missing in deals:
        served = replica.deals[deal_id]["properties"]["hs_next_step"]
        assert next_step == served, deal_id
        assert missing == (served is None), deal_id
    blank_open = {d for d, is_open, _, missing in deals if is_open and missing}
    assert blank_open and listed == blank_open


def test_a_portal_without_deal_splits_credits_every_deal_to_its_owner(
    small_landing: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("WARNING", logger="ingestion")
    # the marts this reads and what they read (the whole company's build is the test above)
    marts = ("+quarantine_opportunities", "+fct_opportunity_credits", "+rep_performance")
    warehouse, replica, load = _hubspot_company(
        small_landing, tmp_path, select=marts, splits_unavailable=403
    )
    note = (
        "deal splits are not available in this portal (HTTP 403 MISSING_SCOPES: This app hasn't"
        " been granted all required scopes to make this call.): every deal credits 100% to its"
        " owner"
    )
    assert load.warnings == {"deal_splits": [note]}
    assert note in caplog.text
    assert load["deal_splits"] == 0 and load["deals"] == len(replica.deals)
    with duckdb.connect(str(warehouse / "work.duckdb"), read_only=True) as con:
        assert con.sql("select count(*) from raw_hubspot.deal_splits").fetchall() == [(0,)]
        quarantined = {
            i for (i,) in con.sql("select opportunity_id from quarantine.opportunities").fetchall()
        }
        credits = con.sql(
            "select opportunity_id, rep_id, credit_type, credit_share"
            " from marts.fct_opportunity_credits"
        ).fetchall()
        actual = _rep_years(con, "bookings_amount, won_count, lost_count")
    assert len(credits) > 1000
    for deal_id, rep, credit_type, share in credits:
        owner = replica.deals[deal_id]["properties"]["hubspot_owner_id"]
        assert (rep, credit_type, share) == (owner, "revenue", 1), deal_id
    assert actual == _expected(replica, small_landing, quarantined, splits=False)
