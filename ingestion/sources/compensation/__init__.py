"""Compensation source: quota workbooks and ICM exports -> `raw_compensation`."""

from ingestion.sources.compensation.source import compensation_source

__all__ = ["compensation_source"]
