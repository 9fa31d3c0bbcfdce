"""The warehouse's DuckDB files are named once: a rename is one line, never a hunt.

The work warehouse is named by the ingestion that writes it (`ingestion/warehouse_files.py`),
the published files by the settings (`orchestration/settings.py`); every other module takes
the paths from there (`Settings.work_db`, `.published_db`, `.restricted_db`).
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("ingestion", "data_quality", "reports", "orchestration", "replicas")
NAMING_MODULES = {"ingestion/warehouse_files.py", "orchestration/settings.py"}


def duckdb_file_names(path: Path) -> list[str]:
    """Every string constant in a module that names a DuckDB file."""
    return [
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.strip().endswith(".duckdb")
    ]


def test_only_the_naming_modules_spell_a_duckdb_file_name() -> None:
    spelled: dict[str, list[str]] = {}
    for part in PARTS:
        for path in sorted((ROOT / part).rglob("*.py")):
            names = duckdb_file_names(path)
            if names:
                spelled[str(path.relative_to(ROOT))] = names
    assert set(spelled) == NAMING_MODULES, spelled
    counts = Counter(name for names in spelled.values() for name in names)
    assert counts == {"work.duckdb": 1, "spm.duckdb": 1, "spm_restricted.duckdb": 1}
