"""Helpers of the ingestion tests, importable as `tests.support.ingestion.<module>`."""
