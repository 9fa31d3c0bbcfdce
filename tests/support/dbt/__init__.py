"""Helpers of the dbt tests, importable as `tests.support.dbt.<module>`."""
