"""Shared fixtures: the small demo company, generated once, and its full pipeline run.

Everything runs offline on a fixed seed and as-of date, in temporary folders, so tests never
touch the user's `data/` or `warehouse/`.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.support.dbt.dbt_helpers import PARSE_CACHE_VARIABLE
from tests.support.shared_fixtures import build_once, run_dagster_home

SMALL_AS_OF = dt.date(2026, 11, 28)
SMALL_SEED = 42

# `spm run` records its runs in the Dagster instance of DAGSTER_HOME: tests get their own (one
# per test process, deleted at exit), never the developer's `.dagster_home`, which `make`
# exports.
_DAGSTER_HOME = tempfile.mkdtemp(prefix="spm-test-dagster-home-")
os.environ["DAGSTER_HOME"] = _DAGSTER_HOME
atexit.register(shutil.rmtree, _DAGSTER_HOME, ignore_errors=True)
os.environ.setdefault("SEND_ANONYMOUS_USAGE_STATS", "no")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("DLT_TELEMETRY", "false")
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
# Two workers on two cores: one DuckDB thread per connection spends less CPU on the same work
# than two threads per connection competing for the cores (tests/bench/README.md).
os.environ.setdefault("SPM_DUCKDB_THREADS", "1")


@pytest.fixture(scope="session", autouse=True)
def dbt_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder where `run_dbt` keeps dbt's parses by vars, shared by the run's workers (see
    tests/support/dbt/dbt_helpers.py)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "dbt_parses"
    os.environ[PARSE_CACHE_VARIABLE] = str(folder)
    return folder


@pytest.fixture(scope="session")
def small_as_of() -> dt.date:
    return SMALL_AS_OF


@pytest.fixture(scope="session")
def small_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo company (fiscal year = calendar year), generated once per session.

    Its names hold the generator's hostile strings (`exotic_names`: a rep called
    `<script>alert(1)</script>`, an account called `=HYPERLINK(...)`, quotes, commas, non-Latin
    letters), so every test of the real pipeline also proves they load, publish and render
    as text. Amounts and faults do not depend on the names.
    """
    from ingestion.demo import generate

    def build(out: Path) -> Path:
        generate(out, scale="small", seed=SMALL_SEED, as_of=SMALL_AS_OF, exotic_names=True)
        return out

    return build_once(tmp_path_factory, "small_landing", build)


def make_settings(landing: Path, root: Path, **overrides: object):
    """Settings for a pipeline run in `root` (warehouse and reports under it)."""
    from orchestration.settings import Settings

    base = Settings.from_env().with_overrides(
        landing_dir=landing,
        warehouse_dir=root / "warehouse",
        reports_dir=root / "reports" / "build",
        as_of=SMALL_AS_OF,
        fiscal_year_start_month=1,
        corporate_currency="USD",
    )
    return base.with_overrides(**overrides) if overrides else base


@pytest.fixture(scope="session")
def small_pipeline(small_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    """The whole pipeline run once on the small company: (settings, outcome). Its run is
    recorded in a Dagster instance of its own (`run_dagster_home(settings)`)."""
    return build_once(tmp_path_factory, "small_run", lambda root: _run(small_landing, root))


def _run(landing: Path, root: Path):
    """`run_pipeline` on `landing` in `root`, recorded in `root`'s own Dagster instance."""
    from orchestration.runner import run_pipeline

    settings = make_settings(landing, root)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(run_dagster_home(settings)))
        return settings, run_pipeline(settings)


# The optional CRM files: without them splits credit the owner, history starts at the load.
OPTIONAL_CRM_FILES = (
    "OpportunitySplit.csv",
    "OpportunitySplitType.csv",
    "OpportunityHistory.csv",
    "OpportunityLineItem.csv",
)


def _landing_with(small_landing: Path, root: Path, systems: tuple[str, ...]) -> Path:
    landing = root / "landing"
    landing.mkdir(parents=True)
    for system in systems:
        shutil.copytree(small_landing / system, landing / system)
    return landing


@pytest.fixture(scope="session")
def crm_only_run(small_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    """`spm run` on the small company with only its CRM and finance landed: (settings,
    outcome). Sales analytics, revenue intelligence and compensation never landed."""
    return build_once(
        tmp_path_factory,
        "crm_only",
        lambda root: _run(_landing_with(small_landing, root, ("crm", "finance")), root),
    )


@pytest.fixture(scope="session")
def crm_minimal_run(small_landing: Path, tmp_path_factory: pytest.TempPathFactory):
    """`spm run` on the least a company can land: the CRM's required files, nothing else (no
    finance, no splits, history or line items): (settings, outcome)."""

    def build(root: Path):
        landing = _landing_with(small_landing, root, ("crm",))
        for name in OPTIONAL_CRM_FILES:
            (landing / "crm" / name).unlink()
        return _run(landing, root)

    return build_once(tmp_path_factory, "crm_minimal", build)


@pytest.fixture(scope="session")
def small_published_db(small_pipeline) -> Path:
    """The published warehouse of the small demo company (read it read-only)."""
    settings, outcome = small_pipeline
    assert outcome.published, f"the small demo company did not publish: {outcome.report}"
    return settings.published_db


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that share an expensive company (an `xdist_group`) are also marked `company`, so
    the fast lane (`make test-fast`: `-m "not slow and not company"`) leaves them out.

    The slow tests (whole pipeline runs, the Evidence build) come first, then the companies,
    then the rest: xdist hands the workers their tests in this order (the Makefile passes
    `--no-loadscope-reorder`), so the two workers end together on short tests, instead of one
    idling while the other still runs a minute-long test it was handed last. Within each, the
    tests that need the shared small company's run come after those that do not, so one
    worker builds it while the other has other work (not both waiting for it at the start).
    First of all come the `standalone` slow tests, which need no shared company at all (the
    Evidence build, two minutes): one worker starts on them while the other builds what the
    rest share, where both used to start on the bad-input corpus and one waited for the
    other's build of it."""
    for item in items:
        if item.get_closest_marker("xdist_group") is not None:
            item.add_marker(pytest.mark.company)

    def weight(item: pytest.Item) -> tuple[int, bool]:
        shared = "small_pipeline" in getattr(item, "fixturenames", ())
        if item.get_closest_marker("standalone") is not None:
            return -1, shared
        if item.get_closest_marker("slow") is not None:
            return 0, shared
        return (1 if item.get_closest_marker("company") is not None else 2), shared

    items.sort(key=weight)
