"""SPM_CRM / SPM_CRM_CONNECTION: which CRM feeds the warehouse and how it is read."""

from __future__ import annotations

import pytest

from ingestion.pipeline import ingest_systems
from orchestration.settings import Settings


@pytest.mark.parametrize(
    ("crm", "connection", "expected"),
    [
        (None, None, ("salesforce", "files")),
        ("salesforce", "api", ("salesforce", "api")),
        ("HubSpot", None, ("hubspot", "api")),
        ("csv", None, ("csv", "files")),
    ],
)
def test_the_crm_and_its_connection_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, crm, connection, expected
) -> None:
    for name, value in (("SPM_CRM", crm), ("SPM_CRM_CONNECTION", connection)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    assert (settings.crm, settings.crm_connection) == expected
    assert settings.dbt_vars()["crm"] == expected[0]


@pytest.mark.parametrize(
    ("crm", "connection", "message"),
    [
        ("pipedrive", "", "SPM_CRM='pipedrive': expected one of salesforce, hubspot, csv"),
        ("hubspot", "files", "SPM_CRM_CONNECTION='files' with SPM_CRM=hubspot: expected api"),
        ("csv", "api", "SPM_CRM_CONNECTION='api' with SPM_CRM=csv: expected files"),
    ],
)
def test_an_impossible_choice_is_refused(
    monkeypatch: pytest.MonkeyPatch, crm: str, connection: str, message: str
) -> None:
    monkeypatch.setenv("SPM_CRM", crm)
    monkeypatch.setenv("SPM_CRM_CONNECTION", connection)
    with pytest.raises(ValueError) as excinfo:
        Settings.from_env()
    assert str(excinfo.value) == message


def test_hubspot_replaces_the_crm_system_of_a_run() -> None:
    assert ingest_systems("salesforce")[0] == "crm"
    assert ingest_systems("hubspot") == (
        "hubspot",
        "sales_analytics",
        "revenue_intelligence",
        "compensation",
        "finance",
    )
