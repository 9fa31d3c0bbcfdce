"""dlt source for the CRM through the Salesforce REST API -> dataset `raw_crm`.

The raw tables are the ones the export-file source writes (`ingestion.sources.crm`): the same
objects (`OBJECTS` of its contract), table and column names, types, write dispositions
(scd2 where the file source uses scd2) and keys. The records are turned into the same typed
Arrow tables by the same code as the CSV files (`ingestion.convert.typed_table` on text
columns, then `ingestion.tables.for_dlt`), so staging cannot tell which path loaded them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource
from dlt.extract.source import DltSource

from ingestion import notes
from ingestion.api_config import config_value
from ingestion.api_session import ApiConfigError
from ingestion.api_values import as_text
from ingestion.convert import typed_table
from ingestion.dedup import keep_latest
from ingestion.schema_contract import SCHEMA_CONTRACT
from ingestion.sources.crm.contract import OBJECTS, CrmObject
from ingestion.sources.crm.source import CURSOR, write_hints
from ingestion.sources.salesforce_api.client import (
    SalesforceClient,
    SalesforceFieldUnavailable,
    SalesforceObjectUnavailable,
)
from ingestion.sources.salesforce_api.config import (
    DEFAULT_OVERLAP_SECONDS,
    SECTION,
    SalesforceConfig,
)
from ingestion.tables import for_dlt

MODSTAMP = "SystemModstamp"


def soql(obj: CrmObject, excluded: set[str], since: dt.datetime | None) -> str:
    """`SELECT <contract fields> FROM <object> [WHERE SystemModstamp >= since]`."""
    fields = [f.header for f in obj.spec.fields if f.header not in excluded]
    query = f"SELECT {', '.join(fields)} FROM {obj.object_name}"
    if since is not None:
        moment = since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        query += f" WHERE {MODSTAMP} >= {moment}"
    return query


def _record_number(index: int) -> int:
    return index + 1


def typed_records(
    records: Sequence[dict[str, Any]], obj: CrmObject, excluded: set[str]
) -> pa.Table:
    """Records of one object as its raw table's typed rows (excluded fields: empty).

    An excluded optional field is left out, as from an export without the column: null,
    unknown. A queried one is empty text where the record has no value.
    """
    columns: dict[str, pa.Array] = {}
    for field in obj.spec.fields:
        if field.header in excluded and field.optional:
            continue
        if field.header in excluded:
            columns[field.header] = pa.nulls(len(records), pa.string())
        else:
            columns[field.header] = pa.array(
                [as_text(record.get(field.header)) for record in records], pa.string()
            )
    raw = pa.table(columns)
    table, _ = typed_table(raw, obj.spec, f"Salesforce API {obj.object_name}", _record_number)
    return table


def _check_excluded(obj: CrmObject, excluded: set[str]) -> None:
    for field in obj.spec.fields:
        if field.header in excluded and not field.nullable:
            raise ApiConfigError(
                f"sources.salesforce_api.exclude_fields names {obj.object_name}.{field.header},"
                " which the warehouse needs (a key or the SystemModstamp cursor): remove it"
            )


def _rows(
    client: SalesforceClient,
    obj: CrmObject,
    modstamp: dlt.sources.incremental[Any] = dlt.sources.incremental(CURSOR),  # noqa: B008
) -> Iterator[pa.Table]:
    """The object's records modified since the last load (less the overlap window)."""
    excluded = client.config.excluded(obj.object_name)
    _check_excluded(obj, excluded)
    since = modstamp.start_value
    include_deleted = "IsDeleted" in {f.header for f in obj.spec.fields}
    state = dlt.current.resource_state()
    try:
        records, excluded = _query_records(client, obj, excluded, since, include_deleted)
    except SalesforceObjectUnavailable as exc:
        # An optional object the org does not have (Opportunity Splits not enabled, no
        # products) is what an absent optional export file is: the load goes on without it.
        # A required one, or one this org gave before (a revoked permission), stays an error.
        if obj.required or state.get("loaded_before"):
            raise
        notes.warning(
            obj.table,
            f"Salesforce {obj.object_name} is not available in this org or to the integration "
            f"user ({exc}); loaded without it, as if its export file were absent",
        )
        return
    if not records:
        return
    state["loaded_before"] = True
    table = typed_records(records, obj, excluded)
    table, repeated = keep_latest(table, "id", CURSOR)
    notes.deduplicated(obj.table, f"Salesforce API {obj.object_name}", repeated)
    version = table.column_names if obj.disposition == "scd2" else None
    yield for_dlt(table, obj.spec, scd2_version_of=version)


def _query_records(
    client: SalesforceClient,
    obj: CrmObject,
    excluded: set[str],
    since: dt.datetime | None,
    include_deleted: bool,
) -> tuple[list[dict[str, Any]], set[str]]:
    """The object's records, and the fields left out of the query.

    An optional field the org does not have or hides (INVALID_FIELD: an org without
    Opportunity.NextStep on the integration user's layout) is dropped from the query and
    loaded as unknown, with a warning; any other refused field stays an error.
    """
    optional = {f.header for f in obj.spec.fields if f.optional}
    while True:
        records: list[dict[str, Any]] = []
        try:
            query = soql(obj, excluded, since)
            for page in client.query(obj.object_name, query, include_deleted=include_deleted):
                records.extend(page)
        except SalesforceFieldUnavailable as exc:
            if exc.field_name not in optional or exc.field_name in excluded:
                raise
            notes.warning(
                obj.table,
                f"Salesforce {obj.object_name}.{exc.field_name} is not available in this org or"
                " to the integration user; loaded without it (unknown, not blank)",
            )
            excluded = {*excluded, exc.field_name}
            continue
        return records, excluded


def salesforce_resource(
    client: SalesforceClient, obj: CrmObject, overlap_seconds: int
) -> DltResource:
    """One resource per object, named and written exactly as the file source's."""
    resource = dlt.resource(_rows, **write_hints(obj))
    return resource(client, obj, modstamp=dlt.sources.incremental(CURSOR, lag=overlap_seconds))


@dlt.source(name="crm", schema_contract=SCHEMA_CONTRACT)
def _salesforce_source(client: SalesforceClient, overlap_seconds: int) -> list[DltResource]:
    return [salesforce_resource(client, obj, overlap_seconds) for obj in OBJECTS]


def salesforce_api_source(
    config: SalesforceConfig | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> DltSource:
    """Every object of the CRM landing contract, read through the org's REST API.

    Without `config`, the settings come from `[sources.salesforce_api]` of dlt's config and
    secrets (see README.md). Nothing is requested until the source is extracted.
    """
    client = SalesforceClient(config, sleep=sleep)
    overlap = (
        config.overlap_seconds
        if config is not None
        else int(config_value(SECTION, "overlap_seconds", DEFAULT_OVERLAP_SECONDS))
    )
    return _salesforce_source(client, overlap)
