"""Settings of the Salesforce API source (`[sources.salesforce_api]` in dlt's config)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ingestion.api_config import config_value, required_secret, secret_value, string_list
from ingestion.api_session import ApiConfigError

SECTION = "salesforce_api"
# records modified this long before the last load's newest SystemModstamp are read again:
# Salesforce stamps a record before its transaction commits, so a slow commit can appear
# with a stamp older than records already loaded
DEFAULT_OVERLAP_SECONDS = 300
Flow = Literal["client_credentials", "refresh_token"]


@dataclass(frozen=True)
class SalesforceConfig:
    """Where the org is, how to get a token, and how hard to try.

    `exclude_fields` lists `Object.Field` names the org does not have (a field not enabled,
    e.g. `Opportunity.CurrencyIsoCode` in a single-currency org): they are not queried and
    land as empty columns, so the raw tables keep their shape.
    """

    instance_url: str
    token_url: str
    client_id: str
    client_secret: str | None = None
    refresh_token: str | None = None
    flow: Flow = "client_credentials"
    api_version: str = "62.0"
    overlap_seconds: int = DEFAULT_OVERLAP_SECONDS
    batch_size: int = 2000
    exclude_fields: tuple[str, ...] = field(default_factory=tuple)
    max_attempts: int = 5
    max_delay_seconds: float = 60.0

    @classmethod
    def from_dlt(cls) -> SalesforceConfig:
        """Read every key from dlt's config and secret providers (see README.md)."""
        instance_url = config_value(SECTION, "instance_url")
        if not instance_url:
            raise ApiConfigError(
                "sources.salesforce_api.instance_url is not set: the org's My Domain URL "
                "(https://<domain>.my.salesforce.com) in .dlt/config.toml or "
                "SOURCES__SALESFORCE_API__INSTANCE_URL"
            )
        instance_url = str(instance_url).rstrip("/")
        flow = str(config_value(SECTION, "flow", "client_credentials"))
        if flow not in ("client_credentials", "refresh_token"):
            raise ApiConfigError(
                f"sources.salesforce_api.flow={flow!r}: expected client_credentials or "
                "refresh_token"
            )
        return cls(
            instance_url=instance_url,
            token_url=str(
                config_value(SECTION, "token_url", f"{instance_url}/services/oauth2/token")
            ),
            client_id=required_secret(SECTION, "client_id", "the connected app's consumer key"),
            client_secret=secret_value(SECTION, "client_secret"),
            refresh_token=(
                required_secret(SECTION, "refresh_token", "the refresh-token flow needs it")
                if flow == "refresh_token"
                else None
            ),
            flow=flow,  # type: ignore[arg-type]
            api_version=str(config_value(SECTION, "api_version", "62.0")),
            overlap_seconds=int(config_value(SECTION, "overlap_seconds", DEFAULT_OVERLAP_SECONDS)),
            batch_size=int(config_value(SECTION, "batch_size", 2000)),
            exclude_fields=string_list(config_value(SECTION, "exclude_fields")),
            max_attempts=int(config_value(SECTION, "max_attempts", 5)),
            max_delay_seconds=float(config_value(SECTION, "max_delay_seconds", 60)),
        )

    def excluded(self, object_name: str) -> set[str]:
        """Fields of one object the configuration drops."""
        prefix = f"{object_name}."
        return {name[len(prefix) :] for name in self.exclude_fields if name.startswith(prefix)}
