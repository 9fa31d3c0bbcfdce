"""Revenue intelligence source: weekly forecast calls -> `raw_revenue_intelligence`."""

from ingestion.sources.revenue_intelligence.source import revenue_intelligence_source

__all__ = ["revenue_intelligence_source"]
