"""A planted fault in a mart still fails `dbt build`, now that the mart's contract (not a test
node) holds the rule.

Keys of small marts, allowed values and the leaderboard's attainment rule are constraints of
the marts' enforced contracts: DuckDB refuses the row while the table is built, the model
fails, and nothing downstream runs. The worked-example company is built once up to the marts;
each test copies it, plants one fault in the intermediate table a mart reads (a repeated key,
a null key, a value outside the list, a repeated sort order), rebuilds that mart, and reads
dbt's error: it names the model and DuckDB names the constraint.

Also here: every mart still has its key guarded, by a constraint or by a `unique` test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_manifest import load_manifest
from orchestration.publish_postgres import guarded_columns
from tests.support.dbt.dbt_helpers import dbt_failure_summary, run_dbt
from tests.support.dbt.dbt_kpi_company import write_kpi_company

AS_OF = "2026-04-10"
VARS = {"as_of_date": AS_OF, "fiscal_year_start_month": 1}
MARTS = ["dim_team", "dim_stage"]

pytestmark = pytest.mark.xdist_group("mart_constraints")


@pytest.fixture(scope="module", name="company_dir")
def fixture_company_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The worked-example company built up to dim_team and dim_stage (models and tests), kept
    as `built.duckdb`. The tests rebuild in the same folder, one after the other (one xdist
    group), so dbt's partial parse carries over and each rebuild takes seconds."""
    root = tmp_path_factory.mktemp("mart_constraints")
    db = root / "work.duckdb"
    con = duckdb.connect(str(db))
    write_kpi_company(con)
    con.close()
    done = run_dbt(
        [
            "build",
            "--select",
            *[f"+{mart}" for mart in MARTS],
            "--indirect-selection",
            "cautious",
            "--exclude-resource-type",
            "unit_test",
        ],
        work_db=db,
        target_dir=root,
        dbt_vars=VARS,
    )
    assert done.returncode == 0, "dbt build failed:\n" + dbt_failure_summary(done)
    shutil.copyfile(db, root / "built.duckdb")
    return root


def _rebuild_with(company_dir: Path, fault: str | None, mart: str) -> str:
    """Restore the built company, run `fault` (SQL) on it, `dbt build` the mart: dbt's output."""
    db = company_dir / "work.duckdb"
    shutil.copyfile(company_dir / "built.duckdb", db)
    if fault:
        con = duckdb.connect(str(db))
        con.execute(fault)
        con.close()
    done = run_dbt(
        ["build", "--select", mart, "--indirect-selection", "cautious"],
        work_db=db,
        target_dir=company_dir,
        dbt_vars=VARS,
    )
    output = done.stdout + done.stderr
    if fault is None:
        assert done.returncode == 0, "the untouched company fails:\n" + dbt_failure_summary(done)
    else:
        assert done.returncode != 0, f"dbt build passed with the fault planted: {fault}"
        assert f"Runtime Error in model {mart} " in output, output[-3000:]
    return output


def test_the_untouched_company_builds(company_dir: Path) -> None:
    _rebuild_with(company_dir, None, "dim_team")


def test_a_repeated_key_fails_the_build(company_dir: Path) -> None:
    output = _rebuild_with(
        company_dir,
        "insert into intermediate.int_teams_pathed "
        "select * from intermediate.int_teams_pathed where team_id = 'R1'",
        "dim_team",
    )
    assert 'PRIMARY KEY or UNIQUE constraint violation: duplicate key "R1"' in output


def test_a_null_key_fails_the_build(company_dir: Path) -> None:
    output = _rebuild_with(
        company_dir,
        "update intermediate.int_teams_pathed set team_id = null where team_id = 'R1'",
        "dim_team",
    )
    assert "NOT NULL constraint failed: dim_team__dbt_tmp.team_id" in output


def test_a_value_outside_the_list_fails_the_build(company_dir: Path) -> None:
    output = _rebuild_with(
        company_dir,
        "update intermediate.int_teams_pathed set hierarchy_level = 'division' "
        "where team_id = 'R1'",
        "dim_team",
    )
    assert "CHECK constraint failed on table dim_team__dbt_tmp" in output
    assert "hierarchy_level IN ('company', 'region', 'team')" in output


def test_a_repeated_sort_order_fails_the_build(company_dir: Path) -> None:
    output = _rebuild_with(
        company_dir,
        "update intermediate.int_crm_stages_resolved set stage_order = 1",
        "dim_stage",
    )
    assert 'PRIMARY KEY or UNIQUE constraint violation: duplicate key "1"' in output


def _guards(node: dict) -> dict[str, set[str]]:
    return {
        name: {c["type"] for c in column.get("constraints") or []}
        for name, column in node["columns"].items()
    }


def test_every_mart_key_is_guarded() -> None:
    """Each mart's key (its first column, by convention) is unique by a primary key or
    unique constraint, or by a test (`unique:` of the model's `column_rules`) where an index
    costs more than the test."""
    manifest = load_manifest()
    unique_tests = {
        (node["attached_node"], column)
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and node.get("attached_node")
        for column, kind in guarded_columns(node)
        if kind == "unique"
    }
    unguarded = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model" or node["config"].get("schema") not in {
            "marts",
            "marts_restricted",
        }:
            continue
        key = next(iter(node["columns"]))
        kinds = _guards(node)[key]
        if not kinds & {"primary_key", "unique"} and (unique_id, key) not in unique_tests:
            unguarded.append(f"{node['name']}.{key}")
    assert not unguarded, f"mart keys with no unique guarantee: {unguarded}"


def test_no_mart_value_list_is_left_as_a_test_node() -> None:
    """An `accepted_values` test of severity error on a mart is a check constraint instead
    (a test node costs dbt ~50 ms; the check costs DuckDB nothing measurable). Warnings stay
    tests: a constraint cannot warn."""
    manifest = load_manifest()
    left = [
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        and (node.get("test_metadata") or {}).get("name") == "accepted_values"
        and node["config"]["severity"].lower() == "error"
        and manifest["nodes"][node["attached_node"]]["config"].get("schema")
        in {"marts", "marts_restricted"}
    ]
    assert not left, f"accepted_values tests left on marts: {left}"


def test_column_rules_are_one_test_per_model() -> None:
    """A model's column rules are listed in its one `column_rules` test, not as one generic
    test node per column and rule (tens of milliseconds of dbt's own work each): required
    columns (`not_null`), the key (`unique`), foreign keys (`relationships`) and categories
    (`accepted_values`). A separate test is left only where a `where` keeps it to some rows
    or a severity other than error makes it warn, which the model-level test cannot say per
    column."""
    manifest = load_manifest()
    rules = {}
    for node in manifest["nodes"].values():
        if (node.get("test_metadata") or {}).get("name") == "column_rules":
            rules.setdefault(node["attached_node"], []).append(node["name"])
    assert all(len(names) == 1 for names in rules.values()), rules
    assert all(names == [f"column_rules_{model.split('.')[-1]}"] for model, names in rules.items())
    separate = [
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        and (node.get("test_metadata") or {}).get("name")
        in {"not_null", "relationships", "accepted_values"}
        and node.get("attached_node")
        and not node["config"].get("where")
        and node["config"].get("severity", "error").lower() == "error"
    ]
    assert not separate, f"tests to move into the model's column_rules: {separate}"
    # ... and a key in the same test (`unique:`), not as a `unique` node of its own
    separate_keys = [
        node["name"]
        for node in manifest["nodes"].values()
        if (node.get("test_metadata") or {}).get("name") == "unique"
        and node.get("attached_node") in rules
    ]
    assert not separate_keys, f"unique tests to fold into column_rules: {separate_keys}"
