"""dlt source for the CRM (Salesforce Data Export files) -> dataset `raw_crm`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from ingestion import notes
from ingestion.dedup import keep_latest
from ingestion.landing import changed, landing_file, optional_landing_file
from ingestion.records import csv_records
from ingestion.schema_contract import SCHEMA_CONTRACT
from ingestion.sources.crm.contract import OBJECTS, CrmObject
from ingestion.tables import dlt_columns, for_dlt

CURSOR = "system_modstamp"


def _rows(landing_dir: Path, obj: CrmObject) -> Iterator[pa.Table]:
    """The object's export, typed and with one row per Id, if the file changed.

    An optional object's absent or header-only file yields nothing: its raw table is created
    empty after the load (`ingestion.raw_tables`).
    """
    if obj.required:
        files = [landing_file(landing_dir, obj.file)]
    else:
        files = optional_landing_file(landing_dir, obj.file)
    for file in changed(files):
        table = csv_records(file, obj.spec, unique=False, rows_required=obj.required)
        if table.num_rows == 0:
            continue
        table, repeated = keep_latest(table, "id", CURSOR)
        notes.deduplicated(obj.table, file.relative, repeated)
        version = table.column_names if obj.disposition == "scd2" else None
        yield for_dlt(table, obj.spec, scd2_version_of=version)


def write_hints(obj: CrmObject) -> dict[str, Any]:
    """How an object's raw table is written: name, keys, disposition, typed columns.

    scd2 objects use `merge_key="id"`: a load retires the current version of exactly the ids
    it carries. An id the load does not carry (unchanged, so filtered out by the
    SystemModstamp cursor) keeps its current version, where dlt's scd2 default would retire
    every row absent from the load. The Salesforce API source writes with the same hints.
    """
    if obj.disposition == "scd2":
        write_disposition: dict[str, object] = {"disposition": "merge", "strategy": "scd2"}
        merge_key: str | None = "id"
    else:
        write_disposition = {
            "disposition": "merge",
            "strategy": "delete-insert",
            # one row per id is guaranteed by `keep_latest`, so dlt skips its own dedup pass
            "deduplicated": True,
        }
        merge_key = None
    return {
        "name": obj.table,
        "primary_key": "id",
        "merge_key": merge_key,
        "write_disposition": write_disposition,
        "columns": dlt_columns(obj.spec),
    }


def crm_resource(landing_dir: Path, obj: CrmObject) -> DltResource:
    """One resource per object, named after its raw table, incremental on SystemModstamp."""
    resource = dlt.resource(_rows, **write_hints(obj), incremental=dlt.sources.incremental(CURSOR))
    return resource(Path(landing_dir), obj)


@dlt.source(name="crm", schema_contract=SCHEMA_CONTRACT)
def crm_source(landing_dir: str | Path) -> list[DltResource]:
    """The CRM objects of `<landing_dir>/crm/`, one resource (raw table) per object."""
    return [crm_resource(Path(landing_dir), obj) for obj in OBJECTS]
