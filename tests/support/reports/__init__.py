"""Helpers of the reports tests, importable as `tests.support.reports.<module>`."""
