"""`SPM_DUCKDB_MEMORY_LIMIT`, `SPM_DUCKDB_THREADS` and the spill folder reach every DuckDB
connection that writes the warehouse: dlt's loads, the dbt profile, the publish step; a bad
value stops with a message naming the setting.

Each connection is asked for its own `current_setting(...)`, so what is checked is what DuckDB
runs with, not what was passed along.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import duckdb
import pytest

from ingestion.duckdb_resources import (
    MEMORY_LIMIT_SETTING,
    THREADS_SETTING,
    default_memory_limit,
    default_threads,
    memory_limit_bytes,
    parse_memory_limit,
    physical_memory_bytes,
)
from ingestion.pipeline import make_pipeline
from orchestration import publish as publish_module
from orchestration.dbt_manifest import dbt_executable
from orchestration.settings import DBT_PROJECT_DIR, Settings


def _duckdb_reads(value: str) -> int:
    """Bytes DuckDB itself makes of a memory limit (it prints `1.5 GiB`, `16.7 GiB`, ...)."""
    con = duckdb.connect(config={"memory_limit": value})
    try:
        shown = con.execute("select current_setting('memory_limit')").fetchone()[0]
    finally:
        con.close()
    return memory_limit_bytes(shown.replace(" ", ""))


@pytest.mark.parametrize("value", ["18GB", "1.5GiB", "512 MB", "2tb", "300MiB"])
def test_a_size_duckdb_reads_is_kept_as_given(value: str) -> None:
    assert parse_memory_limit(f" {value} ") == value
    # DuckDB makes the same number of bytes of it (it shows two or three digits)
    assert _duckdb_reads(value) == pytest.approx(memory_limit_bytes(value), rel=0.03)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("lots", "is not a memory size"),
        ("18", "is not a memory size"),
        ("75%", "is not a memory size"),
        ("-1GB", "is not a memory size"),
        ("18 G", "is not a memory size"),
        ("100MB", "is below 256MB"),
    ],
)
def test_a_bad_value_names_the_setting(value: str, problem: str) -> None:
    with pytest.raises(ValueError, match=f"^{MEMORY_LIMIT_SETTING}='{value}' {problem}"):
        parse_memory_limit(value)


def test_settings_refuse_a_bad_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MEMORY_LIMIT_SETTING, "eighteen gigabytes")
    with pytest.raises(ValueError, match="SPM_DUCKDB_MEMORY_LIMIT='eighteen gigabytes'"):
        Settings.from_env()


def test_the_default_is_three_quarters_of_the_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MEMORY_LIMIT_SETTING, raising=False)
    default = default_memory_limit()
    assert Settings.from_env().duckdb_memory_limit == default
    assert parse_memory_limit(default) == default
    assert _duckdb_reads(default) == pytest.approx(0.75 * physical_memory_bytes(), rel=0.01)


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5", "2000"])
def test_a_bad_thread_count_names_the_setting(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(THREADS_SETTING, value)
    expected = f"^{THREADS_SETTING}='{value}' is not a number of threads"
    with pytest.raises(ValueError, match=expected):
        Settings.from_env()


def test_without_a_thread_setting_duckdb_keeps_its_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(THREADS_SETTING, raising=False)
    monkeypatch.setenv("SPM_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    settings = Settings.from_env()
    assert settings.duckdb_threads is None
    assert "threads" not in settings.duckdb_config()
    assert "threads" not in settings.reader_duckdb_config("pages")
    # the dbt profile needs a number: DuckDB's own (one per core)
    assert settings.dbt_env()[THREADS_SETTING] == str(default_threads())


def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv(MEMORY_LIMIT_SETTING, "1.5GiB")
    monkeypatch.setenv(THREADS_SETTING, "3")
    monkeypatch.setenv("SPM_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    return Settings.from_env()


def test_dlt_loads_run_with_the_limit_and_spill_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path, monkeypatch)
    pipeline = make_pipeline(
        "finance", settings.warehouse_dir, settings.duckdb_memory_limit, settings.duckdb_threads
    )
    with pipeline.sql_client() as client:
        rows = client.execute_sql(
            "select current_setting('memory_limit'), current_setting('temp_directory'), "
            "current_setting('threads')"
        )
    assert rows == [("1.5 GiB", str(settings.warehouse_dir / "duckdb_tmp"), 3)]


@pytest.mark.slow  # a dbt process (8 s): the full lane
def test_dbt_runs_with_the_limit_and_spill_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path, monkeypatch)
    settings.warehouse_dir.mkdir()
    done = subprocess.run(
        [
            dbt_executable(),
            "show",
            "--inline",
            "select current_setting('memory_limit') as memory_limit, "
            "current_setting('temp_directory') as temp_directory, "
            "current_setting('threads') as threads",
            "--output",
            "json",
            "--log-format",
            "json",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        env=settings.dbt_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    shown = [
        json.loads(json.loads(line)["data"]["preview"])
        for line in done.stdout.splitlines()
        if line.startswith("{") and '"preview"' in line
    ]
    assert shown == [
        [
            {
                "memory_limit": "1.5 GiB",
                # relative to the warehouse's folder, where dbt starts (`spm-dbt`)
                "temp_directory": str(settings.duckdb_temp_dir.relative_to(settings.warehouse_dir)),
                "threads": 3,
            }
        ]
    ]


SPILLING_PROJECT = {
    "dbt_project.yml": "name: spill_check\nversion: '1.0'\nconfig-version: 2\nprofile: spm\n"
    "models:\n  spill_check:\n    +materialized: table\n",
    # sorting 6 million hashes needs more than 300MB: DuckDB must spill
    "models/sorted_hashes.sql": "select range as id, md5(range::varchar) as hash"
    " from range(6000000) order by hash",
    # a node after the spill: dbt opens a new cursor for it
    "models/after_the_spill.sql": "select count(*) as hashes from {{ ref('sorted_hashes') }}",
}


@pytest.mark.slow  # a dbt build that spills (10 s): the full lane
def test_dbt_keeps_building_after_duckdb_has_spilled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB refuses to set its spill folder again once it has spilled, even to the same
    folder: the profile passes the limit and the folder when the database opens, not on each
    of dbt's cursors, or every node after the first spill fails (a large company did)."""
    _settings(tmp_path, monkeypatch)
    monkeypatch.setenv(MEMORY_LIMIT_SETTING, "300MB")
    settings = Settings.from_env()
    settings.warehouse_dir.mkdir()
    project = tmp_path / "project"
    for name, text in SPILLING_PROJECT.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    done = subprocess.run(
        [dbt_executable(), "run", "--threads", "1", "--project-dir", str(project),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs"), "--log-level-file", "none"],
        env=settings.dbt_env(),
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    con = duckdb.connect(str(settings.work_db), read_only=True)
    try:
        assert con.execute("select hashes from after_the_spill").fetchone() == (6_000_000,)
    finally:
        con.close()


def test_publish_runs_with_the_limit_and_spill_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings(tmp_path, monkeypatch)
    settings.warehouse_dir.mkdir()
    con = duckdb.connect(str(settings.work_db))
    con.execute("create schema marts; create schema quarantine; create schema marts_restricted")
    con.execute("create table marts.rep_performance as select 'r1' as rep_id")
    con.close()
    seen = []
    real_connect = duckdb.connect

    def connect(*args: object, **kwargs: object) -> duckdb.DuckDBPyConnection:
        opened = real_connect(*args, **kwargs)
        seen.append(
            opened.execute(
                "select current_setting('memory_limit'), current_setting('temp_directory'), "
                "current_setting('threads')"
            ).fetchone()
        )
        return opened

    monkeypatch.setattr(publish_module.duckdb, "connect", connect)
    publish_module.publish(
        settings.work_db, settings.warehouse_dir, config=settings.duckdb_config()
    )
    # the public file, then the restricted one
    assert seen == [("1.5 GiB", str(settings.duckdb_temp_dir), 3)] * 2
