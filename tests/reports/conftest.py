"""Fixtures of the report tests: the fixture warehouse and the sites rendered from it once.

`report_warehouse` is the published warehouse the pages are tested against: the fixture
warehouse of `tests/support/reports/fixture_warehouse.py`, quick to build and shaped for the
pages' edge cases.
Tests of the pages on the real small demo company use `small_published_db` (tests/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.reports import fixture_warehouse


@pytest.fixture(scope="session")
def fixture_module():
    return fixture_warehouse


@pytest.fixture(scope="session")
def report_warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("published") / "spm.duckdb"
    return fixture_warehouse.build_fixture_warehouse(path)


@pytest.fixture(scope="session")
def hostile_warehouse(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "spm.duckdb"
    return fixture_warehouse.build_fixture_warehouse(path, hostile_names=True)


@pytest.fixture(scope="session")
def public_site(report_warehouse, tmp_path_factory):
    from reports.render import render_site

    out = tmp_path_factory.mktemp("site") / "build"
    return render_site(report_warehouse, out)


@pytest.fixture(scope="session")
def restricted_site(report_warehouse, tmp_path_factory):
    from reports.render import render_site

    out = tmp_path_factory.mktemp("site") / "build-restricted"
    return render_site(report_warehouse, out, restricted=True)


@pytest.fixture(scope="session")
def hostile_site(hostile_warehouse, tmp_path_factory):
    from reports.render import render_site

    out = tmp_path_factory.mktemp("hostile-site") / "build"
    return render_site(hostile_warehouse, out, restricted=True)
