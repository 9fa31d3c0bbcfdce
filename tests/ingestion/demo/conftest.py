"""The small demo company, generated once per session for the generator's own tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.support.ingestion.demo_landing import Company

NOV = dt.date(2026, 11, 28)
MAR = dt.date(2026, 3, 15)
SEED = 42


def _generate(path: Path, **kwargs: object) -> Company:
    from ingestion.demo import generate

    manifest = generate(path, scale="small", seed=SEED, **kwargs)
    return Company(path, manifest, int(kwargs.get("fiscal_year_start_month", 1)))


@pytest.fixture(scope="session")
def company(tmp_path_factory: pytest.TempPathFactory) -> Company:
    """Small company, as of 2026-11-28, fiscal year = calendar year."""
    return _generate(tmp_path_factory.mktemp("demo_nov"), as_of=NOV)


@pytest.fixture(scope="session")
def company_again(tmp_path_factory: pytest.TempPathFactory) -> Company:
    """The same arguments again, into another folder."""
    return _generate(tmp_path_factory.mktemp("demo_nov_again"), as_of=NOV)


@pytest.fixture(scope="session")
def company_feb(tmp_path_factory: pytest.TempPathFactory) -> Company:
    """Small company, as of 2026-03-15, fiscal year starting in February, hostile names."""
    return _generate(
        tmp_path_factory.mktemp("demo_mar_feb"),
        as_of=MAR,
        fiscal_year_start_month=2,
        exotic_names=True,
    )


@pytest.fixture(scope="session", params=["nov", "feb"])
def any_company(request: pytest.FixtureRequest) -> Company:
    return request.getfixturevalue("company" if request.param == "nov" else "company_feb")
