"""Every `SPM_*` variable of `.env.example` reaches the part it configures: set each to a value
other than its default and the settings, dbt's vars, the quality thresholds and the reports'
mail configuration all see it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from pathlib import Path

import pytest

from ingestion.process_environment import environ_set
from orchestration.settings import PROJECT_ROOT, Settings

NON_DEFAULT = {
    "SPM_LANDING_DIR": "/srv/spm/landing",
    "SPM_WAREHOUSE_DIR": "/srv/spm/warehouse",
    "SPM_REPORTS_DIR": "/srv/spm/site",
    "SPM_AS_OF": "2025-03-31",
    "SPM_FISCAL_YEAR_START_MONTH": "2",
    "SPM_CORPORATE_CURRENCY": "eur",
    "SPM_STALLED_AFTER_DAYS": "45",
    "SPM_SMTP_HOST": "smtp.example.com",
    "SPM_SMTP_PORT": "2525",
    "SPM_SMTP_USER": "mailer",
    "SPM_SMTP_PASSWORD": "s3cret",
    "SPM_SMTP_STARTTLS": "false",
    "SPM_EMAIL_FROM": "spm@example.com",
    "SPM_EMAIL_TO": "cro@example.com, vp@example.com",
    "SPM_SITE_URL": "https://spm.example.com/",
    "SPM_EMAIL_TIMEZONE": "Europe/Paris",
    "SPM_LOG_LEVEL": "debug",
    "SPM_KEEP_DBT_TARGETS": "9",
    "SPM_LANDING_STRICT": "true",
    "SPM_PUBLISH_POSTGRES_URL": "postgresql://spm@127.0.0.1:5433/bi",
    "SPM_CRM": "salesforce",
    "SPM_CRM_CONNECTION": "api",
    "SPM_DUCKDB_MEMORY_LIMIT": "1.5GiB",
    "SPM_DUCKDB_THREADS": "3",
    "SPM_ENGINE": "Spark",
    "SPM_LAKE_DIR": "/srv/lake/spm",
}


def _documented() -> list[str]:
    text = (PROJECT_ROOT / ".env.example").read_text()
    return re.findall(r"^(SPM_[A-Z_]+)=", text, flags=re.MULTILINE)


def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _documented():
        monkeypatch.delenv(name, raising=False)


def test_every_documented_variable_has_a_non_default_case() -> None:
    assert sorted(_documented()) == sorted(NON_DEFAULT)


@pytest.mark.parametrize("name", sorted(NON_DEFAULT))
def test_each_variable_changes_the_settings(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _clean_env(monkeypatch)
    monkeypatch.setenv("SPM_AS_OF", "2026-11-28")  # a fixed baseline day, not today
    baseline = Settings.from_env()
    monkeypatch.setenv(name, NON_DEFAULT[name])
    if name == "SPM_CRM":  # salesforce is the default CRM: show that another one is read
        monkeypatch.setenv(name, "hubspot")
    changed = Settings.from_env()
    assert changed != baseline, f"{name} did not change any setting"


def test_all_non_default_values_reach_dbt_quality_and_run(monkeypatch: pytest.MonkeyPatch) -> None:
    _clean_env(monkeypatch)
    for name, value in NON_DEFAULT.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()

    assert settings.landing_dir == Path("/srv/spm/landing")
    assert settings.published_db == Path("/srv/spm/warehouse/spm.duckdb")
    assert settings.restricted_reports_dir == Path("/srv/spm/site-restricted")
    assert settings.restricted_db == Path("/srv/spm/warehouse/spm_restricted.duckdb")
    assert set(settings.private_warehouse_parts) == {
        Path("/srv/spm/warehouse/work.duckdb"),
        Path("/srv/spm/warehouse/work.duckdb.wal"),
        Path("/srv/spm/warehouse/dlt_pipelines"),
        Path("/srv/spm/warehouse/duckdb_tmp"),
        Path("/srv/spm/warehouse/duckdb_tmp_readers"),
        Path("/srv/spm/warehouse/spm_restricted.duckdb"),
        Path("/srv/spm/warehouse/chart_cache"),
        Path("/srv/spm/warehouse/spark"),
        Path("/srv/lake/spm"),
    }
    assert settings.dbt_vars() == {
        "fiscal_year_start_month": 2,
        "corporate_currency": "EUR",
        "stalled_after_days": 45,
        "crm": "salesforce",
    }
    assert settings.as_of == dt.date(2025, 3, 31)
    quality = settings.quality_config()
    assert quality.corporate_currency == "EUR"
    assert quality.duckdb_config["memory_limit"] == NON_DEFAULT["SPM_DUCKDB_MEMORY_LIMIT"]
    assert quality.duckdb_config["threads"] == "3"
    checks_spill = Path(quality.duckdb_config["temp_directory"])
    assert checks_spill.parent == Path("/srv/spm/warehouse/duckdb_tmp_readers")
    assert not Path("/srv/spm").exists(), "building a config made the warehouse's folders"
    assert settings.log_level == "DEBUG"
    assert settings.crm_connection == "api"
    assert settings.email_to == ("cro@example.com", "vp@example.com")
    assert (settings.smtp_port, settings.smtp_starttls) == (2525, False)
    assert settings.site_url == "https://spm.example.com/"
    assert settings.keep_dbt_targets == 9 and settings.landing_strict
    # dbt starts in the warehouse's folder and names its file and spill folder from there
    assert settings.dbt_env()["SPM_DBT_WORKING_DIR"] == "/srv/spm/warehouse"
    assert settings.dbt_env()["SPM_WORK_DB"] == "work.duckdb"
    assert settings.dbt_env()["SPM_DUCKDB_MEMORY_LIMIT"] == "1.5GiB"
    assert settings.dbt_env()["SPM_DUCKDB_TEMP_DIR"] == "duckdb_tmp"
    assert settings.dbt_env()["SPM_DUCKDB_THREADS"] == "3"
    assert settings.dbt_env()["SPM_SPARK_DIR"] == "/srv/spm/warehouse/spark"
    # the as-of date reaches the models by the environment, not as a var (vars.sql): the
    # settings' date, whatever this process's SPM_AS_OF says
    another_day = dataclasses.replace(settings, as_of=dt.date(2024, 2, 29))
    assert another_day.dbt_env()["SPM_AS_OF"] == "2024-02-29"
    assert (settings.engine, settings.lake) == ("spark", "/srv/lake/spm")
    assert settings.duckdb_config() == {
        "memory_limit": "1.5GiB",
        "temp_directory": "/srv/spm/warehouse/duckdb_tmp",
        "threads": "3",
    }
    mail = settings.mail_config()
    assert mail.corporate_currency == "EUR"
    assert mail.email_to == ("cro@example.com", "vp@example.com")
    assert mail.sender == "spm@example.com"
    assert mail.site_url == "https://spm.example.com/"
    assert (mail.smtp_host, mail.smtp_port) == ("smtp.example.com", 2525)
    assert (mail.smtp_user, mail.smtp_password, mail.smtp_starttls) == ("mailer", "s3cret", False)
    assert mail.outbox_dir == Path("/srv/spm/warehouse/outbox")
    assert mail.duckdb_config["memory_limit"] == "1.5GiB"
    assert mail.duckdb_config["threads"] == "3"
    assert Path(mail.duckdb_config["temp_directory"]).parent == checks_spill.parent
    assert "s3cret" not in repr(mail)


def test_a_wrong_engine_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPM_ENGINE", "snowflake")
    with pytest.raises(ValueError, match="SPM_ENGINE='snowflake': expected one of duckdb, spark"):
        Settings.from_env()


def test_the_lake_defaults_to_the_warehouse_and_an_object_store_is_not_chmodded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _clean_env(monkeypatch)
    monkeypatch.setenv("SPM_WAREHOUSE_DIR", "/srv/spm/warehouse")
    assert Settings.from_env().lake == "/srv/spm/warehouse/lake"
    assert Path("/srv/spm/warehouse/lake") in Settings.from_env().private_warehouse_parts
    monkeypatch.setenv("SPM_LAKE_DIR", "s3://bucket/spm")
    settings = Settings.from_env()
    assert settings.lake == "s3://bucket/spm"
    assert not any("bucket" in str(part) for part in settings.private_warehouse_parts)


def test_a_wrong_log_level_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPM_LOG_LEVEL", "loud")
    with pytest.raises(ValueError, match="SPM_LOG_LEVEL='LOUD': expected one of DEBUG"):
        Settings.from_env()


def test_the_as_of_date_given_to_dbt_does_not_outlive_its_command(monkeypatch):
    """dagster-dbt starts dbt with this process's environment: the run's date is set for the
    command only, and the user's setting (or its absence) comes back."""
    monkeypatch.setenv("SPM_AS_OF", "2026-11-28")
    monkeypatch.delenv("SPM_TEST_UNSET_VARIABLE", raising=False)
    with environ_set({"SPM_AS_OF": "2025-01-31", "SPM_TEST_UNSET_VARIABLE": "1"}):
        assert os.environ["SPM_AS_OF"] == "2025-01-31"
        assert os.environ["SPM_TEST_UNSET_VARIABLE"] == "1"
    assert os.environ["SPM_AS_OF"] == "2026-11-28"
    assert "SPM_TEST_UNSET_VARIABLE" not in os.environ
