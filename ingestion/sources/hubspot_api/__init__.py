"""CRM through the HubSpot CRM v3 API -> `raw_hubspot` (see README.md beside this file)."""

from ingestion.sources.hubspot_api.config import HubSpotConfig
from ingestion.sources.hubspot_api.source import hubspot_api_source

__all__ = ["HubSpotConfig", "hubspot_api_source"]
