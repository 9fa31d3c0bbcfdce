"""The as-of date reaches the models through the environment (`SPM_AS_OF`), not as a dbt var.

dbt parses the whole project again whenever a var changes, and the as-of date changes every
day: as a var it made each daily run parse in full. Read from the environment only while
executing (`dbt_project/macros/vars.sql`), it reaches the compiled SQL and leaves the parse of
the day before valid; a date that is not one stops the compile naming the variable. (A var
still wins: the dbt unit tests fix their own date that way.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.dbt.dbt_helpers import dbt_arguments, dbt_in_this_process

MODEL = "dim_rep"
COMPILED = Path("compiled/spm/models/marts/core/dim_rep.sql")
REPARSED = "Unable to do partial parsing"


def _compile(root: Path, as_of: str) -> tuple[str, str]:
    """`dbt compile` of one model in `root` (no saved parse but its own); (dbt's output, the
    compiled SQL)."""
    settings = {"SPM_WORK_DB": "work.duckdb", "SPM_DUCKDB_TEMP_DIR": "duckdb_tmp"}
    done = dbt_in_this_process(
        dbt_arguments(["compile", "--select", MODEL], root), root, {**settings, "SPM_AS_OF": as_of}
    )
    compiled = root / "target" / COMPILED
    sql = compiled.read_text() if done.returncode == 0 else ""
    return done.stdout + done.stderr, sql


@pytest.mark.slow  # three dbt builds (15 s): the full lane
def test_the_as_of_date_comes_from_the_environment_and_a_new_day_keeps_the_parse(tmp_path):
    """One folder, whose first compile parses in full (dbt says so: the control that the
    message this test looks for is the one dbt prints) and the next ones keep that parse."""
    first, sql = _compile(tmp_path, "2026-11-28")
    assert "cast('2026-11-28' as date)" in sql, first[-2000:]
    assert REPARSED in first

    next_day, sql = _compile(tmp_path, "2026-11-29")
    assert "cast('2026-11-29' as date)" in sql and "2026-11-28" not in sql, next_day[-2000:]
    assert REPARSED not in next_day, "a new as-of date made dbt parse the project again"

    not_a_date, _ = _compile(tmp_path, "2026-02-30")
    expected = "SPM_AS_OF=2026-02-30 is not a date, expected YYYY-MM-DD"
    assert expected in not_a_date, not_a_date[-2000:]
