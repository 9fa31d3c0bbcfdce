"""Environment variables set for one block of code, then put back as they were.

Some libraries take their settings only from the process's environment: dagster-dbt starts
dbt with it (the run's as-of date goes to dbt this way) and dlt's API sources read their
credentials from it (the local CRM replicas set them). A value meant for one command must not
outlive it: a later `Settings.from_env()` in the same process would read it as the user's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


@contextmanager
def environ_set(values: Mapping[str, str]) -> Iterator[None]:
    """`values` in this process's environment for the block, then the environment as it was
    (a variable that was not set is removed again)."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
