"""The API the orchestration uses: specs, severities, selection, missing inputs, the table."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from data_quality import (
    CheckResult,
    QualityConfig,
    all_checks,
    blocking_failures,
    checks_for_asset,
    format_check_table,
    run_checks,
    summarize,
)

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_TABLES = {
    "crm": {
        "user",
        "user_role",
        "account",
        "product2",
        "opportunity",
        "opportunity_history",
        "opportunity_line_item",
        "opportunity_split",
        "opportunity_split_type",
        "opportunity_stage",
    },
    "sales_analytics": {"activities"},
    "revenue_intelligence": {"forecast_submissions"},
    "compensation": {"quotas", "assignments", "comp_plans", "comp_plan_tiers", "payouts"},
    "finance": {"fx_rates"},
}


def _mart_schemas() -> dict[str, str]:
    """Every dbt mart model by name -> the schema dbt writes it to (marts or marts_restricted).

    A model is restricted when it lives under models/marts/restricted (dbt_project.yml sets
    the schema there) or its YAML sets `schema: marts_restricted`.
    """
    marts = ROOT / "dbt_project" / "models" / "marts"
    schemas = {}
    for sql in marts.rglob("*.sql"):
        yml = sql.with_suffix(".yml")
        text = yml.read_text(encoding="utf-8") if yml.exists() else ""
        restricted = "restricted" in sql.relative_to(marts).parts or re.search(
            r"^\s*schema:\s*marts_restricted\s*$", text, re.MULTILINE
        )
        schemas[sql.stem] = "marts_restricted" if restricted else "marts"
    return schemas


MART_SCHEMAS = _mart_schemas()


def test_specs_name_contract_assets_with_a_deliberate_severity() -> None:
    specs = all_checks()
    assert len({s.name for s in specs}) == len(specs)
    for spec in specs:
        assert re.fullmatch(r"[a-z0-9_]+", spec.name), spec.name
        assert spec.severity in ("error", "warning")
        assert spec.description
        if len(spec.asset_key) == 2:
            system, table = spec.asset_key
            assert table in CONTRACT_TABLES[system], spec
        else:
            assert spec.asset_key[0] in MART_SCHEMAS, spec
    # every raw table of the contract has checks, at least its drift
    for system, tables in CONTRACT_TABLES.items():
        for table in tables:
            assert checks_for_asset((system, table)), (system, table)
    assert checks_for_asset("crm/opportunity") == checks_for_asset(("crm", "opportunity"))


def test_mart_checks_read_their_model_in_the_schema_dbt_writes_it_to() -> None:
    """A mart check's asset is the dbt model, and its frame reads `<schema>.<model>`: the
    restricted pay marts from marts_restricted, so their checks attach to those models."""
    from data_quality.suites import all_gx_checks

    checked = set()
    for check in all_gx_checks():
        if len(check.spec.asset_key) != 1:
            continue
        model = check.spec.asset_key[0]
        checked.add(model)
        table = f"{MART_SCHEMAS[model]}.{model}"
        assert table in check.frame.reads, (check.spec.name, dict(check.frame.reads))
    assert {"pay_for_performance", "commission_audit", "dim_comp_plan"} <= checked
    assert {m for m in checked if MART_SCHEMAS[m] == "marts_restricted"} == {
        "pay_for_performance",
        "commission_audit",
        "dim_comp_plan",
    }


def test_severity_follows_the_rule_of_the_readme() -> None:
    severity = {s.name: s.severity for s in all_checks()}
    # signals a human judges: warn
    for name, level in severity.items():
        if name.endswith(("__freshness", "__row_count_drift")):
            assert level == "warning", name
        if name.endswith("__row_count_not_decreased"):
            assert level == "error", name
    # rows dbt quarantines downstream: warn at the source
    for name in (
        "opportunity__amount_not_negative",
        "opportunity__currency_iso_code",
        "opportunity__currency_has_rate",
        "opportunity__close_not_before_created",
        "opportunity__owner_id_not_null",
        "opportunity__close_date_not_null",
        "opportunity_split__split_owner_id_not_null",
        "opportunity_split_type__developer_name_in_set",
        "quotas__quota_amount_not_negative",
        "quotas__email_not_null",
        # real exports: open deals without an amount are pipeline hygiene, users without an
        # email are matched to quotas by name
        "opportunity__amount_not_null",
        "user__email_not_null",
    ):
        assert severity[name] == "warning", name
    # wrong numbers nothing downstream catches: block
    for name in (
        "opportunity__amount_below_ceiling",
        "quotas__quota_amount_below_ceiling",
        "opportunity__stage_name_in_set",
        "opportunity__forecast_category_name_in_set",
        "quotas__quota_month_not_before_hire",
        "quotas__quota_month_not_after_termination",
        "rep_performance__attainment_within_range",
        "fx_rates__rate_within_range",
    ):
        assert severity[name] == "error", name


def test_the_whole_clean_warehouse_passes(warehouse: Path, tmp_path: Path, as_of: dt.date) -> None:
    """Also proves old scd2 versions and soft-deleted rows (which carry faults) are ignored."""
    results = run_checks(warehouse, as_of, tmp_path / "state")
    assert [r.name for r in results] == [s.name for s in all_checks()]
    failed = [f"{r.name}: {r.message}" for r in results if not r.passed]
    assert not failed
    assert summarize(results) == {"passed": len(results), "warned": 0, "failed": 0}


def test_only_assets_accepts_tuples_and_strings(
    warehouse: Path, tmp_path: Path, as_of: dt.date
) -> None:
    state = tmp_path / "state"
    by_tuple = run_checks(warehouse, as_of, state, only_assets=[("finance", "fx_rates")])
    by_text = run_checks(warehouse, as_of, state, only_assets=["finance/fx_rates"])
    assert [r.name for r in by_tuple] == [r.name for r in by_text]
    assert {r.asset_key for r in by_tuple} == {("finance", "fx_rates")}
    assert [r.name for r in by_tuple] == [s.name for s in checks_for_asset("finance/fx_rates")]
    assert run_checks(warehouse, as_of, state, only_assets=["nothing/here"]) == []


def test_an_unknown_check_name_is_an_error(warehouse: Path, tmp_path: Path, as_of: dt.date) -> None:
    with pytest.raises(ValueError, match="unknown check name"):
        run_checks(warehouse, as_of, tmp_path, only_checks=["no_such_check"])


def test_a_missing_table_fails_its_checks_with_a_clear_message(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    plant(warehouse, "drop table raw_finance.fx_rates")
    results = run_checks(warehouse, as_of, tmp_path / "state")
    fx = [r for r in results if r.asset_key == ("finance", "fx_rates")]
    assert fx and all(not r.passed and r.failing_rows == 0 for r in fx)
    assert all("table raw_finance.fx_rates does not exist" in r.message for r in fx)
    assert {r.name for r in blocking_failures(results)} == {
        r.name for r in fx if r.severity == "error"
    }
    # the deal-currency check reads the rates too, and warns (its deals are quarantined)
    others = [r for r in results if r.asset_key != ("finance", "fx_rates")]
    assert [r.name for r in others if not r.passed] == ["opportunity__currency_has_rate"]
    assert not blocking_failures(others)


def test_a_missing_column_names_table_and_column(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    plant(warehouse, "alter table raw_crm.opportunity drop column forecast_category_name")
    [result] = run_checks(
        warehouse, as_of, tmp_path, only_checks=["opportunity__stage_name_in_set"]
    )
    assert not result.passed
    assert result.message == "table raw_crm.opportunity has no column forecast_category_name"


def test_a_column_of_the_wrong_type_fails_instead_of_crashing(
    warehouse: Path, tmp_path: Path, as_of: dt.date, plant: Callable[..., None]
) -> None:
    plant(
        warehouse,
        "alter table raw_compensation.assignments alter effective_to type varchar",
        "update raw_compensation.assignments set effective_to = 'soon' where user_id = '005U1'",
    )
    [result] = run_checks(
        warehouse, as_of, tmp_path, only_checks=["assignments__effective_to_not_before_from"]
    )
    assert not result.passed
    assert result.message.startswith("could not read raw_compensation.assignments:")


def test_a_missing_warehouse_fails_every_check(tmp_path: Path, as_of: dt.date) -> None:
    missing = tmp_path / "nowhere" / "work.duckdb"
    results = run_checks(missing, as_of, tmp_path / "state")
    assert len(results) == len(all_checks())
    assert all(not r.passed for r in results)
    assert results[0].message == f"work warehouse {missing} does not exist"


def test_importing_the_api_does_not_import_great_expectations() -> None:
    import subprocess

    code = (
        "import sys, data_quality; data_quality.all_checks(); "
        "print('great_expectations' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "False"


def test_format_check_table_prints_every_column_and_the_failures() -> None:
    results = [
        CheckResult(
            "quotas__email_not_null", ("compensation", "quotas"), "error", True, 0, [], "ok"
        ),
        CheckResult(
            "opportunity__currency_known",
            ("crm", "opportunity"),
            "warning",
            False,
            3,
            [
                {"id": "006A", "currency_iso_code": "CHF"},
                {"id": "006B", "currency_iso_code": "CHF"},
            ],
            "3 of 40 rows break the rule",
        ),
        CheckResult(
            "opportunity__stage_name_in_set",
            ("crm", "opportunity"),
            "error",
            False,
            1,
            [{"id": "006C", "stage_name": "Won!"}],
            "1 of 40 rows break the rule",
        ),
    ]
    table = format_check_table(results)
    lines = table.splitlines()
    assert lines[0].split() == ["check", "asset", "severity", "result", "failing", "rows", "sample"]
    assert re.search(
        r"quotas__email_not_null\s+compensation/quotas\s+error\s+pass\s+0$", table, re.M
    )
    assert re.search(
        r"opportunity__currency_known\s+crm/opportunity\s+warning\s+WARN\s+3\s+"
        r"id=006A, currency_iso_code=CHF",
        table,
    )
    assert re.search(
        r"opportunity__stage_name_in_set .* FAIL\s+1\s+id=006C, stage_name=Won!", table
    )
    assert "3 checks: 1 passed, 1 warned, 1 failed (blocking)" in table
    assert (
        "FAIL opportunity__stage_name_in_set on crm/opportunity: 1 of 40 rows break the rule"
        in table
    )
    assert "    id=006B, currency_iso_code=CHF" in table


def test_config_knows_no_stage_or_currency_list() -> None:
    """Stages and convertible currencies are the company's, read from its data at run time."""
    config = QualityConfig(corporate_currency="CHF")
    assert not hasattr(config, "stages")
    assert not hasattr(config, "known_currencies")
    assert config.corporate_currency == "CHF"


def test_config_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="drift_tolerance"):
        QualityConfig(drift_tolerance=0)
    with pytest.raises(ValueError, match="corporate_currency"):
        QualityConfig(corporate_currency="chf")
    with pytest.raises(ValueError, match="max_age_days"):
        QualityConfig(max_age_days={"crm": 1})


def test_readme_lists_every_check_with_its_asset_and_severity() -> None:
    readme = (ROOT / "data_quality" / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 5 and cells[2] == "GX":
            rows[cells[0].strip("`")] = (cells[1].strip("`"), cells[3])
    expected = {s.name: (s.asset, s.severity) for s in all_checks()}
    assert rows == expected
