"""dagster-dbt's dbt resource without the two things it does before every dbt command.

Before each `dbt build`, `DbtCliResource.cli` runs `dbt --version` in a subprocess (to tell
dbt Core from the Fusion engine) and loads the dbt project, its profile and its 600 macros
into the Dagster process (an adapter handle, used only to fetch column metadata and row
counts, which the pipeline never asks for). Together 3.1 s of every run on an idle machine,
measured (1.8 s and 1.3 s): a tenth of a small company's whole run. The dbt that runs is the
one installed beside this Python (`dbt_executable`), so its version is the installed
dbt-core's; a dbt found elsewhere on PATH is still asked.
"""

from __future__ import annotations

import sys
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from dagster_dbt import DbtCliResource
from packaging import version


class SpmDbtCliResource(DbtCliResource):
    """`DbtCliResource` that knows its dbt's version and opens no adapter in-process."""

    @cached_property
    def _cli_version(self) -> version.Version:
        if Path(self.dbt_executable).parent == Path(sys.executable).parent:
            return version.parse(installed_version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args: Any) -> None:  # noqa: ANN401
        """No adapter: the pipeline fetches no column metadata or row counts through it."""
        return None
