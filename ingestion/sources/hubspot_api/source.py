"""dlt source for HubSpot CRM v3 -> dataset `raw_hubspot`.

Owners, teams, deal pipelines and stages, deals and the property history of each deal's
stage, amount and close date. Records are flattened to the columns of `contract.py` and typed
by the same code as every landing file (`ingestion.convert.typed_table` on text), so a bad
value fails naming the object, record and property.

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
from ingestion.sources.hubspot_api.client import SEARCH_WINDOW, HubSpotClient
from ingestion.sources.hubspot_api.config import DEFAULT_OVERLAP_SECONDS, SECTION, HubSpotConfig
from ingestion.sources.hubspot_api.contract import (
    DEAL_PROPERTIES,
    DEAL_PROPERTY_HISTORY,
    DEAL_STAGES,
    DEALS,
    HISTORY_PROPERTIES,
    OWNERS,
    TEAMS,
    HubSpotTable,
)
from ingestion.tables import dlt_columns, for_dlt

CURSOR = "hs_lastmodifieddate"
HISTORY_BATCH = 50  # batch read with propertiesWithHistory takes at most 50 ids


def typed_rows(rows: Sequence[dict[str, Any]], table: HubSpotTable, what: str) -> pa.Table:
    """Flattened records as the raw table's typed rows."""
    raw = pa.table(
        {
            field.header: pa.array([as_text(row.get(field.header)) for row in rows], pa.string())
            for field in table.spec.fields
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
        merge_key = None
    return {
        "name": table.table,
        "primary_key": list(table.spec.primary_key),
        "merge_key": merge_key,
        "write_disposition": disposition,
        "columns": dlt_columns(table.spec),
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
        **{name: properties.get(name) for name in DEAL_PROPERTIES},
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


def _history_id(deal_id: str, name: str, stamp: str, value: str | None) -> str:
    return hashlib.md5(f"{deal_id}|{name}|{stamp}|{value}".encode()).hexdigest()


def _history(deals: pa.Table, client: HubSpotClient) -> Iterator[pa.Table]:
    """Stage, amount and close-date history of the deals this load brought (batch reads)."""
    live = deals.filter(pc.invert(deals["archived"])) if deals.num_rows else deals
    ids = live["id"].to_pylist()
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


@dlt.source(name="hubspot", schema_contract=SCHEMA_CONTRACT)
def _hubspot_source(client: HubSpotClient, overlap_seconds: int) -> list[DltResource]:
    deals = dlt.resource(_deals, **_hints(DEALS))(
        client, modified=dlt.sources.incremental(CURSOR, lag=overlap_seconds)
    )
    history = dlt.transformer(_history, data_from=deals, **_hints(DEAL_PROPERTY_HISTORY))
    return [
        dlt.resource(_owners, **_hints(OWNERS))(client),
        dlt.resource(_teams, **_hints(TEAMS))(client),
        dlt.resource(_deal_stages, **_hints(DEAL_STAGES))(client),
        deals,
        history(client),
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
    return _hubspot_source(HubSpotClient(config, sleep=sleep), overlap)
