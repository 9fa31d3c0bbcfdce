"""`spm run` with the Spark engine publishes what the DuckDB engine publishes.

The session's small company, run again with `engine=spark`: dlt loads it, the raw tables go
to the lake as Parquet, dbt builds every model and test on a local Spark, the tables come
back into the work warehouse, the checks and the publish step run as always. Every table dbt
builds into the published files (marts, pay marts, quarantine) must hold the rows the DuckDB
engine's run published, money to the cent, doubles to 1e-9.

The project's dbt unit tests (the KPI macros' worked examples) then run on Spark against the
relations that build left: the same fixtures and expected rows as on DuckDB.

Those two are marker `spark` (`make test-spark`, which CI runs after `make test`: about six
minutes on 2 cores). Marker `spark_extended` as well (`make test-spark-all` only, about ten
minutes more): the next day's run on the same lake and Spark tables publishes too, and a
company whose CRM is HubSpot (the same company served by the HubSpot replica) publishes the
same on both engines: its staging models are the only SQL that differs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from orchestration.dbt_manifest import ensure_manifest
from orchestration.runner import RunOutcome, run_pipeline
from orchestration.settings import Settings
from orchestration.spark_engine import built_tables, dbt_step
from replicas.connect import crm_replica
from tests.conftest import make_settings
from tests.support.dbt.spark_engine import compare_published
from tests.support.shared_fixtures import run_dagster_home

PUBLISHED_SCHEMAS = {"marts", "quarantine"}
SPARK_RUN_GROUP = pytest.mark.xdist_group("spark_small_company")


@dataclass(frozen=True)
class Published:
    """The two published files of a run, as that run left them."""

    public: Path
    restricted: Path

    @classmethod
    def of(cls, settings: Settings) -> Published:
        """The files a run with `settings` publishes to."""
        return cls(settings.published_db, settings.restricted_db)

    @classmethod
    def kept_from(cls, settings: Settings, folder: Path) -> Published:
        """Copies of `settings`' published files in `folder`: a later run on the same
        warehouse (the next day's) replaces the files, not these."""
        folder.mkdir(parents=True, exist_ok=True)
        return cls(
            Path(shutil.copy2(settings.published_db, folder / settings.published_db.name)),
            Path(shutil.copy2(settings.restricted_db, folder / settings.restricted_db.name)),
        )


@dataclass(frozen=True)
class SparkRun:
    """The Spark engine's run of the small company: its settings, outcome and first files."""

    settings: Settings
    outcome: RunOutcome
    published: Published | None  # None when the run did not publish


@pytest.fixture(scope="module")
def spark_small_run(small_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> SparkRun:
    """The session's small company run once with the Spark engine, its published files kept
    as it left them (the next-day test runs on the same warehouse, in whichever order)."""
    root = tmp_path_factory.mktemp("spark_run")
    settings = make_settings(small_landing, root).with_overrides(engine="spark")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(run_dagster_home(settings)))
        outcome = run_pipeline(settings)
    published = Published.kept_from(settings, root / "first_day") if outcome.published else None
    return SparkRun(settings, outcome, published)


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.company
@SPARK_RUN_GROUP
def test_the_small_company_published_from_spark_equals_the_duckdb_engines(
    small_pipeline, spark_small_run, tmp_path: Path
) -> None:
    duck_settings, duck_outcome = small_pipeline
    assert duck_outcome.published
    settings, outcome = spark_small_run.settings, spark_small_run.outcome

    assert outcome.success and outcome.published, outcome.report.get("root_causes")
    assert {c["name"] for c in outcome.report["checks"]} == {
        c["name"] for c in duck_outcome.report["checks"]
    }, "a check of the DuckDB run has no result in the Spark run"
    assert (settings.spark_dir / "metastore_db").is_dir()
    assert not (Path(os.getcwd()) / "metastore_db").exists(), "the metastore left the warehouse"
    assert (Path(settings.lake) / "raw_crm" / "opportunity" / "part-0.parquet").is_file()

    assert spark_small_run.published is not None
    _assert_published_the_same(
        Published.of(duck_settings),
        spark_small_run.published,
        settings,
    )

    # dbt's unit tests need their models' parents as relations: the build above left them
    unit_tests = ["test", "--select", "test_type:unit", "--target", "spark"]
    dbt_step(settings, unit_tests, tmp_path / "unit_tests", "dbt's unit tests on Spark")


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.spark_extended
@pytest.mark.company
@SPARK_RUN_GROUP
def test_the_next_day_on_the_same_lake_and_spark_tables_publishes(
    spark_small_run: SparkRun,
) -> None:
    settings, outcome = spark_small_run.settings, spark_small_run.outcome
    assert outcome.published, outcome.report.get("root_causes")
    # every model rebuilt in full (a Parquet table cannot delete what an incremental model
    # replaces), published
    next_day = settings.with_overrides(as_of=settings.as_of + dt.timedelta(days=1))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(run_dagster_home(settings)))
        next_outcome = run_pipeline(next_day)
    assert next_outcome.success and next_outcome.published, next_outcome.report.get("root_causes")
    assert next_outcome.report["as_of_date"] == next_day.as_of.isoformat()


@pytest.mark.slow
@pytest.mark.spark
@pytest.mark.spark_extended
@pytest.mark.company
def test_a_hubspot_company_published_from_spark_equals_the_duckdb_engines(
    small_landing: Path, tmp_path: Path
) -> None:
    runs = {}
    with crm_replica("hubspot-api", small_landing):
        for engine in ("duckdb", "spark"):
            settings = make_settings(small_landing, tmp_path / engine).with_overrides(
                crm="hubspot", crm_connection="api", engine=engine
            )
            with pytest.MonkeyPatch.context() as env:
                env.setenv("DAGSTER_HOME", str(run_dagster_home(settings)))
                outcome = run_pipeline(settings)
            assert outcome.success and outcome.published, (engine, outcome.report["root_causes"])
            runs[engine] = settings
    assert (Path(runs["spark"].lake) / "raw_hubspot" / "deals" / "part-0.parquet").is_file()
    _assert_published_the_same(
        Published.of(runs["duckdb"]), Published.of(runs["spark"]), runs["spark"]
    )


def _assert_published_the_same(duck: Published, spark: Published, spark_settings: Settings) -> None:
    """Every table dbt builds into the published files holds the same rows from both engines
    (`compare_published`: money to the cent, doubles to 1e-9)."""
    tables = built_tables(json.loads(ensure_manifest(spark_settings).read_text()))
    public = [(s, t) for s, t in tables if s in PUBLISHED_SCHEMAS]
    restricted = [(s, t) for s, t in tables if s == "marts_restricted"]
    compared = {
        **compare_published(duck.public, spark.public, public),
        **compare_published(duck.restricted, spark.restricted, restricted),
    }
    assert len(compared) > 40 and restricted, sorted(compared)
    differ = {
        table: result
        if result.get("missing")
        else {side: result[side][:3] for side in ("only_duckdb", "only_spark")}
        for table, result in compared.items()
        if result.get("missing") or result["only_duckdb"] or result["only_spark"]
    }
    assert not differ, f"tables that differ between the DuckDB and the Spark engine: {differ}"
    assert compared["marts.rep_performance"]["spark_rows"] > 0
