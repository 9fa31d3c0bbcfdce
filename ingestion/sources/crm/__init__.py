"""CRM source: Salesforce Data Export CSVs -> `raw_crm` (see README.md beside this file)."""

from ingestion.sources.crm.contract import OBJECTS
from ingestion.sources.crm.source import crm_source

__all__ = ["OBJECTS", "crm_source"]
