"""Settings of the HubSpot CRM v3 source (`[sources.hubspot_api]` in dlt's config)."""

from __future__ import annotations

from dataclasses import dataclass

from ingestion.api_config import config_value, required_secret

SECTION = "hubspot_api"
# deals modified this long before the last load's newest hs_lastmodifieddate are read again:
# HubSpot's search index trails writes by a few seconds to minutes
DEFAULT_OVERLAP_SECONDS = 300
# HubSpot documents no rule that a split edit moves the deal's hs_lastmodifieddate, so each
# incremental load also reads again the splits of every open deal and of every deal closed in
# this many days (the current quarter and the close-out of the one before it)
DEFAULT_SPLITS_RECHECK_DAYS = 100


@dataclass(frozen=True)
class HubSpotConfig:
    """Where the API is and the private app's token."""

    access_token: str
    base_url: str = "https://api.hubapi.com"
    overlap_seconds: int = DEFAULT_OVERLAP_SECONDS
    page_size: int = 100
    max_attempts: int = 6
    max_delay_seconds: float = 60.0
    splits_recheck_days: int = DEFAULT_SPLITS_RECHECK_DAYS

    @classmethod
    def from_dlt(cls) -> HubSpotConfig:
        return cls(
            access_token=required_secret(
                SECTION, "access_token", "the private app's access token (pat-...)"
            ),
            base_url=str(config_value(SECTION, "base_url", "https://api.hubapi.com")).rstrip("/"),
            overlap_seconds=int(config_value(SECTION, "overlap_seconds", DEFAULT_OVERLAP_SECONDS)),
            page_size=int(config_value(SECTION, "page_size", 100)),
            max_attempts=int(config_value(SECTION, "max_attempts", 6)),
            max_delay_seconds=float(config_value(SECTION, "max_delay_seconds", 60)),
            splits_recheck_days=splits_recheck_days(),
        )


def splits_recheck_days() -> int:
    """`splits_recheck_days` from dlt's config: a whole number of days, 0 or more (0 reads
    splits only for the deals a load brings)."""
    value = config_value(SECTION, "splits_recheck_days", DEFAULT_SPLITS_RECHECK_DAYS)
    try:
        days = int(str(value))
    except ValueError:
        days = -1
    if days < 0:
        raise ValueError(
            f"[sources.hubspot_api] splits_recheck_days = {value!r}: expected a whole number of"
            " days, 0 or more (SOURCES__HUBSPOT_API__SPLITS_RECHECK_DAYS)"
        )
    return days
