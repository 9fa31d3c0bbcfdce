"""dlt source for HubSpot CRM v3 -> dataset `raw_hubspot`.

Owners, teams, deal pipelines and stages, deals, the property history of each deal's stage,
amount and close date, and each deal's revenue splits (where the portal has deal splits).
Records are flattened to the columns of `contract.py` and typed by the same code as every
landing file (`ingestion.convert.typed_table` on text), so a bad value fails naming the
object, record and property.

Deals: the first load lists every deal (`GET /crm/v3/objects/deals`, `after` pages); later
loads ask the search endpoint for deals with `hs_lastmodifieddate` at or after the last
load's newest, less an overlap window. Archived deals (`archived=true` listing, every load:
search never returns them) land with `archived = true`, the soft delete staging drops.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from dlt.extract.resource import DltResource
from dlt.extract.source import DltSource

from ingestion import notes
from ingestion.api_config import config_value
from ingestion.api_values import as_text
from ingestion.convert import typed_table
from ingestion.dedup import keep_latest
from ingestion.schema_contract import SCHEMA_CONTRACT
from ingestion.sources.hubspot_api.client import SEARCH_WINDOW, FeatureUnavailable, HubSpotClient
from ingestion.sources.hubspot_api.config import (
    DEFAULT_OVERLAP_SECONDS,
    SECTION,
    HubSpotConfig,
    splits_recheck_days,
)
from ingestion.sources.hubspot_api.contract import (
    DEAL_PROPERTIES,
    DEAL_PROPERTY_HISTORY,
    DEAL_SPLITS,
    DEAL_STAGES,
    DEALS,
    HISTORY_PROPERTIES,
    OPTIONAL_DEAL_PROPERTIES,
    OWNERS,
    TEAMS,
    HubSpotTable,
)
from ingestion.tables import dlt_columns, for_dlt

CURSOR = "hs_lastmodifieddate"
HISTORY_BATCH = 50  # batch read with propertiesWithHistory takes at most 50 ids
SPLITS_BATCH = 100  # the deal splits batch read takes at most 100 deal ids
SPLITS_PATH = "crm/v3/objects/deals/splits/batch/read"


def typed_rows(rows: Sequence[dict[str, Any]], table: HubSpotTable, what: str) -> pa.Table:
    """Flattened records as the raw table's typed rows.

    An optional field no record carries is left out (null: the portal does not have it); one
    any record carries is empty text where a record has no value.
    """
    raw = pa.table(
        {
            field.header: pa.array([as_text(row.get(field.header)) for row in rows], pa.string())
            for field in table.spec.fields
            if not field.optional or any(field.header in row for row in rows)
        }
    )
    typed, _ = typed_table(raw, table.spec, f"HubSpot {what}", lambda index: index + 1)
    return typed


def _hints(table: HubSpotTable) -> dict[str, Any]:
    if table.disposition == "scd2":
        disposition: dict[str, object] = {"disposition": "merge", "strategy": "scd2"}
        merge_key: str | None = "id"
    else:
        disposition = {"disposition": "merge", "strategy": "delete-insert"}
        merge_key = table.merge_key
    columns = dlt_columns(table.spec)
    for column in columns:
        if column["name"] == table.hard_delete:
            column["hard_delete"] = True
    return {
        "name": table.table,
        "primary_key": list(table.spec.primary_key),
        "merge_key": merge_key,
        "write_disposition": disposition,
        "columns": columns,
    }


def _yield(rows: list[dict[str, Any]], table: HubSpotTable, what: str) -> Iterator[pa.Table]:
    if not rows:
        return
    typed = typed_rows(rows, table, what)
    version = typed.column_names if table.disposition == "scd2" else None
    yield for_dlt(typed, table.spec, scd2_version_of=version)


def _owners(client: HubSpotClient) -> Iterator[pa.Table]:
    rows = []
    for archived in ("false", "true"):
        for page in client.pages("crm/v3/owners", {"archived": archived}):
            for owner in page:
                primary = next((t for t in owner.get("teams") or [] if t.get("primary")), None)
                rows.append({**owner, "primaryTeamId": primary and primary.get("id")})
    yield from _yield(rows, OWNERS, "owner")


def _teams(client: HubSpotClient) -> Iterator[pa.Table]:
    rows = [team for page in client.pages("settings/v3/users/teams") for team in page]
    yield from _yield(rows, TEAMS, "team")


def _deal_stages(client: HubSpotClient) -> Iterator[pa.Table]:
    rows = []
    for page in client.pages("crm/v3/pipelines/deals"):
        for pipeline in page:
            for stage in pipeline.get("stages") or []:
                metadata = stage.get("metadata") or {}
                rows.append(
                    {
                        "stageId": stage.get("id"),
                        "pipelineId": pipeline.get("id"),
                        "pipelineLabel": pipeline.get("label"),
                        "pipelineDisplayOrder": pipeline.get("displayOrder"),
                        "label": stage.get("label"),
                        "displayOrder": stage.get("displayOrder"),
                        "isClosed": metadata.get("isClosed"),
                        "probability": metadata.get("probability"),
                        "archived": stage.get("archived", False),
                    }
                )
    yield from _yield(rows, DEAL_STAGES, "deal stage")


def _deal_row(deal: dict[str, Any]) -> dict[str, Any]:
    """A deal flattened to its raw columns. For an archived deal the cursor is the later of
    its last modification and its archiving, so a deal archived since the last load passes
    the cursor even when archiving did not touch hs_lastmodifieddate."""
    properties = deal.get("properties") or {}
    modified = properties.get(CURSOR) or deal.get("updatedAt")
    archived_at = deal.get("archivedAt")
    if archived_at and (modified is None or _instant(archived_at) > _instant(modified)):
        modified = archived_at
    return {
        **{
            name: properties.get(name)
            for name in DEAL_PROPERTIES
            if name in properties or name not in OPTIONAL_DEAL_PROPERTIES
        },
        "id": deal.get("id"),
        CURSOR: modified,
        "archived": bool(deal.get("archived", False)),
        "archivedAt": archived_at,
    }


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _modified_since(client: HubSpotClient, since: dt.datetime) -> Iterator[list[Any]]:
    """Deals modified at or after `since`, in windows of at most 10,000 search results."""
    bound = since
    while True:
        seen = 0
        newest = bound
        body = {
            "filterGroups": [
                {
                    "filters": [
                        {
                            "propertyName": CURSOR,
                            "operator": "GTE",
                            "value": str(int(bound.timestamp() * 1000)),
                        }
                    ]
                }
            ],
            "sorts": [{"propertyName": CURSOR, "direction": "ASCENDING"}],
            "properties": list(DEAL_PROPERTIES),
        }
        for page in client.search("crm/v3/objects/deals/search", body):
            seen += len(page)
            for deal in page:
                stamp = (deal.get("properties") or {}).get(CURSOR)
                if stamp:
                    newest = max(newest, _instant(stamp))
            yield page
            if seen >= SEARCH_WINDOW:
                break
        if seen < SEARCH_WINDOW or newest == bound:
            return
        bound = newest  # the next window starts at the newest stamp read (repeats are merged)


def _deals(
    client: HubSpotClient,
    modified: dlt.sources.incremental[Any] = dlt.sources.incremental(CURSOR),  # noqa: B008
) -> Iterator[pa.Table]:
    since = modified.start_value
    properties = ",".join(DEAL_PROPERTIES)
    if since is None:
        pages = client.pages("crm/v3/objects/deals", {"properties": properties})
    else:
        pages = _modified_since(client, since)
    rows = [_deal_row(deal) for page in pages for deal in page]
    archived_pages = client.pages(
        "crm/v3/objects/deals", {"properties": properties, "archived": "true"}
    )
    rows += [_deal_row({**deal, "archived": True}) for page in archived_pages for deal in page]
    if not rows:
        return
    typed = typed_rows(rows, DEALS, "deal")
    typed, repeated = keep_latest(typed, "id", CURSOR)
    notes.deduplicated(DEALS.table, "HubSpot deals", repeated)
    yield for_dlt(typed, DEALS.spec, scd2_version_of=typed.column_names)


def _live_deal_ids(deals: pa.Table) -> list[str]:
    live = deals.filter(pc.invert(deals["archived"])) if deals.num_rows else deals
    return [str(deal_id) for deal_id in live["id"].to_pylist()]


def _history_id(deal_id: str, name: str, stamp: str, value: str | None) -> str:
    return hashlib.md5(f"{deal_id}|{name}|{stamp}|{value}".encode()).hexdigest()


def _history(deals: pa.Table, client: HubSpotClient) -> Iterator[pa.Table]:
    """Stage, amount and close-date history of the deals this load brought (batch reads)."""
    ids = _live_deal_ids(deals)
    rows = []
    for start in range(0, len(ids), HISTORY_BATCH):
        body = {
            "inputs": [{"id": deal_id} for deal_id in ids[start : start + HISTORY_BATCH]],
            "properties": ["hs_object_id"],
            "propertiesWithHistory": list(HISTORY_PROPERTIES),
        }
        answer = client.post("crm/v3/objects/deals/batch/read", body)
        for deal in answer.get("results") or []:
            for name, changes in (deal.get("propertiesWithHistory") or {}).items():
                for change in changes:
                    stamp, value = change.get("timestamp"), change.get("value")
                    rows.append(
                        {
                            "id": _history_id(deal["id"], name, stamp, value),
                            "dealId": deal["id"],
                            "property": name,
                            "value": value,
                            "timestamp": stamp,
                            "sourceType": change.get("sourceType"),
                        }
                    )
    yield from _yield(rows, DEAL_PROPERTY_HISTORY, "deal property history")


def _split_row(deal_id: str, split: dict[str, Any]) -> dict[str, Any]:
    properties = split.get("properties") or {}
    return {
        "id": split.get("id"),
        "dealId": deal_id,
        "hubspot_owner_id": properties.get("hubspot_owner_id"),
        "hs_deal_split_percentage": properties.get("hs_deal_split_percentage"),
        "createdAt": split.get("createdAt"),
        "updatedAt": split.get("updatedAt"),
        "dealSplitsRemoved": False,
    }


def _cleared(deal_id: str) -> dict[str, Any]:
    """The row that says a deal has no splits now: it deletes the deal's stored split rows
    (merge key `deal_id`) and, being a hard delete, is not stored itself."""
    return {"id": f"{deal_id}:no-splits", "dealId": deal_id, "dealSplitsRemoved": True}


def _splits_of(client: HubSpotClient, ids: list[str], *, clear: bool) -> list[dict[str, Any]]:
    """Split rows of `ids`, 100 deals a batch read; with `clear`, a clearing row for each
    deal that has none (HubSpot lists such a deal with no splits, or not at all)."""
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), SPLITS_BATCH):
        batch = ids[start : start + SPLITS_BATCH]
        body = {"inputs": [{"id": deal_id} for deal_id in batch]}
        answer = client.post(SPLITS_PATH, body, optional_feature=True)
        with_splits: set[str] = set()
        for result in answer.get("results") or []:
            deal_id = str(result.get("id"))
            for split in result.get("splits") or []:
                if split.get("archived"):
                    continue
                rows.append(_split_row(deal_id, split))
                with_splits.add(deal_id)
        if clear:
            rows += [_cleared(deal_id) for deal_id in batch if deal_id not in with_splits]
    return rows


def _closed_stages(client: HubSpotClient) -> set[tuple[str, str]]:
    """(pipeline id, stage id) of every closed stage, won or lost, of the portal's pipelines."""
    return {
        (str(pipeline.get("id")), str(stage.get("id")))
        for page in client.pages("crm/v3/pipelines/deals")
        for pipeline in page
        for stage in pipeline.get("stages") or []
        if str((stage.get("metadata") or {}).get("isClosed")).lower() == "true"
    }


@dataclass(frozen=True)
class _SplitWindow:
    """Which live deals an incremental load reads the splits of."""

    modified_since: dt.datetime  # deals modified since the last read, less the overlap
    closed_since: dt.datetime | None  # closed deals closed since; open deals always (None: off)
    closed_stages: frozenset[tuple[str, str]]

    def takes(self, properties: dict[str, Any]) -> bool:
        modified = properties.get(CURSOR)
        if not modified or _instant(modified) >= self.modified_since:
            return True
        if self.closed_since is None:
            return False
        stage = (str(properties.get("pipeline")), str(properties.get("dealstage")))
        close = properties.get("closedate")
        return stage not in self.closed_stages or not close or _instant(close) >= self.closed_since


SPLIT_LISTING = ",".join(("pipeline", "dealstage", "closedate", CURSOR))


def _deal_splits(client: HubSpotClient, overlap_seconds: int, recheck_days: int) -> Iterator[Any]:
    """Revenue splits (Deal Splits API, Sales Hub Enterprise), read for the live deals of one
    listing (four properties a deal, no search and so no 10,000-result window).

    Until one load has read the splits of every live deal (the first load, or the first since
    the portal has splits), the load reads them all. After that it reads those of the deals
    modified since the last read (less the overlap), of every open deal and of every deal
    closed in the last `recheck_days` days: HubSpot documents no rule that a split edit moves
    the deal's `hs_lastmodifieddate`, so the cursor alone could miss one. Each deal read gets
    its whole split set replaced. A portal without deal splits (403 or 404) loads none: the
    table is emptied, a note says so, and every deal credits 100% to its owner.
    """
    state = dlt.current.resource_state()
    complete = bool(state.get("every_deal_read"))
    listing = [
        deal
        for page in client.pages("crm/v3/objects/deals", {"properties": SPLIT_LISTING})
        for deal in page
    ]
    stamps = [
        _instant(stamp) for deal in listing if (stamp := (deal.get("properties") or {}).get(CURSOR))
    ]
    read_through = max(stamps, default=None)
    if complete and state.get("read_through"):
        now = dt.datetime.now(dt.UTC)
        window = _SplitWindow(
            modified_since=_instant(state["read_through"]) - dt.timedelta(seconds=overlap_seconds),
            closed_since=now - dt.timedelta(days=recheck_days) if recheck_days else None,
            closed_stages=frozenset(_closed_stages(client) if recheck_days else ()),
        )
        listing = [deal for deal in listing if window.takes(deal.get("properties") or {})]
    ids = [str(deal["id"]) for deal in listing]
    try:
        rows = _splits_of(client, ids, clear=complete)
    except FeatureUnavailable as exc:
        notes.warning(
            DEAL_SPLITS.table,
            f"deal splits are not available in this portal (HTTP {exc.status} {exc.category}:"
            f" {exc.said}): every deal credits 100% to its owner",
        )
        state["every_deal_read"] = False
        # an emptied table: splits loaded while the portal had them no longer hold
        # (hard deletes are a merge hint: off for this replace, on again at the next merge)
        emptied = dlt.mark.make_hints(
            write_disposition="replace",
            columns=[{"name": DEAL_SPLITS.hard_delete, "hard_delete": False}],
        )
        yield dlt.mark.with_hints(dlt.mark.materialize_table_schema(), emptied)
        return
    state["every_deal_read"] = True
    known = state.get("read_through")
    if read_through is not None and (known is None or read_through > _instant(known)):
        state["read_through"] = read_through.isoformat()
    if rows:
        yield from _yield(rows, DEAL_SPLITS, "deal split")
    else:
        yield dlt.mark.materialize_table_schema()


@dlt.source(name="hubspot", schema_contract=SCHEMA_CONTRACT)
def _hubspot_source(
    client: HubSpotClient, overlap_seconds: int, recheck_days: int
) -> list[DltResource]:
    deals = dlt.resource(_deals, **_hints(DEALS))(
        client, modified=dlt.sources.incremental(CURSOR, lag=overlap_seconds)
    )
    history = dlt.transformer(_history, data_from=deals, **_hints(DEAL_PROPERTY_HISTORY))
    splits = dlt.resource(_deal_splits, **_hints(DEAL_SPLITS))
    return [
        dlt.resource(_owners, **_hints(OWNERS))(client),
        dlt.resource(_teams, **_hints(TEAMS))(client),
        dlt.resource(_deal_stages, **_hints(DEAL_STAGES))(client),
        deals,
        history(client),
        splits(client, overlap_seconds, recheck_days),
    ]


def hubspot_api_source(
    config: HubSpotConfig | None = None, *, sleep: Callable[[float], None] = time.sleep
) -> DltSource:
    """Every HubSpot table of `raw_hubspot`; settings from `[sources.hubspot_api]` by default.

    Nothing is requested until the source is extracted.
    """
    overlap = (
        config.overlap_seconds
        if config is not None
        else int(config_value(SECTION, "overlap_seconds", DEFAULT_OVERLAP_SECONDS))
    )
    recheck = config.splits_recheck_days if config is not None else splits_recheck_days()
    return _hubspot_source(HubSpotClient(config, sleep=sleep), overlap, recheck)
