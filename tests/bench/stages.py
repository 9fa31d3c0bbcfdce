"""The stages of the benchmark, in the order they run. Later issues append theirs.

A stage does one step of the pipeline on the benchmark company and returns the rows it
processed. Its `limit`, when there is one, does the same input through the fastest tool at
hand (DuckDB reading the same files): the physical limit of this machine, measured in the same
run, so the printed ratio means something on any machine. Stages share one work folder and
run in order, so a later stage (dbt, checks, publishing) finds the warehouse the ingestion
stages loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.bench import limits, pipeline_stages, postgres_publish, spark_stages


@dataclass(frozen=True)
class Context:
    """Where a stage reads and writes."""

    landing_dir: Path
    work_dir: Path

    @property
    def warehouse_dir(self) -> Path:
        return self.work_dir / "warehouse"

    @property
    def scratch_dir(self) -> Path:
        path = self.work_dir / "scratch"
        path.mkdir(parents=True, exist_ok=True)
        return path


@dataclass(frozen=True)
class Stage:
    name: str
    description: str
    run: Callable[[Context], int]
    limit: Callable[[Context], int] | None = None
    target_ratio: float | None = None
    # the limit is itself a dlt load (not DuckDB alone): warm dlt up before timing it too
    warm_limit: bool = False
    # the limit replays what the run did (dbt's compiled SQL): measure it after the run
    limit_after_run: bool = False
    # the engine whose benchmark runs the stage (`--engine`); None: both (the loads)
    engine: str | None = "duckdb"


def _load(system: str) -> Callable[[Context], int]:
    def run(context: Context) -> int:
        from ingestion.pipeline import load_system

        result = load_system(system, context.landing_dir, context.warehouse_dir)
        return sum(result.values())

    return run


def _reload_unchanged(context: Context) -> int:
    from ingestion.pipeline import SYSTEMS, load_system

    return sum(
        sum(load_system(s, context.landing_dir, context.warehouse_dir).values()) for s in SYSTEMS
    )


INGEST_TARGET = 3.0
API_TARGET = 3.0


def _small_company(context: Context) -> Path:
    """The small demo company (the API replica serves it from memory, so never a large one)."""
    import datetime as dt

    from ingestion.demo import generate

    landing = context.work_dir / "small_company"
    if not (landing / "_manifest.json").exists():
        generate(landing, scale="small", seed=42, as_of=dt.date(2026, 11, 28), overwrite=True)
    return landing


def _crm_through(replica: str, system: str) -> Callable[[Context], int]:
    """The small company's CRM through one API replica (same process, a thread)."""

    def run(context: Context) -> int:
        from ingestion.pipeline import load_system
        from replicas.connect import crm_replica

        landing = _small_company(context)
        with crm_replica(replica, landing):
            result = load_system(system, landing, context.scratch_dir / replica, connection="api")
        return sum(result.values())

    return run


def _crm_from_files(context: Context) -> int:
    """The same company's CRM from its export files: what the API load is measured against."""
    from ingestion.pipeline import load_system

    landing = _small_company(context)
    return sum(load_system("crm", landing, context.scratch_dir / "files").values())


STAGES: list[Stage] = [
    Stage(
        "ingest crm",
        "9 Salesforce export CSVs -> raw_crm (scd2 opportunity/user, merge others)",
        _load("crm"),
        limits.csv_files("crm", "*.csv"),
        INGEST_TARGET,
        engine=None,
    ),
    Stage(
        "ingest sales_analytics",
        "daily activity JSON lines -> raw_sales_analytics.activities (append)",
        _load("sales_analytics"),
        limits.jsonl_files("sales_analytics", "*/*/*/activities.jsonl"),
        INGEST_TARGET,
        engine=None,
    ),
    Stage(
        "ingest revenue_intelligence",
        "forecast_submissions.csv -> raw_revenue_intelligence (merge)",
        _load("revenue_intelligence"),
        limits.csv_files("revenue_intelligence", "*.csv"),
        INGEST_TARGET,
        engine=None,
    ),
    Stage(
        "ingest compensation",
        "quota workbooks (unpivoted, scd2) and 4 ICM CSVs -> raw_compensation",
        _load("compensation"),
        limits.compensation_files,
        INGEST_TARGET,
        engine=None,
    ),
    Stage(
        "ingest finance",
        "fx_rates.csv -> raw_finance (merge)",
        _load("finance"),
        limits.csv_files("finance", "*.csv"),
        INGEST_TARGET,
        engine=None,
    ),
    Stage(
        "ingest crm via Salesforce API",
        "small company's CRM through the local Salesforce REST replica -> raw_crm; its limit"
        " is the file load of the same company (not DuckDB)",
        _crm_through("salesforce-api", "crm"),
        _crm_from_files,
        API_TARGET,
        warm_limit=True,
    ),
    Stage(
        "ingest crm via HubSpot API",
        "small company's CRM through the local HubSpot CRM v3 replica -> raw_hubspot (owners,"
        " teams, stages, deals, property history, splits); its limit is the file load of the"
        " same company",
        _crm_through("hubspot-api", "hubspot"),
        _crm_from_files,
        API_TARGET,
        warm_limit=True,
    ),
    Stage(
        "ingest reload, nothing new",
        "all five systems again on the same landing folder: every file skipped",
        _reload_unchanged,
    ),
    Stage(
        "dbt build",
        "every model and test of the project on the loaded raw tables (limit: the same "
        "compiled models and tests run directly in one DuckDB connection)",
        pipeline_stages.dbt_build,
        pipeline_stages.dbt_sql_alone,
        1.5,
        limit_after_run=True,
    ),
    Stage(
        "quality checks",
        "every Great Expectations and SQL check on the built warehouse (limit: the same "
        "frames read by the same queries into Arrow, no pandas, no GX)",
        pipeline_stages.quality_checks,
        pipeline_stages.quality_reads_alone,
    ),
    Stage(
        "publish",
        "marts + quarantine -> spm.duckdb and spm_restricted.duckdb, swapped in (limit: a "
        "plain copy of the work file)",
        pipeline_stages.publish,
        pipeline_stages.copy_work_file,
    ),
    Stage(
        "report sites",
        "the public and the restricted site, every page, team and rep (limit: the same pages "
        "with empty charts)",
        pipeline_stages.sites,
        pipeline_stages.sites_without_charts,
    ),
    Stage(
        "spm run, full",
        "the whole `spm run` on a fresh warehouse: load, build, check, publish, both sites",
        pipeline_stages.spm_run_full,
    ),
    Stage(
        "spm run, nothing new",
        "`spm run` again on the same landing folder and day: it stops (goal: seconds)",
        pipeline_stages.spm_run_nothing_new,
    ),
    Stage(
        "spm run, next day",
        "`spm run` the day after, on the full run's warehouse: one new day of activity events, "
        "every other file re-exported unchanged (goal: under 20% of the full run)",
        pipeline_stages.spm_run_next_day,
    ),
    Stage(
        "publish postgres",
        "the raw schemas -> PostgreSQL as the publish step does it: COPY, keys, indexes, "
        "comments, swap (limit: the bare CSV export + COPY of the same tables)",
        postgres_publish.publish_raw,
        postgres_publish.copy_raw,
    ),
    Stage(
        "spark: lake and registration",
        "the raw tables -> the lake as Parquet, registered as Spark external tables (a JVM "
        "start included)",
        spark_stages.lake_and_registration,
        engine="spark",
    ),
    Stage(
        "spark: dbt build",
        "every model and test on a local Spark, --full-refresh as the Spark engine runs it "
        "(limit: the DuckDB engine's dbt build of the same, so the ratio is Spark's cost)",
        spark_stages.dbt_build_on_spark,
        pipeline_stages.dbt_build,
        engine="spark",
    ),
    Stage(
        "spark: copy back",
        "Spark's tables -> the work warehouse with the DuckDB build's types (an empty DuckDB "
        "build, then every table's rows)",
        spark_stages.copy_back,
        engine="spark",
    ),
]


def stage_named(name: str) -> Stage:
    for stage in STAGES:
        if stage.name == name:
            return stage
    raise KeyError(f"no benchmark stage {name!r}; stages: {', '.join(s.name for s in STAGES)}")
