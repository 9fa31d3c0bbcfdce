"""CRM through the Salesforce REST API -> `raw_crm` (see README.md beside this file)."""

from ingestion.sources.salesforce_api.config import SalesforceConfig
from ingestion.sources.salesforce_api.source import salesforce_api_source

__all__ = ["SalesforceConfig", "salesforce_api_source"]
