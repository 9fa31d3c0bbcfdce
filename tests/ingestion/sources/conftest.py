"""Fixtures of the source tests: a tiny hand-written landing folder and a test warehouse."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingestion.pipeline import LoadResult, load_all
from tests.support.ingestion.tiny_landing import Raw, TinyLanding


@pytest.fixture
def landing(tmp_path: Path) -> TinyLanding:
    return TinyLanding(tmp_path / "landing")


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse"


@pytest.fixture
def raw(warehouse: Path) -> Raw:
    return Raw(warehouse)


@dataclass(frozen=True)
class Template:
    """The tiny landing folder loaded once: its folder, counts and the load results."""

    root: Path
    counts: dict[str, int]
    results: dict[str, LoadResult]

    @property
    def raw(self) -> Raw:
        return Raw(self.root / "warehouse")


@pytest.fixture(scope="module")
def loaded_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The tiny landing folder loaded once per module, all systems. Read it, never change it."""
    root = tmp_path_factory.mktemp("loaded_template")
    tiny = TinyLanding(root / "landing")
    results = load_all(tiny.root, root / "warehouse")
    return Template(root, dict(tiny.counts), results)


@pytest.fixture
def loaded(loaded_template: Template, tmp_path: Path) -> tuple[TinyLanding, Path]:
    """A copy of the loaded template: (landing, warehouse), already loaded once, all systems.

    Copying the template is much faster than loading again, and each test may break its copy.
    """
    shutil.copytree(loaded_template.root, tmp_path / "loaded")
    return TinyLanding.existing(tmp_path / "loaded" / "landing"), tmp_path / "loaded" / "warehouse"
