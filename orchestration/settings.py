"""Every setting of the product, read once from the environment.

One place so that the CLI, Dagster, dbt (through `dbt_vars`/`dbt_env`) and the tests agree on
paths and business parameters. `.env.example` lists the same variables with their defaults.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ingestion.duckdb_resources import (
    default_threads,
    duckdb_config,
    duckdb_temp_dir,
    memory_limit_from_env,
    threads_from_env,
)
from ingestion.file_modes import make_private_dir
from ingestion.warehouse_files import dlt_pipelines_path, work_db_path
from orchestration.dbt_in_warehouse import WORKING_DIR_VARIABLE

if TYPE_CHECKING:
    from data_quality.config import QualityConfig
    from reports.mail_config import MailConfig

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The published warehouse files in the warehouse folder: BI tools, pages and emails read the
# first; the second adds the pay marts, for the owner only. (The work warehouse is named by
# the ingestion that writes it: `ingestion.warehouse_files`.)
PUBLISHED_DB_NAME = "spm.duckdb"
RESTRICTED_DB_NAME = "spm_restricted.duckdb"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
# the as-of date: the setting, and how dbt's models receive it (Settings.dbt_as_of_env)
AS_OF_VARIABLE = "SPM_AS_OF"


def _path(name: str, default: str) -> Path:
    value = os.environ.get(name) or default
    path = Path(value)
    return path if path.is_absolute() else (PROJECT_ROOT / path)


def _relative_to(path: Path, folder: Path) -> str:
    """`path` relative to `folder` when it lies inside it, else as it is."""
    return str(path.relative_to(folder)) if path.is_relative_to(folder) else str(path)


def _as_of() -> dt.date:
    raw = os.environ.get(AS_OF_VARIABLE, "").strip()
    if not raw:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValueError(f"SPM_AS_OF={raw!r} is not a date, expected YYYY-MM-DD") from exc


def _int(name: str, default: int, low: int, high: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} is not a whole number") from exc
    if not low <= value <= high:
        raise ValueError(f"{name}={value} is out of range {low}..{high}")
    return value


CRMS = ("salesforce", "hubspot", "csv")


def _crm() -> tuple[str, str]:
    """`SPM_CRM` (which CRM feeds the warehouse) and `SPM_CRM_CONNECTION` (files or api).

    Salesforce is read from export files (`crm/`) or its REST API; HubSpot only through its
    API; a CSV export (`crm_export/` with a mapping) only from files.
    """
    crm = (os.environ.get("SPM_CRM") or "salesforce").strip().lower()
    if crm not in CRMS:
        raise ValueError(f"SPM_CRM={crm!r}: expected one of {', '.join(CRMS)}")
    default = "api" if crm == "hubspot" else "files"
    connection = (os.environ.get("SPM_CRM_CONNECTION") or default).strip().lower()
    allowed = {"salesforce": ("files", "api"), "hubspot": ("api",), "csv": ("files",)}[crm]
    if connection not in allowed:
        raise ValueError(
            f"SPM_CRM_CONNECTION={connection!r} with SPM_CRM={crm}: expected {' or '.join(allowed)}"
        )
    return crm, connection


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _log_level() -> str:
    level = (os.environ.get("SPM_LOG_LEVEL") or "CRITICAL").strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"SPM_LOG_LEVEL={level!r}: expected one of {', '.join(LOG_LEVELS)}")
    return level


ENGINES = ("duckdb", "spark")


def _engine() -> str:
    """`SPM_ENGINE`: where dbt builds the models (dbt_project/ENGINES.md)."""
    engine = (os.environ.get("SPM_ENGINE") or "duckdb").strip().lower()
    if engine not in ENGINES:
        raise ValueError(f"SPM_ENGINE={engine!r}: expected one of {', '.join(ENGINES)}")
    return engine


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    return raw in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """The product's configuration; build with `Settings.from_env()`."""

    landing_dir: Path
    warehouse_dir: Path
    reports_dir: Path
    as_of: dt.date
    fiscal_year_start_month: int = 1
    corporate_currency: str = "USD"
    stalled_after_days: int = 30
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    email_from: str | None = None
    email_to: tuple[str, ...] = field(default_factory=tuple)
    email_timezone: str = "UTC"
    # Where the report site is served; digests link there (never to a local file).
    site_url: str | None = None
    # `spm run` keeps dbt's line-per-node console output in the run's target folder
    # (dbt_console.log) unless SPM_LOG_LEVEL asks for detail; under Dagster it stays in the
    # step's captured output.
    dbt_console_to_file: bool = False
    # how many runs' dbt target folders (~27 MB each) a warehouse keeps
    keep_dbt_targets: int = 5
    # a landing file no source recognises stops the run (instead of a warning)
    landing_strict: bool = False
    # When set, the publish step also publishes to this PostgreSQL database (libpq URL).
    publish_postgres_url: str | None = None
    # which CRM feeds the warehouse (salesforce | hubspot | csv) and how it is read
    # (files | api); API credentials live in dlt's secrets, never here
    crm: str = "salesforce"
    crm_connection: str = "files"
    # Dagster's own console lines in `spm run` (DEBUG/INFO show every step event); by default
    # only the summary and the root cause reach the console, the rest the run's log file
    log_level: str = field(default_factory=lambda: _log_level())
    # DuckDB's memory limit in every process that writes the work warehouse (dlt, dbt,
    # publish), as DuckDB reads it (`18GB`); beyond it DuckDB spills to `duckdb_temp_dir`
    duckdb_memory_limit: str = field(default_factory=memory_limit_from_env)
    # DuckDB's threads per connection in every process of a run (None: DuckDB's default, one
    # per core)
    duckdb_threads: int | None = field(default_factory=threads_from_env)
    # where dbt builds the models: duckdb (the work warehouse) or spark (dbt-spark; the raw
    # tables mirrored to `lake` as Parquet, the built tables copied back into the work
    # warehouse for the checks and the publish step; dbt_project/ENGINES.md)
    engine: str = "duckdb"
    # SPM_LAKE_DIR: the Spark engine's raw Parquet tables, a folder or a URL fsspec opens;
    # None: `lake` in the warehouse folder
    lake_url: str | None = None

    @classmethod
    def from_env(cls) -> Settings:
        crm, crm_connection = _crm()
        return cls(
            landing_dir=_path("SPM_LANDING_DIR", "data/landing"),
            warehouse_dir=_path("SPM_WAREHOUSE_DIR", "warehouse"),
            reports_dir=_path("SPM_REPORTS_DIR", "reports/build"),
            as_of=_as_of(),
            fiscal_year_start_month=_int("SPM_FISCAL_YEAR_START_MONTH", 1, 1, 12),
            corporate_currency=(os.environ.get("SPM_CORPORATE_CURRENCY") or "USD").upper(),
            stalled_after_days=_int("SPM_STALLED_AFTER_DAYS", 30, 1, 3650),
            smtp_host=os.environ.get("SPM_SMTP_HOST") or None,
            smtp_port=_int("SPM_SMTP_PORT", 587, 1, 65535),
            smtp_user=os.environ.get("SPM_SMTP_USER") or None,
            smtp_password=os.environ.get("SPM_SMTP_PASSWORD") or None,
            smtp_starttls=_bool("SPM_SMTP_STARTTLS", True),
            email_from=os.environ.get("SPM_EMAIL_FROM") or None,
            email_to=tuple(
                a.strip() for a in (os.environ.get("SPM_EMAIL_TO") or "").split(",") if a.strip()
            ),
            email_timezone=os.environ.get("SPM_EMAIL_TIMEZONE") or "UTC",
            site_url=(os.environ.get("SPM_SITE_URL") or "").strip() or None,
            keep_dbt_targets=_int("SPM_KEEP_DBT_TARGETS", 5, 1, 1000),
            landing_strict=_bool("SPM_LANDING_STRICT", False),
            publish_postgres_url=os.environ.get("SPM_PUBLISH_POSTGRES_URL") or None,
            crm=crm,
            crm_connection=crm_connection,
            engine=_engine(),
            lake_url=(os.environ.get("SPM_LAKE_DIR") or "").strip() or None,
        )

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)

    @property
    def work_db(self) -> Path:
        """The work warehouse: dlt and dbt write here, nobody else reads it."""
        return work_db_path(self.warehouse_dir)

    @property
    def published_db(self) -> Path:
        """The published warehouse that BI tools, pages and emails read."""
        return self.warehouse_dir / PUBLISHED_DB_NAME

    @property
    def restricted_db(self) -> Path:
        """The published warehouse with the pay marts (`marts_restricted`): owner-only."""
        return self.warehouse_dir / RESTRICTED_DB_NAME

    @property
    def private_warehouse_parts(self) -> tuple[Path, ...]:
        """What in the warehouse folder holds pay, so is owner-only: the work warehouse and
        its WAL, dlt's folders (their loaded packages), DuckDB's spill folder, the restricted
        published file, the charts of the restricted site (in the chart cache), the Spark
        engine's tables and its lake when it is a folder (an object store keeps its own access
        rules)."""
        wal = self.work_db.with_name(self.work_db.name + ".wal")
        return (
            self.work_db,
            wal,
            dlt_pipelines_path(self.warehouse_dir),
            self.duckdb_temp_dir,
            self.reader_spill_dir,
            self.restricted_db,
            self.chart_cache_dir,
            self.spark_dir,
            *([] if "://" in self.lake else [Path(self.lake)]),
        )

    @property
    def duckdb_temp_dir(self) -> Path:
        """Where DuckDB spills what does not fit in `duckdb_memory_limit` (owner-only)."""
        return duckdb_temp_dir(self.warehouse_dir)

    @property
    def reader_spill_dir(self) -> Path:
        """Where the read-only DuckDB connections of the checks and the pages spill, each in a
        folder of its own (owner-only: they read the work warehouse and the restricted file)."""
        return self.duckdb_temp_dir.with_name(self.duckdb_temp_dir.name + "_readers")

    def reader_duckdb_config(self, reader: str) -> dict[str, str]:
        """DuckDB settings of a read-only connection to the warehouse's files (`reader`:
        `checks`, `pages`, `digests`, `docs`): the run's memory limit, and a spill folder of this
        process's own inside the owner-only `reader_spill_dir`, since spilled pages hold what
        was read, pay among it. DuckDB names its spill files alike, so two processes must not
        share a folder; it creates the folder when it first spills and removes it when the
        connection closes. `reader_spill_dir` is made owner-only here when the warehouse
        exists (a reader of a missing warehouse fails on the file anyway).

        Every reader gets its settings from here: the checks (`quality_config`) and the rows
        of failed dbt tests, the pages and the digests (`orchestration/reporting.py`,
        `Settings.mail_config`), the docs' catalog (`orchestration/dbt_docs.py`).
        """
        if self.warehouse_dir.is_dir():
            make_private_dir(self.reader_spill_dir)
        config = self.duckdb_config()
        config["temp_directory"] = str(self.reader_spill_dir / f"{reader}-{os.getpid()}")
        return config

    def duckdb_config(self) -> dict[str, str]:
        """DuckDB settings of a connection that writes the work warehouse or a published file:
        memory limit, spill folder and threads (when set)."""
        return duckdb_config(self.warehouse_dir, self.duckdb_memory_limit, self.duckdb_threads)

    @property
    def lake(self) -> str:
        """Where the Spark engine reads the raw tables: `SPM_LAKE_DIR`, by default the
        owner-only `lake` folder of the warehouse (the raw tables hold pay)."""
        return self.lake_url or str(self.warehouse_dir / "lake")

    @property
    def spark_dir(self) -> Path:
        """The Spark engine's metastore, Derby log and built tables (owner-only)."""
        return self.warehouse_dir / "spark"

    @property
    def runs_dir(self) -> Path:
        return self.warehouse_dir / "runs"

    @property
    def chart_cache_dir(self) -> Path:
        """The charts of the current report sites, by spec (`reports/chart_cache.py`)."""
        return self.warehouse_dir / "chart_cache"

    def dbt_target_dir(self, run: str) -> Path:
        """dbt's target folder for one run (compiled SQL, `dbt_console.log`), or `check`."""
        return self.warehouse_dir / "dbt_target" / run

    def run_log(self, run: str) -> Path:
        """The run's log file: warnings and errors with their full tracebacks."""
        return self.runs_dir / f"{run}.log"

    def dbt_console_log(self, run: str) -> Path:
        """Where `spm run` keeps dbt's line-per-node output of one run."""
        return self.dbt_target_dir(run) / "dbt_console.log"

    @property
    def restricted_reports_dir(self) -> Path:
        return self.reports_dir.parent / (self.reports_dir.name + "-restricted")

    def dbt_vars(self) -> dict[str, object]:
        """The dbt vars that carry the business parameters into every model.

        The as-of date is not among them: it changes every day, and a changed var makes dbt
        parse the whole project again. It goes by the environment instead (`dbt_as_of_env`),
        which the models read only while executing (`dbt_project/macros/vars.sql`)."""
        return {
            "fiscal_year_start_month": self.fiscal_year_start_month,
            "corporate_currency": self.corporate_currency,
            "stalled_after_days": self.stalled_after_days,
            "crm": self.crm,
        }

    def quality_config(self) -> QualityConfig:
        """The data-quality thresholds with this deployment's corporate currency: the one
        place the suites get their configuration from (Dagster asset checks and `spm check`)."""
        from data_quality.config import QualityConfig

        return QualityConfig(
            corporate_currency=self.corporate_currency,
            duckdb_config=self.reader_duckdb_config("checks"),
        )

    def mail_config(self) -> MailConfig:
        """The digests' recipients, site link and mail server: the one place the reports get
        their mail configuration from (`spm email`, Dagster's digest job and the tests)."""
        from reports.mail_config import MailConfig

        return MailConfig(
            outbox_dir=self.warehouse_dir / "outbox",
            corporate_currency=self.corporate_currency,
            email_to=self.email_to,
            email_from=self.email_from,
            site_url=self.site_url,
            smtp_host=self.smtp_host,
            smtp_port=self.smtp_port,
            smtp_user=self.smtp_user,
            smtp_password=self.smtp_password,
            smtp_starttls=self.smtp_starttls,
            duckdb_config=self.reader_duckdb_config("digests"),
        )

    def dbt_profile_env(self) -> dict[str, str]:
        """What profiles.yml reads: the work warehouse, DuckDB's memory limit, spill folder and
        threads (the profile needs a number: DuckDB's own default when the setting is unset),
        and the Spark target's folder.

        The warehouse file and the spill folder are named relative to the warehouse folder,
        where every dbt of the pipeline starts (`spm-dbt`, `orchestration.dbt_in_warehouse`):
        dbt hashes the profile's values into its saved parse, and relative names keep that
        hash, and so the parse, the same for every warehouse."""
        config = self.duckdb_config()
        return {
            WORKING_DIR_VARIABLE: str(self.warehouse_dir),
            "SPM_WORK_DB": _relative_to(self.work_db, self.warehouse_dir),
            "SPM_DUCKDB_MEMORY_LIMIT": config["memory_limit"],
            "SPM_DUCKDB_TEMP_DIR": _relative_to(Path(config["temp_directory"]), self.warehouse_dir),
            "SPM_DUCKDB_THREADS": str(self.duckdb_threads or default_threads()),
            "SPM_SPARK_DIR": str(self.spark_dir),
            "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        }

    def dbt_as_of_env(self) -> dict[str, str]:
        """The as-of date as dbt's models read it (`SPM_AS_OF`, the setting's own name)."""
        return {AS_OF_VARIABLE: self.as_of.isoformat()}

    def dbt_env(self) -> dict[str, str]:
        """Environment for a dbt subprocess (`dbt_profile_env` and the as-of date over this
        process's)."""
        return {**os.environ, **self.dbt_profile_env(), **self.dbt_as_of_env()}
