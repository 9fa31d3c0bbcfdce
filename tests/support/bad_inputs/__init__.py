"""Helpers of the bad_inputs tests, importable as `tests.support.bad_inputs.<module>`."""
