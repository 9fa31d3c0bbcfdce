"""dlt source for any CRM's CSV export through `crm_export/mapping.yml` -> dataset `raw_crm`.

It writes the same raw tables as the Salesforce export path (`ingestion/sources/crm`), with
the same dispositions, so the CRM system is one pipeline (`spm_crm`) whichever folder holds
the data, and staging reads `raw_crm` unchanged.

Incremental by file content: the export (mapping, deals file, people file) is read when the
SHA-256 of its files differs from the last successful load, and not at all otherwise, so
loading the same export twice changes nothing. A re-export replaces the rows it carries: the
merge on `id` replaces accounts, products, stages and roles; `user` and `opportunity` are scd2
tables whose row version leaves out `system_modstamp`, so a deal re-sent unchanged is not a
new version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource
from dlt.extract.source import DltSource

from ingestion import notes
from ingestion.errors import LandingFileError
from ingestion.landing import LandingFile, changed
from ingestion.schema_contract import SCHEMA_CONTRACT
from ingestion.sources.crm.contract import OBJECTS
from ingestion.sources.crm.source import crm_source
from ingestion.sources.crm_export.contract import FOLDER, read_mapping
from ingestion.sources.crm_export.export import (
    FILLED_TABLES,
    REJECTS,
    ExportTables,
    build_export,
    crm_spec,
    empty_rejects,
    empty_table,
)
from ingestion.tables import dlt_columns, for_dlt

SCD2_TABLES = {obj.table for obj in OBJECTS if obj.disposition == "scd2"}
CRM_FOLDER = "crm"

_cache: dict[tuple[str, tuple[int, int]], ExportTables] = {}
_digests: dict[tuple[str, int, int], bytes] = {}


def _file_digest(path: Path) -> bytes:
    """SHA-256 of a file's content, computed once per (path, modification time, size)."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _digests:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _digests[key] = digest.digest()
    return _digests[key]


def raw_table_names() -> list[str]:
    """The raw CRM tables, as the Salesforce path has them (the export fills some of them)."""
    names = [obj.table for obj in OBJECTS]
    return names + [name for name in FILLED_TABLES if name not in names]


def _refuse_both(landing_dir: Path) -> None:
    if (landing_dir / CRM_FOLDER).is_dir() and (landing_dir / FOLDER).is_dir():
        raise LandingFileError(
            FOLDER,
            None,
            None,
            f"both crm/ and crm_export/ are in {landing_dir}; keep one: crm/ for a Salesforce"
            " Data Export, crm_export/ (with mapping.yml) for any other CRM's CSV export",
        )


def export_signature(landing_dir: Path) -> LandingFile:
    """The whole export as one landing file: its signature is a hash of every file's content.

    One signature for all files because every raw table is built from all of them (a
    changed people file moves reps between teams; a changed mapping renames stages).
    """
    mapping = read_mapping(landing_dir)
    digest = hashlib.sha256()
    size = 0
    for relative in mapping.files:
        path = landing_dir / relative
        digest.update(relative.encode("utf-8") + b"\x00" + _file_digest(path))
        size += path.stat().st_size
    signature = (int(digest.hexdigest()[:15], 16), size)
    return LandingFile(landing_dir / FOLDER, FOLDER, signature)


def _stamp(landing_dir: Path, export: LandingFile) -> dt.datetime:
    """When the export was written: the latest modification time of its files (UTC)."""
    mapping = read_mapping(landing_dir)
    latest = max((landing_dir / relative).stat().st_mtime_ns for relative in mapping.files)
    stamp = dt.datetime.fromtimestamp(latest / 1e9, tz=dt.UTC)
    return stamp.replace(microsecond=(stamp.microsecond // 1000) * 1000)


def export_tables(landing_dir: Path, export: LandingFile) -> ExportTables:
    """The export built once per content signature (every resource of a load shares it)."""
    key = (str(landing_dir), export.signature)
    if key not in _cache:
        _cache.clear()
        _cache[key] = build_export(landing_dir, _stamp(landing_dir, export))
    return _cache[key]


def _report(table: str, built: ExportTables) -> None:
    for relative in built.files:
        notes.file_read(table, relative)
    if table == "opportunity":
        notes.deduplicated(table, built.files[1], built.repeated_deal_ids)
    if table == "user" and built.unassigned_owners:
        notes.warning(
            table,
            f"{len(built.unassigned_owners)} deal owner(s) are in no team of the people file,"
            " loaded in the 'Unassigned' team: " + ", ".join(built.unassigned_owners),
        )


def _rows(landing_dir: Path, table: str) -> Iterator[pa.Table]:
    """The table's rows from the export, when the export changed since the last load."""
    _refuse_both(landing_dir)
    spec = crm_spec(table)
    for export in changed([export_signature(landing_dir)]):
        built = export_tables(landing_dir, export)
        _report(table, built)
        rows = built.tables.get(table)
        if rows is None:
            rows = empty_table(spec)
        version = None
        if table in SCD2_TABLES:
            version = [name for name in rows.column_names if name != "system_modstamp"]
        yield for_dlt(rows, spec, scd2_version_of=version)


def _export_resource(landing_dir: Path, table: str) -> DltResource:
    spec = crm_spec(table)
    if table in SCD2_TABLES:
        write_disposition: dict[str, object] = {"disposition": "merge", "strategy": "scd2"}
        merge_key: str | None = "id"
    else:
        write_disposition = {
            "disposition": "merge",
            "strategy": "delete-insert",
            "deduplicated": True,
        }
        merge_key = None
    resource = dlt.resource(
        _rows,
        name=table,
        primary_key="id",
        merge_key=merge_key,
        write_disposition=write_disposition,  # type: ignore[arg-type]
        columns=dlt_columns(spec),
    )
    return resource(landing_dir, table)


def _rejects(landing_dir: Path) -> Iterator[pa.Table]:
    """Every cell of the current export that could not be read (none without an export).

    Written in full on every load (replace): a corrected re-export must leave no stale reject.
    """
    if not (landing_dir / FOLDER).is_dir():
        yield for_dlt(empty_rejects(), REJECTS)
        return
    _refuse_both(landing_dir)
    export = export_signature(landing_dir)
    built = export_tables(landing_dir, export)
    notes.file_read(REJECTS.table, built.files[1])
    yield for_dlt(built.rejects, REJECTS)


def rejects_resource(landing_dir: str | Path) -> DltResource:
    """`raw_crm.crm_export_rejects`: always present, empty on the Salesforce path."""
    resource = dlt.resource(
        _rejects,
        name=REJECTS.table,
        write_disposition="replace",
        columns=dlt_columns(REJECTS),
    )
    return resource(Path(landing_dir))


@dlt.source(name="crm", schema_contract=SCHEMA_CONTRACT)
def crm_export_source(landing_dir: str | Path) -> list[DltResource]:
    """The CRM raw tables from `<landing_dir>/crm_export/` and its mapping."""
    landing = Path(landing_dir)
    return [_export_resource(landing, table) for table in raw_table_names()] + [
        rejects_resource(landing)
    ]


def crm_system_source(landing_dir: str | Path) -> DltSource:
    """The source of the CRM system: the mapped export when `crm_export/` exists, else crm/.

    Both have the same resources (raw tables), so the Dagster assets of the CRM are the same
    whichever folder the company lands. Nothing is read here (safe at definition time).
    """
    landing = Path(landing_dir)
    if (landing / FOLDER).is_dir():
        return crm_export_source(str(landing))
    source = crm_source(str(landing))
    source.resources.add(rejects_resource(landing))
    return source
