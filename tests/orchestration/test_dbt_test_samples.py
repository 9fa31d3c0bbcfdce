"""A failed dbt test's rows reach the run report, unless they could show pay."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_test_samples import add_failed_test_samples, failed_test_samples

NULLS_SQL = """
with counted as (
    select sum(case when rep_id is null then 1 else 0 end) as nulls_1,
           sum(case when team_id is null then 1 else 0 end) as nulls_2
    from staging.deals
)
select 'rep_id' as column_name, nulls_1 as null_rows from counted where nulls_1 > 0
union all
select 'team_id', nulls_2 from counted where nulls_2 > 0
"""
UNIQUE_SQL = (
    "select deal_id as unique_field, count(*) as n_records from {table}"
    " group by deal_id having count(*) > 1"
)


def _model(name: str, fqn: list[str], schema: str = "staging") -> dict:
    return {"name": name, "resource_type": "model", "fqn": fqn, "config": {"schema": schema}}


def _test(name: str, kind: str | None, attached: str | None) -> dict:
    node = {"name": name, "resource_type": "test", "attached_node": attached, "config": {}}
    if kind:
        node["test_metadata"] = {"name": kind, "kwargs": {}}
    return node


@pytest.fixture(name="build")
def fixture_build(tmp_path: Path) -> tuple[Path, Path]:
    """A work warehouse with planted faults and the target folder of a build that found them."""
    work_db = tmp_path / "work.duckdb"
    con = duckdb.connect(str(work_db))
    con.execute("create schema staging")
    con.execute(
        "create table staging.deals as select * from (values"
        " ('D1', 'R1', 'T1', 100.50), ('D1', null, 'T1', 20.00), ('D2', null, null, 5.25))"
        " t(deal_id, rep_id, team_id, amount)"
    )
    con.execute("create table staging.payouts as select * from staging.deals")
    con.close()
    nodes = {
        "model.spm.deals": _model("deals", ["spm", "staging", "crm", "deals"]),
        "model.spm.payouts": _model("payouts", ["spm", "staging", "compensation", "payouts"]),
        "test.spm.nulls_deals.1": _test("nulls_deals", "column_rules", "model.spm.deals"),
        "test.spm.unique_deals.2": _test("unique_deals", "unique", "model.spm.deals"),
        "test.spm.unique_payouts.3": _test("unique_payouts", "unique", "model.spm.payouts"),
        "test.spm.nulls_payouts.4": _test("nulls_payouts", "column_rules", "model.spm.payouts"),
        "test.spm.assert_pay.5": _test("assert_pay", None, None),
        "test.spm.broken.6": _test("broken", "unique", "model.spm.deals"),
    }
    compiled = {
        "test.spm.nulls_deals.1": NULLS_SQL,
        "test.spm.unique_deals.2": UNIQUE_SQL.format(table="staging.deals") + ";",
        "test.spm.unique_payouts.3": UNIQUE_SQL.format(table="staging.payouts"),
        "test.spm.nulls_payouts.4": NULLS_SQL.replace("staging.deals", "staging.payouts"),
        "test.spm.assert_pay.5": "select deal_id, amount from staging.payouts",
        "test.spm.broken.6": "select no_such_column from staging.deals",
    }
    target = tmp_path / "target"
    target.mkdir()
    results = [
        {"unique_id": uid, "status": "fail", "compiled_code": sql} for uid, sql in compiled.items()
    ]
    nodes["test.spm.errored.7"] = _test("errored", "unique", "model.spm.deals")
    nodes["test.spm.errored_pay.8"] = _test("errored_pay", "unique", "model.spm.payouts")
    for uid in ("test.spm.errored.7", "test.spm.errored_pay.8"):
        results.append(
            {"unique_id": uid, "status": "error", "compiled_code": UNIQUE_SQL.format(
                table="staging.deals"), "message": "Runtime Error in test\n  Out of Memory Error"}
        )  # fmt: skip
    (target / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    (target / "run_results.json").write_text(json.dumps({"results": results}))
    return target, work_db


def test_failed_tests_give_their_rows_but_never_pay(build: tuple[Path, Path]) -> None:
    target, work_db = build
    names = ["nulls_deals", "unique_deals", "unique_payouts", "nulls_payouts", "assert_pay"]
    samples = failed_test_samples(target, work_db, [*names, "broken"])
    assert sorted(samples) == ["nulls_deals", "nulls_payouts", "unique_deals"]
    assert sorted(samples["nulls_deals"], key=str) == [
        {"column_name": "rep_id", "null_rows": 2},
        {"column_name": "team_id", "null_rows": 1},
    ]
    assert samples["unique_deals"] == [{"unique_field": "D1", "n_records": 2}]
    # a compensation model's key, and a singular test's columns, may be pay: no rows
    assert "unique_payouts" not in samples and "assert_pay" not in samples


def test_only_the_named_tests_are_sampled(build: tuple[Path, Path]) -> None:
    target, work_db = build
    assert list(failed_test_samples(target, work_db, ["unique_deals"])) == ["unique_deals"]
    assert failed_test_samples(target, work_db, []) == {}
    assert failed_test_samples(target / "missing", work_db, ["unique_deals"]) == {}


def test_the_run_report_checks_get_sample_and_rows_text(build: tuple[Path, Path]) -> None:
    target, work_db = build
    gx_sample = [{"id": "006A", "amount": -5.0}]
    checks = [
        {"name": "unique_deals", "passed": False, "sample": [], "rows_text": None},
        {"name": "nulls_deals", "passed": True, "sample": [], "rows_text": None},
        {
            "name": "opportunity__amount_not_negative",
            "passed": False,
            "sample": gx_sample,
            "rows_text": "id 006A, amount -5.0",
        },
    ]
    add_failed_test_samples(checks, target, work_db)
    assert checks[0]["sample"] == [{"unique_field": "D1", "n_records": 2}]
    assert checks[0]["rows_text"] == "unique_field D1, n_records 2"
    assert checks[1]["sample"] == []  # passed: nothing to show
    assert checks[2]["sample"] == gx_sample  # a GX check keeps its own rows


def test_a_test_that_could_not_run_says_so_instead_of_zero_rows(build: tuple[Path, Path]) -> None:
    """An errored test has no rows: its check says dbt's error, not "0 failing rows", and a
    test on a model with pay only says where the error is (DuckDB may quote a value)."""
    target, work_db = build
    checks = [
        {"name": name, "passed": False, "sample": [], "rows_text": None, "failing_rows": 0}
        for name in ("errored", "errored_pay")
    ]
    add_failed_test_samples(checks, target, work_db)
    assert checks[0]["message"] == "could not run: Runtime Error in test Out of Memory Error"
    assert checks[1]["message"] == "could not run: dbt error, see the run's dbt_console.log"
    assert all(c["failing_rows"] is None and c["sample"] == [] for c in checks)
