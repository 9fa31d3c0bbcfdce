"""Finance source: daily FX rates -> `raw_finance`."""

from ingestion.sources.finance.source import finance_source

__all__ = ["finance_source"]
