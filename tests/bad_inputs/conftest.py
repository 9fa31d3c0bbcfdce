"""Fixtures of the bad-input corpus: per-system templates and the one shared dbt run.

Speed is the point of their shape (the whole corpus must run in a few minutes on 2 cores):
- a **template** per system is the small demo company's files of that system, loaded once per
  session. A case copies only that system's warehouse, links the landing files and replaces
  the one it breaks, so its load reads one changed file (unchanged files are skipped by the
  incremental load) and loads only the records it changed;
- the **shared run** applies the faults of every shared case (quarantine cases, each on its
  own record) to one copy of crm, compensation, finance and sales_analytics (the rep history
  reads activities), loads it and builds the seeds and models of `+quarantine_opportunities
  +quarantine_quotas +fct_opportunities +fct_quotas` once (dbt's own tests run elsewhere).
  Each quarantine case then asserts its own rows in that one result.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ingestion.pipeline import LoadResult, load_system  # noqa: E402
from tests.support.bad_inputs.bad_input_cases import CASES
from tests.support.bad_inputs.bad_input_landing import Landing, link_tree
from tests.support.dbt.dbt_helpers import dbt_failure_summary, run_dbt
from tests.support.shared_fixtures import build_once

SHARED_SYSTEMS = ("crm", "compensation", "finance", "sales_analytics")
SHARED_MODELS = [
    "+quarantine_opportunities",
    "+quarantine_quotas",
    "+fct_opportunities",
    "+fct_quotas",
]


def linked_landing(small_landing: Path, root: Path, systems: tuple[str, ...]) -> Landing:
    """A landing folder of links to the company's files of `systems`, and its manifest."""
    root.mkdir(parents=True)
    for system in systems:
        link_tree(small_landing / system, root / system)
    os.link(small_landing / "_manifest.json", root / "_manifest.json")
    return Landing(root)


@dataclass(frozen=True)
class Template:
    """One system of the company, loaded: copy `warehouse` to break a case on top of it."""

    system: str
    warehouse: Path
    result: LoadResult

    @property
    def work_db(self) -> Path:
        return self.warehouse / "work.duckdb"


@dataclass
class Templates:
    """Templates built on first use, then kept for the session; checks' baselines likewise."""

    small_landing: Path
    root: Path
    built: dict[str, Template] = field(default_factory=dict)
    baselines: dict[tuple[str, str], object] = field(default_factory=dict)

    def get(self, system: str) -> Template:
        if system not in self.built:
            root = self.root / system
            linked_landing(self.small_landing, root / "landing", (system,))
            result = load_system(system, root / "landing", root / "warehouse")
            self.built[system] = Template(system, root / "warehouse", result)
        return self.built[system]

    def case_copy(self, system: str, case_root: Path) -> tuple[Landing, Path]:
        """A case's landing (links) and warehouse (a copy of the template's)."""
        template = self.get(system)
        landing = linked_landing(self.small_landing, case_root / "landing", (system,))
        warehouse = case_root / "warehouse"
        shutil.copytree(template.warehouse, warehouse)
        return landing, warehouse


@pytest.fixture(scope="session")
def bad_input_templates(small_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    return Templates(small_landing, tmp_path_factory.mktemp("bad_input_templates"))


@dataclass(frozen=True)
class SharedRun:
    """The shared copy after load and dbt: its warehouse and each shared case's record key."""

    work_db: Path
    keys: dict[str, str | None]


@pytest.fixture(scope="session")
def bad_input_shared_run(small_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    return build_once(
        tmp_path_factory, "bad_input_shared", lambda root: _shared_run(small_landing, root)
    )


def _shared_run(small_landing: Path, root: Path) -> SharedRun:
    landing = linked_landing(small_landing, root / "landing", SHARED_SYSTEMS)
    shared = [case for case in CASES if case.shared]
    keys = {case.id: case.fault(landing) for case in shared}
    records = [(case.table, keys[case.id]) for case in shared]
    assert len(set(records)) == len(records), f"two shared cases break one record: {records}"
    warehouse = root / "warehouse"
    for system in SHARED_SYSTEMS:
        load_system(system, landing.root, warehouse)
    done = run_dbt(
        ["build", "--resource-type", "seed", "--resource-type", "model"]
        + ["--select", *SHARED_MODELS],
        warehouse / "work.duckdb",
        root / "dbt",
        {"as_of_date": "2026-11-28", "fiscal_year_start_month": 1},
    )
    assert done.returncode == 0, dbt_failure_summary(done)
    return SharedRun(warehouse / "work.duckdb", keys)
