"""Sales analytics source: daily activity JSON lines -> `raw_sales_analytics`."""

from ingestion.sources.sales_analytics.source import sales_analytics_source

__all__ = ["sales_analytics_source"]
