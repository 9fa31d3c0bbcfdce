"""The small demo company through the HubSpot CRM v3 replica: the raw rows the portal holds,
archived deals as soft deletes, incremental loads through search, deal splits (replaced per
deal, absent in a portal without them), and the API's failures."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingestion.api_session import ApiAuthError
from ingestion.pipeline import load_system, make_pipeline
from ingestion.sources.hubspot_api import HubSpotConfig, hubspot_api_source
from replicas.connect import crm_replica
from replicas.hubspot import HubSpotReplica
from replicas.server import ReplicaServer

pytestmark = pytest.mark.slow

OVERLAP = dt.timedelta(seconds=300)


def _query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse / "work.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def hubspot_load(small_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    warehouse = tmp_path_factory.mktemp("hubspot") / "warehouse"
    with crm_replica("hubspot-api", small_landing) as replica:
        result = load_system("hubspot", small_landing, warehouse, connection="api")
    return warehouse, replica, result


def test_the_load_lands_every_record_of_the_portal(hubspot_load) -> None:
    warehouse, replica, result = hubspot_load
    history = sum(
        len(values)
        for deal_id, properties in replica.history.items()
        if deal_id in replica.deals and not replica.deals[deal_id]["archived"]
        for values in properties.values()
    )
    stages = sum(len(p["stages"]) for p in replica.pipelines)
    splits = sum(len(s) for d, s in replica.splits.items() if not replica.deals[d]["archived"])
    expected = {
        "owners": len(replica.owners),
        "teams": len(replica.teams),
        "deal_stages": stages,
        "deals": len(replica.deals),
        "deal_property_history": history,
        "deal_splits": splits,
    }
    assert dict(result) == expected
    for table, rows in expected.items():
        assert _query(warehouse, f"select count(*) from raw_hubspot.{table}") == [(rows,)]


def test_deal_values_arrive_typed(hubspot_load) -> None:
    warehouse, replica, _ = hubspot_load
    deal = next(d for d in replica.deals.values() if d["properties"]["amount"])
    row = _query(
        warehouse,
        "select amount, dealstage, hubspot_owner_id, cast(closedate as date),"
        f" hs_is_closed_won from raw_hubspot.deals where id = '{deal['id']}'",
    )
    properties = deal["properties"]
    assert len(row) == 1
    amount, stage, owner, close_date, won = row[0]
    assert float(amount) == float(properties["amount"])
    assert stage == properties["dealstage"] and owner == properties["hubspot_owner_id"]
    assert close_date.isoformat() == properties["closedate"][:10]
    assert won == (properties["hs_is_closed_won"] == "true")


def test_archived_deals_land_as_soft_deletes(hubspot_load) -> None:
    warehouse, replica, _ = hubspot_load
    archived = {d["id"] for d in replica.deals.values() if d["archived"]}
    assert archived, "the demo company has soft-deleted opportunities"
    landed = _query(warehouse, "select id from raw_hubspot.deals where archived")
    assert {i for (i,) in landed} == archived


def test_a_second_load_searches_only_changed_deals(
    small_landing: Path, hubspot_load, tmp_path: Path
) -> None:
    first_warehouse, _, _ = hubspot_load
    warehouse = tmp_path / "warehouse"
    shutil.copytree(first_warehouse, warehouse)
    with crm_replica("hubspot-api", small_landing) as replica:
        newest = max(_when(d["properties"]["hs_lastmodifieddate"]) for d in replica.deals.values())
        live = sorted(i for i, d in replica.deals.items() if not d["archived"])
        changed = live[:2]
        later = newest + dt.timedelta(hours=1)
        for record_id in changed:
            replica.update_deal(record_id, later, amount="777.00", dealstage="closedwon")
        result = load_system("hubspot", small_landing, warehouse, connection="api")
    assert len(replica.searches) == 1
    (flt,) = replica.searches[0]["filterGroups"][0]["filters"]
    assert flt["propertyName"] == "hs_lastmodifieddate" and flt["operator"] == "GTE"
    bound = newest - OVERLAP
    in_window = sum(
        1
        for d in replica.deals.values()
        if not d["archived"] and _when(d["properties"]["hs_lastmodifieddate"]) >= bound
    )
    archived = sum(1 for d in replica.deals.values() if d["archived"])
    live_now = sum(1 for d in replica.deals.values() if not d["archived"])
    # the search window, the archived listing every load reads, and the listing of every live
    # deal's stage, close date and stamp that chooses whose splits to read again
    assert replica.deals_served == in_window + archived + live_now
    assert in_window < 50
    current = _query(
        warehouse,
        "select id, amount, dealstage from raw_hubspot.deals where _dlt_valid_to is null"
        f" and id in ({', '.join(repr(i) for i in changed)})",
    )
    assert sorted((i, float(a), s) for i, a, s in current) == [
        (i, 777.0, "closedwon") for i in changed
    ]
    versions = _query(warehouse, "select count(*) from raw_hubspot.deals")[0][0]
    assert versions == len(replica.deals) + len(changed)
    assert result["deal_property_history"] > 0


def test_a_deal_archived_since_the_last_load_becomes_a_soft_delete(
    small_landing: Path, hubspot_load, tmp_path: Path
) -> None:
    first_warehouse, _, _ = hubspot_load
    warehouse = tmp_path / "warehouse"
    shutil.copytree(first_warehouse, warehouse)
    with crm_replica("hubspot-api", small_landing) as replica:
        newest = max(_when(d["properties"]["hs_lastmodifieddate"]) for d in replica.deals.values())
        deal_id = sorted(i for i, d in replica.deals.items() if not d["archived"])[0]
        replica.archive_deal(deal_id, newest + dt.timedelta(days=1))
        load_system("hubspot", small_landing, warehouse, connection="api")
    current = _query(
        warehouse,
        f"select archived from raw_hubspot.deals where id = '{deal_id}' and _dlt_valid_to is null",
    )
    assert current == [(True,)]


def _splits(warehouse: Path, deal_ids: list[str]) -> dict[str, set[tuple[str, float]]]:
    rows = _query(
        warehouse,
        "select deal_id, hubspot_owner_id, hs_deal_split_percentage from raw_hubspot.deal_splits"
        f" where deal_id in ({', '.join(repr(i) for i in deal_ids)})",
    )
    found: dict[str, set[tuple[str, float]]] = {deal_id: set() for deal_id in deal_ids}
    for deal_id, owner, share in rows:
        found[deal_id].add((owner, float(share)))
    return found


def _served(replica: HubSpotReplica, deal_id: str) -> set[tuple[str, float]]:
    return {
        (s["properties"]["hubspot_owner_id"], float(s["properties"]["hs_deal_split_percentage"]))
        for s in replica.splits.get(deal_id, [])
    }


def test_the_first_load_reads_every_live_deals_splits_in_batches_of_100(hubspot_load) -> None:
    warehouse, replica, _ = hubspot_load
    live = sorted(i for i, d in replica.deals.items() if not d["archived"])
    asked = [deal_id for batch in replica.split_reads for deal_id in batch]
    assert sorted(asked) == live
    assert max(len(batch) for batch in replica.split_reads) == 100
    assert len(replica.split_reads) == math.ceil(len(live) / 100)
    with_splits = [i for i in live if replica.splits.get(i)]
    assert len(with_splits) > 100
    assert _splits(warehouse, with_splits) == {i: _served(replica, i) for i in with_splits}
    # every served share is a revenue split: a deal's shares sum to 1, its owner among them
    for deal_id in with_splits:
        assert sum(share for _, share in _served(replica, deal_id)) == pytest.approx(1.0)
        owner = replica.deals[deal_id]["properties"]["hubspot_owner_id"]
        assert owner in {o for o, _ in _served(replica, deal_id)}


RECHECK = dt.timedelta(days=100)  # the default splits_recheck_days


def _is_open(replica: HubSpotReplica, deal_id: str) -> bool:
    return replica.deals[deal_id]["properties"]["hs_is_closed"] != "true"


def _closed_before(replica: HubSpotReplica, deal_id: str, moment: dt.datetime) -> bool:
    close = replica.deals[deal_id]["properties"]["closedate"]
    return not _is_open(replica, deal_id) and close is not None and _when(close) < moment


def _rechecked(replica: HubSpotReplica, since: dt.datetime, now: dt.datetime) -> set[str]:
    """Live deals an incremental load reads the splits of: modified since `since`, open, or
    closed in the last 100 days (or with no close date)."""
    return {
        deal_id
        for deal_id, deal in replica.deals.items()
        if not deal["archived"]
        and (
            _when(deal["properties"]["hs_lastmodifieddate"]) >= since
            or not _closed_before(replica, deal_id, now - RECHECK)
        )
    }


def test_a_later_load_replaces_the_splits_of_the_deals_it_reads(
    small_landing: Path, hubspot_load, tmp_path: Path
) -> None:
    first_warehouse, _, _ = hubspot_load
    warehouse = tmp_path / "warehouse"
    shutil.copytree(first_warehouse, warehouse)
    with crm_replica("hubspot-api", small_landing) as replica:
        newest = max(_when(d["properties"]["hs_lastmodifieddate"]) for d in replica.deals.values())
        now = dt.datetime.now(dt.UTC)
        split = sorted(i for i, d in replica.deals.items() if replica.splits.get(i))
        old = [i for i in split if _closed_before(replica, i, now - 2 * RECHECK)]
        changed, emptied, untouched = old[:3]
        later = newest + dt.timedelta(hours=1)
        owner = replica.deals[changed]["properties"]["hubspot_owner_id"]
        other = next(o["id"] for o in replica.owners if o["id"] != owner and not o["archived"])
        for deal_id in (changed, emptied):
            replica.update_deal(deal_id, later, amount="900.00")
        replica.set_splits(changed, later, [(owner, Decimal("0.75")), (other, Decimal("0.25"))])
        replica.set_splits(emptied, later, [])
        before = _splits(warehouse, [untouched])
        load_system("hubspot", small_landing, warehouse, connection="api")
        assert before == {untouched: _served(replica, untouched)}
        # read again: the changed deals, open deals and deals closed in the last 100 days;
        # the untouched deal closed long ago and is not read
        asked = {deal_id for batch in replica.split_reads for deal_id in batch}
        assert asked == _rechecked(replica, newest - OVERLAP, now)
        assert {changed, emptied} <= asked and untouched not in asked
        assert len(asked) < sum(1 for d in replica.deals.values() if not d["archived"])
        assert _splits(warehouse, [changed, emptied, untouched]) == {
            changed: {(owner, 0.75), (other, 0.25)},
            emptied: set(),
            untouched: _served(replica, untouched),
        }
    total = sum(len(s) for d, s in replica.splits.items() if not replica.deals[d]["archived"])
    assert _query(warehouse, "select count(*) from raw_hubspot.deal_splits") == [(total,)]


def test_a_split_edit_that_leaves_the_deal_alone_arrives_while_the_deal_matters(
    small_landing: Path, hubspot_load, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HubSpot documents no rule that a split edit moves hs_lastmodifieddate: the next load
    still reads it for an open deal; for a deal closed before the recheck window it waits for
    the deal's next change, or for a wider window."""
    first_warehouse, _, _ = hubspot_load
    warehouse = tmp_path / "warehouse"
    shutil.copytree(first_warehouse, warehouse)
    with crm_replica("hubspot-api", small_landing) as replica:
        now = dt.datetime.now(dt.UTC)
        split = sorted(i for i, d in replica.deals.items() if replica.splits.get(i))
        open_deal = next(i for i in split if _is_open(replica, i))
        old_deal = next(i for i in split if _closed_before(replica, i, now - 2 * RECHECK))
        stamp = {i: replica.deals[i]["properties"]["hs_lastmodifieddate"] for i in split}
        edited = {}
        for deal_id in (open_deal, old_deal):
            owner = replica.deals[deal_id]["properties"]["hubspot_owner_id"]
            other = next(o["id"] for o in replica.owners if o["id"] != owner and not o["archived"])
            edited[deal_id] = {(owner, 0.6), (other, 0.4)}
            replica.set_splits(deal_id, now, [(owner, Decimal("0.6")), (other, Decimal("0.4"))])
        old_before = _splits(warehouse, [old_deal])[old_deal]
        load_system("hubspot", small_landing, warehouse, connection="api")
        assert {i: replica.deals[i]["properties"]["hs_lastmodifieddate"] for i in split} == stamp
        assert _splits(warehouse, [open_deal, old_deal]) == {
            open_deal: edited[open_deal],
            old_deal: old_before,
        }
        monkeypatch.setenv("SOURCES__HUBSPOT_API__SPLITS_RECHECK_DAYS", "100000")
        load_system("hubspot", small_landing, warehouse, connection="api")
        assert _splits(warehouse, [old_deal]) == {old_deal: edited[old_deal]}


def test_a_recheck_window_that_is_not_a_number_of_days_fails_naming_the_setting(
    small_landing: Path, hubspot_load, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCES__HUBSPOT_API__SPLITS_RECHECK_DAYS", "a quarter")
    with pytest.raises(ValueError, match=r"splits_recheck_days = 'a quarter': expected a whole"):
        hubspot_api_source()


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (403, "HTTP 403 MISSING_SCOPES: This app hasn't been granted all required scopes"),
        (404, "HTTP 404 OBJECT_NOT_FOUND: Deal splits are not enabled for this portal"),
    ],
)
def test_a_portal_without_deal_splits_loads_without_them(
    small_landing: Path, tmp_path: Path, status: int, said: str
) -> None:
    warehouse = tmp_path / "warehouse"
    with crm_replica("hubspot-api", small_landing, splits_unavailable=status) as replica:
        result = load_system("hubspot", small_landing, warehouse, connection="api")
    assert result["deals"] == len(replica.deals) and result["deal_splits"] == 0
    (note,) = result.warnings["deal_splits"]
    assert note.startswith(f"deal splits are not available in this portal ({said}")
    assert note.endswith("): every deal credits 100% to its owner")
    assert _query(warehouse, "select count(*) from raw_hubspot.deal_splits") == [(0,)]


def test_splits_turned_off_empty_the_table_and_turned_on_are_read_for_every_deal(
    small_landing: Path, hubspot_load, tmp_path: Path
) -> None:
    first_warehouse, first_replica, _ = hubspot_load
    warehouse = tmp_path / "warehouse"
    shutil.copytree(first_warehouse, warehouse)
    newest = max(
        _when(d["properties"]["hs_lastmodifieddate"]) for d in first_replica.deals.values()
    )
    deal_id = sorted(i for i, d in first_replica.deals.items() if not d["archived"])[0]
    with crm_replica("hubspot-api", small_landing, splits_unavailable=403) as replica:
        replica.update_deal(deal_id, newest + dt.timedelta(hours=1), amount="901.00")
        result = load_system("hubspot", small_landing, warehouse, connection="api")
    assert "deal_splits" in result.warnings
    assert _query(warehouse, "select count(*) from raw_hubspot.deal_splits") == [(0,)]
    with crm_replica("hubspot-api", small_landing) as replica:
        replica.update_deal(deal_id, newest + dt.timedelta(hours=2), amount="902.00")
        result = load_system("hubspot", small_landing, warehouse, connection="api")
    live = sorted(i for i, d in replica.deals.items() if not d["archived"])
    assert sorted(i for batch in replica.split_reads for i in batch) == live
    total = sum(len(s) for d, s in replica.splits.items() if not replica.deals[d]["archived"])
    assert result["deal_splits"] == total and not result.warnings
    assert _query(warehouse, "select count(*) from raw_hubspot.deal_splits") == [(total,)]


def test_a_rate_limited_splits_read_is_retried(small_landing: Path, tmp_path: Path) -> None:
    probe = HubSpotReplica(small_landing)
    live = sum(1 for d in probe.deals.values() if not d["archived"])
    archived = len(probe.deals) - live
    # the deal listings (live, then archived) come first, then the first splits batch read
    first_splits_read = max(1, math.ceil(live / 100)) + max(1, math.ceil(archived / 100)) + 1
    replica = HubSpotReplica(small_landing, faults={first_splits_read: "429"}, retry_after=2)
    sleeps: list[float] = []
    with ReplicaServer(replica) as server:
        config = HubSpotConfig(access_token=replica.access_token, base_url=server.url)
        source = hubspot_api_source(config, sleep=sleeps.append).with_resources(
            "deals", "deal_splits"
        )
        make_pipeline("hubspot", tmp_path / "wh").run(source)
    assert len(sleeps) == 1 and 2 <= sleeps[0] <= 3
    assert len(replica.split_reads) == math.ceil(live / 100)
    total = sum(len(s) for d, s in replica.splits.items() if not replica.deals[d]["archived"])
    assert _query(tmp_path / "wh", "select count(*) from raw_hubspot.deal_splits") == [(total,)]


def _source_load(landing: Path, warehouse: Path, **options):
    replica = HubSpotReplica(landing, **options.pop("replica", {}))
    sleeps: list[float] = []
    with ReplicaServer(replica) as server:
        config = HubSpotConfig(access_token=options.pop("token", replica.access_token),
                               base_url=server.url, **options)  # fmt: skip
        source = hubspot_api_source(config, sleep=sleeps.append).with_resources("owners", "teams")
        make_pipeline("hubspot", warehouse).run(source)
    return replica, sleeps


def test_a_wrong_token_fails_naming_the_setting(small_landing: Path, tmp_path: Path) -> None:
    with pytest.raises(Exception) as excinfo:
        _source_load(small_landing, tmp_path / "wh", token="pat-wrong")
    error = excinfo.value
    while error is not None and not isinstance(error, ApiAuthError):
        error = error.__cause__ or error.__context__
    assert error is not None
    assert "HubSpot refused the private app token" in str(error)
    assert "SOURCES__HUBSPOT_API__ACCESS_TOKEN" in str(error)


def test_rate_limit_is_retried_after_the_wait_it_asks(small_landing: Path, tmp_path: Path) -> None:
    replica, sleeps = _source_load(
        small_landing, tmp_path / "wh", replica={"faults": {1: "429", 2: "503"}, "retry_after": 2}
    )
    assert len(sleeps) == 2
    assert 2 <= sleeps[0] <= 3
    assert 0 < sleeps[1] <= 2
    # archived owners (deactivated users) come from a second listing
    owners = _query(
        tmp_path / "wh", "select count(*), count(*) filter (archived) from raw_hubspot.owners"
    )
    assert owners == [(len(replica.owners), sum(o["archived"] for o in replica.owners))]
