"""Each failure of the Salesforce API behaves as documented: an expired token is refreshed
once, 429/500/503 are retried within a bound honouring Retry-After, an unknown field names
object, field and the setting that drops it, and a failed load writes nothing."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ingestion.api_session import ApiAuthError, ApiConfigError, ApiError
from ingestion.pipeline import load_system, make_pipeline
from ingestion.sources.salesforce_api import salesforce_api_source
from ingestion.sources.salesforce_api.client import SalesforceQueryError
from replicas.connect import crm_replica
from replicas.salesforce import SalesforceReplica
from replicas.server import ReplicaServer
from tests.support.ingestion.salesforce_api_helpers import query, replica_config

# a replica Salesforce server per test, with real retries
pytestmark = pytest.mark.slow

# two small objects: request 1 queries User, request 2 UserRole (then their pages)
SMALL_OBJECTS = ("user", "user_role")


class Sleeps(list[float]):
    """Records the back-off waits instead of sleeping them."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _load(landing: Path, warehouse: Path, resources=SMALL_OBJECTS, **options):
    """Load `resources` through a fresh replica; returns (replica, sleeps, rows per table)."""
    config_changes = options.pop("config", {})
    replica = SalesforceReplica(landing, **options)
    sleeps = Sleeps()
    with ReplicaServer(replica) as server:
        config = replica_config(server, replica, **config_changes)
        source = salesforce_api_source(config, sleep=sleeps).with_resources(*resources)
        make_pipeline("crm", warehouse).run(source)
    counts = {
        table: query(warehouse, f'select count(*) from raw_crm."{table}"')[0][0]
        for table in resources
    }
    return replica, sleeps, counts


def _cause(excinfo: pytest.ExceptionInfo[BaseException], kind: type[BaseException]):
    seen = excinfo.value
    while seen is not None and not isinstance(seen, kind):
        seen = seen.__cause__ or seen.__context__
    assert seen is not None, f"no {kind.__name__} in {excinfo.value!r}"
    return seen


def test_an_expired_token_is_refreshed_once_and_the_load_completes(
    small_landing: Path, tmp_path: Path
) -> None:
    replica, _, counts = _load(small_landing, tmp_path / "wh", faults={2: "expire"})
    assert replica.tokens_issued == 2
    assert counts == {"user": len(replica.org["User"]), "user_role": len(replica.org["UserRole"])}


def test_a_token_rejected_after_refresh_fails_clearly_and_writes_nothing(
    small_landing: Path, tmp_path: Path
) -> None:
    with (
        crm_replica("salesforce-api", small_landing, reject_all_tokens=True) as replica,
        pytest.raises(ApiAuthError) as excinfo,
    ):
        load_system("crm", small_landing, tmp_path / "wh", connection="api")
    assert replica.tokens_issued == 2  # the first token, and one refresh
    message = str(excinfo.value)
    assert "Salesforce" in message and "freshly issued access token was rejected" in message
    assert "INVALID_SESSION_ID" in message
    assert not (tmp_path / "wh" / "work.duckdb").exists() or not query(
        tmp_path / "wh",
        "select table_name from information_schema.tables where table_schema = 'raw_crm'"
        " and table_name = 'user'",
    )


def test_wrong_client_credentials_name_the_token_endpoint(
    small_landing: Path, tmp_path: Path
) -> None:
    with pytest.raises(Exception) as excinfo:
        _load(small_landing, tmp_path / "wh", config={"client_secret": "wrong"})
    error = _cause(excinfo, ApiAuthError)
    assert "/services/oauth2/token refused the client_credentials grant" in str(error)
    assert "invalid_client" in str(error)


@pytest.mark.parametrize("status", ["429", "503", "500"])
def test_a_transient_error_is_retried_once_and_the_load_completes(
    status: str, small_landing: Path, tmp_path: Path
) -> None:
    replica, sleeps, counts = _load(
        small_landing, tmp_path / "wh", faults={2: status}, retry_after=3
    )
    assert counts["user_role"] == len(replica.org["UserRole"])
    assert len(sleeps) == 1
    if status == "429":
        # Retry-After: 3 is honoured (plus at most a second of jitter)
        assert 3 <= sleeps[0] <= 4
    else:
        assert 0 < sleeps[0] <= 1  # first back-off step of the default 1 s base


def test_back_off_is_jittered_and_bounded_then_fails_naming_the_status(
    small_landing: Path, tmp_path: Path
) -> None:
    random.seed(7)
    with pytest.raises(Exception) as excinfo:
        _load(
            small_landing,
            tmp_path / "wh",
            faults={n: "503" for n in range(1, 20)},
            config={"max_attempts": 4, "max_delay_seconds": 2.5},
        )
    error = _cause(excinfo, ApiError)
    assert "Salesforce: 503 on" in str(error) and "after 4 attempts" in str(error)
    assert "SERVER_UNAVAILABLE" in str(error)


def test_back_off_waits_grow_with_jitter_and_never_pass_the_bound(
    small_landing: Path, tmp_path: Path
) -> None:
    replica = SalesforceReplica(small_landing, faults={n: "500" for n in range(1, 6)})
    sleeps = Sleeps()
    with ReplicaServer(replica) as server:
        config = replica_config(server, replica, max_attempts=6, max_delay_seconds=3.0)
        source = salesforce_api_source(config, sleep=sleeps).with_resources("user")
        make_pipeline("crm", tmp_path / "wh").run(source)
    assert len(sleeps) == 5
    ceilings = [1, 2, 3, 3, 3]
    assert all(c / 2 <= s <= c for s, c in zip(sleeps, ceilings, strict=True)), sleeps


def test_a_retry_after_beyond_the_bound_fails_at_once(small_landing: Path, tmp_path: Path) -> None:
    with pytest.raises(Exception) as excinfo:
        _load(
            small_landing,
            tmp_path / "wh",
            faults={1: "429"},
            retry_after=3600,
            config={"max_delay_seconds": 60},
        )
    error = _cause(excinfo, ApiError)
    assert "asks to wait 3600s (Retry-After), more than the 60s this load waits" in str(error)


def test_an_invalid_field_names_object_field_and_the_setting_to_drop_it(
    small_landing: Path, tmp_path: Path
) -> None:
    missing = {"Opportunity": {"CurrencyIsoCode"}}
    with (
        crm_replica("salesforce-api", small_landing, missing_fields=missing),
        pytest.raises(SalesforceQueryError) as excinfo,
    ):
        load_system("crm", small_landing, tmp_path / "wh", connection="api")
    message = str(excinfo.value)
    assert message.startswith("Salesforce Opportunity: field CurrencyIsoCode does not exist")
    assert "(INVALID_FIELD)" in message
    assert 'exclude_fields = ["Opportunity.CurrencyIsoCode"]' in message
    assert "SOURCES__SALESFORCE_API__EXCLUDE_FIELDS" in message


def test_an_excluded_field_lands_as_an_empty_column(small_landing: Path, tmp_path: Path) -> None:
    missing = {"Opportunity": {"CurrencyIsoCode"}}
    replica, _, counts = _load(
        small_landing,
        tmp_path / "wh",
        resources=("opportunity",),
        missing_fields=missing,
        config={"exclude_fields": ("Opportunity.CurrencyIsoCode",)},
    )
    assert counts["opportunity"] == len(replica.org["Opportunity"])
    assert query(
        tmp_path / "wh",
        "select count(*), count(currency_iso_code) from raw_crm.opportunity",
    ) == [(counts["opportunity"], 0)]
    assert all("CurrencyIsoCode" not in q for q in replica.queries)


def test_a_key_cannot_be_excluded(small_landing: Path, tmp_path: Path) -> None:
    with pytest.raises(Exception) as excinfo:
        _load(small_landing, tmp_path / "wh", config={"exclude_fields": ("User.SystemModstamp",)})
    error = _cause(excinfo, ApiConfigError)
    assert "User.SystemModstamp, which the warehouse needs" in str(error)


def test_an_unreachable_api_fails_after_bounded_retries() -> None:
    import socket

    from ingestion.api_session import ResilientSession

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = Sleeps()
    session = ResilientSession("Salesforce", max_attempts=3, sleep=sleeps)
    with pytest.raises(ApiError) as excinfo:
        session.get(f"http://127.0.0.1:{port}/services/data/v62.0/query?q=x")
    message = str(excinfo.value)
    assert f"127.0.0.1:{port}/services/data/v62.0/query unreachable after 3 attempts" in message
    assert "ConnectionError" in message
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] / 2


def test_a_missing_setting_names_the_key_and_where_it_goes(
    small_landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCES__SALESFORCE_API__INSTANCE_URL", raising=False)
    with pytest.raises(ApiConfigError) as excinfo:
        load_system("crm", small_landing, tmp_path / "wh", connection="api")
    message = str(excinfo.value)
    assert message.startswith("sources.salesforce_api.instance_url is not set")
    assert ".dlt/config.toml" in message and "SOURCES__SALESFORCE_API__INSTANCE_URL" in message


def test_an_optional_object_the_org_lacks_is_loaded_as_absent(
    small_landing: Path, tmp_path: Path
) -> None:
    """An org without Opportunity Splits (a feature to enable) loads like an export without
    the splits file: the table exists empty and the load says why; every deal then credits
    its owner."""
    warehouse = tmp_path / "wh"
    with crm_replica("salesforce-api", small_landing) as replica:
        replica.org.pop("OpportunitySplit")
        result = load_system("crm", small_landing, warehouse, connection="api")
    assert query(warehouse, "select count(*) from raw_crm.opportunity_split") == [(0,)]
    assert query(warehouse, "select count(*) > 0 from raw_crm.opportunity") == [(True,)]
    [warning] = result.warnings["opportunity_split"]
    assert warning.startswith("Salesforce OpportunitySplit is not available in this org")
    assert "INVALID_TYPE" in warning and "as if its export file were absent" in warning


def test_a_required_object_the_org_hides_still_fails(small_landing: Path, tmp_path: Path) -> None:
    with crm_replica("salesforce-api", small_landing) as replica:
        replica.org.pop("Opportunity")
        with pytest.raises(SalesforceQueryError) as excinfo:
            load_system("crm", small_landing, tmp_path / "wh", connection="api")
    assert str(excinfo.value).startswith("Salesforce Opportunity: the object is not available")


def test_an_optional_object_that_vanishes_after_a_load_fails(
    small_landing: Path, tmp_path: Path
) -> None:
    """Splits loaded yesterday and refused today is a revoked permission, not an org without
    splits: the load stops rather than keep yesterday's splits as if current."""
    warehouse = tmp_path / "wh"
    with crm_replica("salesforce-api", small_landing) as replica:
        load_system("crm", small_landing, warehouse, connection="api")
        replica.org.pop("OpportunitySplit")
        with pytest.raises(SalesforceQueryError) as excinfo:
            load_system("crm", small_landing, warehouse, connection="api")
    assert "OpportunitySplit" in str(excinfo.value)
