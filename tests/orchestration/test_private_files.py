"""After a run, no file that holds pay can be read by another local user.

Pay is in the work warehouse (`raw_compensation`, `marts_restricted`), in dlt's folders (the
loaded compensation packages), in `spm_restricted.duckdb` and in the restricted site. The walk
covers the warehouse and both sites: every file that group or others may read must be one
meant for everyone (the published `spm.duckdb`, the public site, the lock file), and those are
checked for pay: no restricted schema in the file, no pay amount in the pages.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import duckdb
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.company]

OTHERS = stat.S_IRGRP | stat.S_IROTH | stat.S_IWGRP | stat.S_IWOTH


def _walk(root: Path) -> list[Path]:
    found = [root]
    for folder, dirs, files in os.walk(root):
        found += [Path(folder) / name for name in [*dirs, *files]]
    return found


def _pay_amounts(restricted_db: Path) -> set[str]:
    """Each rep's total and variable pay as the pages print money (`$93,176`)."""
    with duckdb.connect(str(restricted_db), read_only=True) as con:
        rows = con.execute(
            "select total_pay_amount from marts_restricted.pay_for_performance"
            " where total_pay_amount > 0"
            " union select variable_pay_amount from marts_restricted.pay_for_performance"
            " where variable_pay_amount > 0"
        ).fetchall()
    return {f"${float(value):,.0f}" for (value,) in rows}


def test_no_file_holding_pay_is_readable_by_others(small_pipeline) -> None:
    settings, outcome = small_pipeline
    assert outcome.published
    pay = _pay_amounts(settings.warehouse_dir / "spm_restricted.duckdb")
    assert len(pay) > 20, "the company should have pay to protect"

    restricted_pages = [p for p in _walk(settings.restricted_reports_dir) if p.suffix == ".html"]
    assert any(a in p.read_text() for p in restricted_pages for a in pay), "pay is shown there"
    # what holds pay is private file by file
    for root in (settings.restricted_reports_dir, settings.warehouse_dir / "dlt_pipelines"):
        for path in _walk(root):
            mode = stat.S_IMODE(path.lstat().st_mode)
            assert not mode & OTHERS, f"{path} is {oct(mode)}: readable by others"
    # compiled SQL, dbt's parse state and the run logs hold no pay; their folders are closed
    for folder in (settings.warehouse_dir / "dbt_target", settings.runs_dir):
        mode = stat.S_IMODE(folder.stat().st_mode)
        assert mode == 0o700, f"{folder} is {oct(mode)}"

    closed = (settings.warehouse_dir / "dbt_target", settings.runs_dir)
    open_to_others = [
        path
        for root in (settings.warehouse_dir, settings.reports_dir)
        for path in _walk(root)
        if path.is_file()
        and not any(path.is_relative_to(c) for c in closed)
        and stat.S_IMODE(path.stat().st_mode) & OTHERS
    ]
    for path in open_to_others:
        if path == settings.published_db:
            with duckdb.connect(str(path), read_only=True) as con:
                rows = con.execute("select schema_name from duckdb_schemas()").fetchall()
                schemas = {r[0] for r in rows}
            assert not {"marts_restricted", "raw_compensation"} & schemas, schemas
        elif path.is_relative_to(settings.reports_dir):
            text = path.read_text(errors="replace")
            assert not [a for a in pay if a in text], f"{path} shows pay"
        else:
            assert path.name == ".spm-run.lock", f"{path} is readable by others"
    for name in ("work.duckdb", "spm_restricted.duckdb"):
        mode = stat.S_IMODE((settings.warehouse_dir / name).stat().st_mode)
        assert mode == 0o600, f"{name} is {oct(mode)}"
    # the public site is readable by everyone (it holds no pay)
    assert stat.S_IMODE((settings.reports_dir / "index.html").stat().st_mode) == 0o644
