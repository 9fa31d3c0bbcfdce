"""Any CRM's CSV export, through `crm_export/mapping.yml` -> `raw_crm` (see README.md here)."""

from ingestion.sources.crm_export.source import crm_export_source, crm_system_source

__all__ = ["crm_export_source", "crm_system_source"]
