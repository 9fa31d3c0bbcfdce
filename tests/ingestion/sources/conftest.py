"""Fixtures of the source tests: a tiny hand-written landing folder and a test warehouse."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from tiny_landing import Raw, TinyLanding  # noqa: E402


@pytest.fixture
def landing(tmp_path: Path) -> TinyLanding:
    return TinyLanding(tmp_path / "landing")


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse"


@pytest.fixture
def raw(warehouse: Path) -> Raw:
    return Raw(warehouse)


@pytest.fixture(scope="module")
def _loaded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny landing folder loaded once per module into a warehouse, kept as a template."""
    from ingestion.pipeline import load_all

    root = tmp_path_factory.mktemp("loaded_template")
    tiny = TinyLanding(root / "landing")
    load_all(tiny.root, root / "warehouse")
    return root


@pytest.fixture
def loaded(_loaded_template: Path, tmp_path: Path) -> tuple[TinyLanding, Path]:
    """A copy of the loaded template: (landing, warehouse), already loaded once, all systems.

    Copying the template is much faster than loading again, and each test may break its copy.
    """
    shutil.copytree(_loaded_template, tmp_path / "loaded")
    return TinyLanding.existing(tmp_path / "loaded" / "landing"), tmp_path / "loaded" / "warehouse"
