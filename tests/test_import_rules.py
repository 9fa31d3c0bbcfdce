"""Which part of the house may import which: orchestration sits on top, the rest stand alone.

`orchestration` wires `ingestion`, `data_quality` and `reports` together and hands each its
configuration (`Settings.quality_config()`, `Settings.mail_config()`). Those three never
import `orchestration` nor each other, so each can be read, tested and changed on its own and
no import runs back up the house. Every import statement counts, also one inside a function
or under `TYPE_CHECKING`.

The tests import their shared helpers as a package (`tests.support.<area>.<module>`), never by
changing `sys.path` or loading a file by its path.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STANDALONE = ("ingestion", "data_quality", "reports")
PARTS = (*STANDALONE, "orchestration")


def imported_parts(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import of one of the house's parts."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [(node.lineno, n.split(".")[0]) for n in names if n.split(".")[0] in PARTS]
    return found


def test_the_rule_sees_imports_in_functions_and_type_checking_blocks(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from orchestration.settings import Settings\n"
        "def f():\n    import ingestion.pipeline\n    from . import sibling\n"
    )
    assert imported_parts(module) == [(3, "orchestration"), (5, "ingestion")]


@pytest.mark.parametrize("part", STANDALONE)
def test_a_standalone_part_imports_no_other_part(part: str) -> None:
    modules = sorted((ROOT / part).rglob("*.py"))
    assert modules, f"no modules found under {part}/"
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {other}"
        for path in modules
        for line, other in imported_parts(path)
        if other != part
    ]
    assert not wrong, "\n".join(wrong)


def path_hacks(path: Path) -> list[int]:
    """Lines that put a folder on `sys.path` or load a module from a file path."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        target = node.func.value
        on_sys_path = (
            isinstance(target, ast.Attribute)
            and target.attr == "path"
            and isinstance(target.value, ast.Name)
            and target.value.id == "sys"
        )
        if (on_sys_path and node.func.attr in {"insert", "append"}) or (
            node.func.attr == "spec_from_file_location"
        ):
            lines.append(node.lineno)
    return lines


def test_the_path_hack_finder_finds_them(tmp_path: Path) -> None:
    module = tmp_path / "conftest.py"
    module.write_text(
        "import sys, importlib.util\nsys.path.insert(0, 'x')\n"
        "importlib.util.spec_from_file_location('m', 'm.py')\nsys.path.append('y')\n"
    )
    assert path_hacks(module) == [2, 3, 4]


def test_no_test_module_changes_the_import_path() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for line in path_hacks(path)
    ]
    assert not wrong, "import from tests.support instead:\n" + "\n".join(wrong)
