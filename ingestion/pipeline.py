"""Load the landing files of each source system into the work warehouse, with or without Dagster.

The public names here are what the orchestration builds on: `make_source` and
`make_pipeline` for the dagster-dlt assets, `load_system` and `load_all` for the CLI and the
tests. Every pipeline writes to `<warehouse_dir>/work.duckdb`, dataset `raw_<system>`, and
keeps its dlt working folder in `<warehouse_dir>/dlt_pipelines`, so two warehouses (two test
runs) never share state.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import dlt
import duckdb
from dlt.common.pipeline import LoadInfo
from dlt.common.schema.exceptions import DataValidationError
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials
from dlt.extract.source import DltSource

from ingestion import notes
from ingestion.disk_space import DiskFullError, is_disk_full
from ingestion.duckdb_resources import duckdb_config
from ingestion.errors import IngestionError, LandingFileError, SchemaChangeError
from ingestion.file_modes import make_private_dir, private_umask
from ingestion.presence import absent_reason, system_to_load
from ingestion.raw_tables import create_missing_raw_tables
from ingestion.warehouse_files import dlt_pipelines_path, work_db_path

log = logging.getLogger(__name__)

SYSTEMS: tuple[str, ...] = (
    "crm",
    "sales_analytics",
    "revenue_intelligence",
    "compensation",
    "finance",
)

_SOURCE_FUNCTIONS: dict[str, str] = {
    "crm": "ingestion.sources.crm_export:crm_system_source",
    "sales_analytics": "ingestion.sources.sales_analytics:sales_analytics_source",
    "revenue_intelligence": "ingestion.sources.revenue_intelligence:revenue_intelligence_source",
    "compensation": "ingestion.sources.compensation:compensation_source",
    "finance": "ingestion.sources.finance:finance_source",
}

# The CRM may be read through an API instead of export files. Each API source is a
# zero-argument factory that reads its settings from dlt's config and secrets when extracted.
# Salesforce lands in `raw_crm` exactly as the export files do; HubSpot has its own shape and
# lands in `raw_hubspot` (its staging models map it onto the stg_crm__ models).
CONNECTIONS: tuple[str, ...] = ("files", "api")
API_SYSTEMS: tuple[str, ...] = ("hubspot",)
_API_SOURCE_FUNCTIONS: dict[str, str] = {
    "crm": "ingestion.sources.salesforce_api:salesforce_api_source",
    "hubspot": "ingestion.sources.hubspot_api:hubspot_api_source",
}


def crm_system(crm: str) -> str:
    """The system (raw dataset `raw_<system>`) a CRM lands in: HubSpot its own, else `crm`."""
    return "hubspot" if crm == "hubspot" else "crm"


def ingest_systems(crm: str = "salesforce") -> tuple[str, ...]:
    """The systems a run loads: `SYSTEMS`, with the CRM's own system in place of `crm`."""
    return tuple(crm_system(crm) if system == "crm" else system for system in SYSTEMS)


def _check_system(system: str) -> None:
    if system not in SYSTEMS and system not in API_SYSTEMS:
        known = ", ".join((*SYSTEMS, *API_SYSTEMS))
        raise ValueError(f"unknown source system {system!r}; expected one of {known}")


def _configure_dlt() -> None:
    """dlt settings every pipeline here relies on (set in dlt's in-memory config).

    The Arrow path gets `_dlt_load_id` from dlt (constant per load, added while extracting);
    `_dlt_id` is added by the sources themselves (`ingestion.tables.for_dlt`), so dlt need not
    rewrite the Parquet files to add it.
    """
    dlt.config["normalize.parquet_normalizer.add_dlt_load_id"] = True
    dlt.config["normalize.parquet_normalizer.add_dlt_id"] = False
    # several row groups per Parquet file let DuckDB insert a file with all cores
    dlt.config["data_writer.row_group_size"] = 100_000
    # merge loads go through `raw_<system>_staging`; empty it afterwards so the warehouse
    # does not keep a second copy of the last load
    dlt.config["load.truncate_staging_dataset"] = True


def make_pipeline(
    system: str,
    warehouse_dir: Path,
    memory_limit: str | None = None,
    threads: int | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> dlt.Pipeline:
    """The dlt pipeline of one system: `spm_<system>` -> duckdb `work.duckdb`, `raw_<system>`.

    Its DuckDB connections get the warehouse's memory limit (`memory_limit`, by default the
    setting `SPM_DUCKDB_MEMORY_LIMIT`), spill folder and threads (`threads`, by default the
    setting `SPM_DUCKDB_THREADS`) (`ingestion.duckdb_resources`). With `connection` (see
    `writer_connection`), dlt writes through that open connection and never closes it.
    """
    _check_system(system)
    _configure_dlt()
    warehouse_dir = Path(warehouse_dir)
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    # dlt keeps every loaded package (raw compensation included) under pipelines_dir
    make_private_dir(dlt_pipelines_path(warehouse_dir))
    if connection is None:
        credentials = DuckDbCredentials(
            str(work_db_path(warehouse_dir)),
            global_config=duckdb_config(warehouse_dir, memory_limit, threads),
        )
    else:
        credentials = DuckDbCredentials(connection)
    return dlt.pipeline(
        pipeline_name=f"spm_{system}",
        destination=dlt.destinations.duckdb(credentials),
        dataset_name=f"raw_{system}",
        pipelines_dir=str(dlt_pipelines_path(warehouse_dir)),
    )


@contextmanager
def writer_connection(
    warehouse_dir: Path, memory_limit: str | None = None, threads: int | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """One connection to the work warehouse for a whole load (`make_pipeline(connection=)`).

    Given only the file, dlt opens a connection for each step and load job and closes it
    after, and every close checkpoints the file: a small company's five loads took 5.0 s that
    way against 4.1 s through one connection. The connection gets the warehouse's memory
    limit, spill folder and threads when it opens, as dlt's did, and creates the file
    owner-only like everything a load writes. Leave the block before anything else in this
    process opens the file with other settings (DuckDB refuses a second configuration).
    """
    warehouse_dir = Path(warehouse_dir)
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    config = duckdb_config(warehouse_dir, memory_limit, threads)
    with private_umask():
        connection = duckdb.connect(str(work_db_path(warehouse_dir)), config=config)
    try:
        yield connection
    finally:
        connection.close()


def make_source(system: str, landing_dir: Path, connection: str = "files") -> DltSource:
    """The `@dlt.source` of one system, reading `<landing_dir>/<system>/`.

    `connection="api"` reads the CRM through its API (`crm`: Salesforce REST, `hubspot`:
    HubSpot CRM v3) instead of landing files. Nothing is read or requested until the source
    is extracted, so this is safe at Dagster definition time.
    """
    _check_system(system)
    if connection not in CONNECTIONS:
        raise ValueError(f"unknown connection {connection!r}; expected files or api")
    if connection == "api" or system in API_SYSTEMS:
        if system not in _API_SOURCE_FUNCTIONS:
            raise ValueError(f"the {system} system has no API source; it is read from files")
        module_name, function_name = _API_SOURCE_FUNCTIONS[system].split(":")
        api_source: Callable[[], DltSource] = getattr(
            importlib.import_module(module_name), function_name
        )
        return api_source()
    module_name, function_name = _SOURCE_FUNCTIONS[system].split(":")
    source_function: Callable[[str], DltSource] = getattr(
        importlib.import_module(module_name), function_name
    )
    return source_function(str(Path(landing_dir)))


class LoadResult(dict[str, int]):
    """Rows loaded per raw table (0 for tables with nothing new), plus what the load noticed.

    A `dict[str, int]` so callers can print or sum it; the attributes carry the rest:
    `new_columns` (columns not in the landing contract, per table), `deduplicated` (ids a CRM
    export repeated, per table: the latest row was kept), `files_read` (per table),
    `warnings` (per table: what the load did on the user's behalf, such as deal owners put in
    an Unassigned team), dlt's `load_info`, `skipped` (why, when the system is absent) and
    `created_empty` (raw tables created with no row because their system or file never
    landed).
    """

    def __init__(
        self,
        system: str,
        rows: dict[str, int],
        collected: notes.LoadNotes,
        load_info: LoadInfo | None,
        *,
        skipped: str | None = None,
        created_empty: list[str] | None = None,
    ) -> None:
        super().__init__(rows)
        self.system = system
        self.new_columns = collected.new_columns
        self.deduplicated = collected.deduplicated
        self.files_read = collected.files_read
        self.warnings = collected.warnings
        self.conflicts = collected.conflicts
        self.load_info = load_info
        self.skipped = skipped
        self.created_empty = list(created_empty or [])


def _find_cause(exc: BaseException) -> BaseException | None:
    """The error that explains a failed dlt run, deep in dlt's chain of wrappers."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    found: BaseException | None = None
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, IngestionError):
            return current
        if isinstance(current, DataValidationError) and found is None:
            found = current
        stack.extend([current.__cause__, current.__context__])
        stack.extend(getattr(current, "exceptions", []) or [])
    return found


def _schema_change(error: DataValidationError) -> SchemaChangeError:
    column = error.column_name or "?"
    known = (error.table_schema or {}).get("columns", {}).get(column, {})
    known_type = known.get("data_type", "another type")
    return SchemaChangeError(
        error.table_name or "?",
        column,
        f"the raw table holds it as {known_type} and this load brings another type; a known"
        " column may not change type: fix the file, or migrate the raw table on purpose",
    )


@contextmanager
def loading(system: str, pipeline: dlt.Pipeline) -> Iterator[notes.LoadNotes]:
    """The one way a system is loaded, by `load_system` and by the Dagster dlt assets alike.

    Inside the block: files are created owner-only (raw compensation is pay), the load's
    notes (new columns, repeated ids, files read) are collected, and a failure aborts the
    half-extracted packages (so the next run does not load them and the dlt state goes back to
    before this run) and comes out as the error that names the file, row and field
    (`LandingFileError`) or the resource and column (`SchemaChangeError`).
    """
    _check_system(system)
    with private_umask(), notes.collecting() as collected:
        try:
            yield collected
        except Exception as exc:
            pipeline.abort_packages()
            cause = _find_cause(exc)
            if isinstance(cause, (LandingFileError, SchemaChangeError)):
                raise cause from exc
            if isinstance(cause, IngestionError):  # e.g. an API source's ApiError
                raise cause from exc
            if isinstance(cause, DataValidationError):
                raise _schema_change(cause) from exc
            if is_disk_full(exc):
                raise DiskFullError(Path(pipeline.pipelines_dir)) from exc
            raise


def load_system(
    system: str, landing_dir: Path, warehouse_dir: Path, connection: str = "files"
) -> LoadResult:
    """Load one system's new and changed landing files; return rows loaded per table.

    `connection="api"` reads the CRM through its API instead (`make_source`); an API system
    has no landing folder, so it is never skipped as absent.

    On bad input the load stops with `LandingFileError` (file, row or cell, field) or
    `SchemaChangeError` (resource, column), nothing of this system is written, and the dlt
    state is left as before, so the next run reads the same files again.

    An absent system (no folder; every system but the CRM may be) is skipped, not an error,
    unless it landed before (`ingestion.presence`). Either way, every raw table of the system
    exists afterwards, empty when nothing landed for it (`ingestion.raw_tables`).
    """
    work_db = work_db_path(warehouse_dir)
    from_api = connection == "api" or system in API_SYSTEMS
    if not from_api and not system_to_load(landing_dir, system):
        _check_system(system)
        reason = absent_reason(system, landing_dir, work_db)
        created = create_missing_raw_tables(work_db, [system])
        log.info("%s; created empty: %s", reason, ", ".join(created) or "none")
        return LoadResult(
            system, {}, notes.LoadNotes(), None, skipped=reason, created_empty=created
        )
    source = make_source(system, landing_dir, connection)
    tables = list(source.resources.keys())
    with writer_connection(warehouse_dir) as con:
        pipeline = make_pipeline(system, warehouse_dir, connection=con)
        with loading(system, pipeline) as collected:
            info = pipeline.run(source)
        created = create_missing_raw_tables(con, [system])
    normalize_info = pipeline.last_trace.last_normalize_info if pipeline.last_trace else None
    row_counts = dict(normalize_info.row_counts) if normalize_info else {}
    rows = {table: int(row_counts.get(table, 0)) for table in tables}
    result = LoadResult(system, rows, collected, info, created_empty=created)
    log.info("%s: loaded %s", system, dict(result))
    return result


def load_all(
    landing_dir: Path, warehouse_dir: Path, systems: Iterable[str] | None = None
) -> dict[str, LoadResult]:
    """Load every system (or the given ones) in turn; stop at the first that fails.

    Systems loaded before the failure stay loaded (each system is its own dataset); the
    error names the system, file, row and field.
    """
    chosen = tuple(systems) if systems is not None else SYSTEMS
    for system in chosen:
        _check_system(system)
    return {system: load_system(system, landing_dir, warehouse_dir) for system in chosen}
