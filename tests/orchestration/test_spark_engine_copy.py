"""What the Spark engine copies back into the work warehouse: every table dbt builds (not the
views, tests or disabled models), Spark's rows in the DuckDB build's types, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import Settings
from orchestration.spark_engine import (
    SparkBuildError,
    built_tables,
    copy_spark_tables,
    require_java,
    spark_table_folder,
)
from tests.conftest import make_settings


def _node(kind: str, name: str, schema: str, materialized: str, enabled: bool = True) -> dict:
    return {
        "resource_type": kind,
        "name": name,
        "alias": name,
        "schema": schema,
        "config": {"materialized": materialized, "enabled": enabled},
    }


def test_the_tables_to_copy_are_the_models_and_seeds_built_as_tables() -> None:
    manifest = {
        "nodes": {
            str(i): node
            for i, node in enumerate(
                [
                    _node("model", "fct_deals", "marts", "table"),
                    _node("model", "stg_crm__users", "staging", "view"),
                    _node("model", "stg_activities", "staging", "incremental"),
                    _node("model", "int_scratch", "intermediate", "ephemeral"),
                    _node("model", "stg_hubspot__deals", "staging", "view", enabled=False),
                    _node("model", "hubspot_only", "intermediate", "table", enabled=False),
                    _node("seed", "stage_mapping", "staging", "seed"),
                    _node("test", "not_null_fct_deals_id", "dbt_test__audit", "test"),
                ]
            )
        }
    }
    assert built_tables(manifest) == [
        ("marts", "fct_deals"),
        ("staging", "stage_mapping"),
        ("staging", "stg_activities"),
    ]


def _settings(tmp_path: Path) -> Settings:
    settings = make_settings(tmp_path / "landing", tmp_path)
    settings.warehouse_dir.mkdir()
    with duckdb.connect(str(settings.work_db)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_deals (deal_id varchar not null primary key,"
            " amount decimal(18, 2), closed_at timestamp with time zone, win_rate double)"
        )
        con.execute("insert into marts.fct_deals values ('old', 1, null, null)")
    return settings


def _spark_wrote(settings: Settings, table: str, select: str) -> None:
    """A Parquet part file as Spark writes one: its own file name, doubles for sums,
    decimals one digit wider, timestamps in UTC."""
    folder = spark_table_folder(settings.spark_dir, "marts", table)
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / "part-00000-5d1c.c000.snappy.parquet"
    (folder / "_SUCCESS").write_text("")
    with duckdb.connect() as con:
        con.execute(f"copy ({select}) to '{part}' (format parquet)")


def test_spark_rows_replace_the_old_ones_in_the_duckdb_types(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    _spark_wrote(
        settings,
        "fct_deals",
        "select * from (values ('d1', 1234.56::decimal(19, 2),"
        " timestamp '2026-11-02 23:30:00', 0.25::double), ('d2', null, null, 1 / 3))"
        " t(deal_id, amount, closed_at, win_rate)",
    )

    copied = copy_spark_tables(settings, [("marts", "fct_deals")])

    assert copied == {"marts.fct_deals": 2}
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        rows = con.execute(
            "select deal_id, amount, closed_at::varchar, win_rate,"
            " typeof(amount), typeof(closed_at) from marts.fct_deals order by 1"
        ).fetchall()
    assert [row[:4] for row in rows] == [
        ("d1", Decimal("1234.56"), "2026-11-02 23:30:00+00", 0.25),
        ("d2", None, None, 1 / 3),
    ]
    assert {row[4:] for row in rows} == {("DECIMAL(18,2)", "TIMESTAMP WITH TIME ZONE")}


def test_a_table_spark_did_not_build_or_a_broken_row_changes_nothing(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with pytest.raises(SparkBuildError, match=r"Spark built no table marts\.fct_deals"):
        copy_spark_tables(settings, [("marts", "fct_deals")])

    _spark_wrote(
        settings,
        "fct_deals",
        "select * from (values ('d1', 1.0, null::timestamp, 0.5), ('d1', 2.0, null, 0.5))"
        " t(deal_id, amount, closed_at, win_rate)",
    )
    with pytest.raises(SparkBuildError, match=r"marts\.fct_deals .*duplicate key \"d1\""):
        copy_spark_tables(settings, [("marts", "fct_deals")])
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        assert con.execute("select deal_id from marts.fct_deals").fetchall() == [("old",)]


def test_without_java_the_spark_engine_says_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(SparkBuildError, match="needs Java 17.*openjdk-17-jre-headless"):
        require_java({"PATH": str(tmp_path)})
    java = tmp_path / "jdk" / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text("")
    require_java({"PATH": str(tmp_path), "JAVA_HOME": str(tmp_path / "jdk")})
