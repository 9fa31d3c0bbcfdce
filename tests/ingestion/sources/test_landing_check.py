"""`spm check-landing`: per system load, skip or fail, with the load's own words, and nothing
written anywhere."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingestion.landing_check import check_landing, format_verdicts, would_load
from ingestion.pipeline import SYSTEMS, load_all
from orchestration.cli import main
from tests.support.ingestion.tiny_landing import TinyLanding

STAGE_HEADER = (
    "Id,MasterLabel,ApiName,IsActive,SortOrder,IsClosed,IsWon,DefaultProbability,"
    "ForecastCategoryName,SystemModstamp"
)


def _actions(landing: Path, **kwargs: object) -> dict[str, str]:
    return {v.system: v.action for v in check_landing(landing, **kwargs)}


def _verdict(landing: Path, system: str):
    return next(v for v in check_landing(landing) if v.system == system)


def test_a_complete_folder_would_load_and_nothing_is_written(landing: TinyLanding) -> None:
    before = sorted(p.relative_to(landing.root) for p in landing.root.rglob("*"))
    verdicts = check_landing(landing.root)
    assert {v.system: v.action for v in verdicts} == {
        "crm": "load",
        "crm_export": "skip",
        "sales_analytics": "load",
        "revenue_intelligence": "load",
        "compensation": "load",
        "finance": "load",
    }
    assert all(not v.problems and not v.warnings for v in verdicts)
    assert would_load(verdicts)
    assert sorted(p.relative_to(landing.root) for p in landing.root.rglob("*")) == before


def test_a_crm_only_folder_would_load_and_says_what_is_missing(
    landing: TinyLanding, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for system in SYSTEMS[1:]:
        shutil.rmtree(landing.root / system)
    # an empty warehouse of its own: a developer's warehouse/ holds systems loaded before
    warehouse = ["--warehouse", str(tmp_path / "empty_warehouse")]
    assert main(["check-landing", str(landing.root), *warehouse]) == 0
    out = capsys.readouterr().out
    assert (
        f"  compensation           skip  compensation absent (no folder compensation/ in "
        f"{landing.root})" in out
    )
    # the one EUR deal has no rate any more: a warning, not a failure
    assert (
        "      warning: crm/Opportunity.csv: 1 deal(s) in EUR, and there is no "
        "finance/fx_rates.csv: they would be quarantined (no rate to USD)"
    ) in out
    assert (
        "  No quotas loaded: attainment, pace and leaderboards by attainment need "
        "compensation/quotas_FY<yyyy>.xlsx"
    ) in out
    assert out.rstrip().endswith("A run would load this folder.")


def test_a_bad_value_fails_its_system_naming_file_row_and_field(
    landing: TinyLanding, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    landing.edit_csv("crm/Opportunity.csv", 3, "Amount", "12,5")
    verdict = _verdict(landing.root, "crm")
    assert verdict.action == "fail"
    assert verdict.problems == (
        "crm/Opportunity.csv, row 3, field Amount: '12,5' uses a decimal comma: write '.' before"
        " the decimals",
    )
    warehouse = ["--warehouse", str(tmp_path / "empty_warehouse")]
    assert main(["check-landing", str(landing.root), *warehouse]) == 2
    assert "A run would FAIL (crm): fix the problems above." in capsys.readouterr().out


def test_a_missing_column_and_a_missing_required_file(landing: TinyLanding) -> None:
    header, rows = landing.read_csv("finance/fx_rates.csv")
    landing.csv("finance/fx_rates.csv", ["date", "currency"], [r[:2] for r in rows])
    (landing.root / "crm" / "User.csv").unlink()
    assert _verdict(landing.root, "finance").problems == (
        "finance/fx_rates.csv, row 1, field rate: required column is missing (the header has: "
        "date, currency)",
    )
    assert _verdict(landing.root, "crm").problems == (
        f"crm/User.csv: file not found in {landing.root}",
    )


def test_stages_the_stage_export_does_not_cover_fail(landing: TinyLanding) -> None:
    (landing.root / "crm" / "OpportunityStage.csv").write_text(
        STAGE_HEADER + "\n"
        "01J000000000001AAA,Proposal,Proposal,true,1,false,false,60,Best Case,"
        "2026-01-01T00:00:00.000Z\n"
        "01J000000000002AAA,Won,Closed Won,true,2,true,true,100,Closed,"
        "2026-01-01T00:00:00.000Z\n"
    )
    assert _verdict(landing.root, "crm").problems == (
        "crm/Opportunity.csv, field StageName: stage(s) not in crm/OpportunityStage.csv "
        "(MasterLabel or ApiName): 'Closed Lost' (1 deals)",
    )


def test_a_deal_currency_without_rate_is_a_warning(landing: TinyLanding) -> None:
    header, rows = landing.read_csv("finance/fx_rates.csv")
    landing.csv("finance/fx_rates.csv", header, [r for r in rows if r[1] != "EUR"])
    verdict = _verdict(landing.root, "crm")
    assert verdict.action == "load"
    assert verdict.warnings == (
        "crm/Opportunity.csv: 1 deal(s) in EUR, and finance/fx_rates.csv has no EUR rate: they "
        "would be quarantined",
    )


def test_header_only_optional_files_would_load(landing: TinyLanding) -> None:
    header, _ = landing.read_csv("compensation/payouts.csv")
    landing.csv("compensation/payouts.csv", header, [])
    (landing.root / "crm" / "OpportunitySplit.csv").unlink()
    assert _actions(landing.root)["compensation"] == "load"
    assert _actions(landing.root)["crm"] == "load"


def test_no_crm_fails_and_a_vanished_system_fails_against_its_warehouse(
    landing: TinyLanding, tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse"
    load_all(landing.root, warehouse, systems=["finance"])
    shutil.rmtree(landing.root / "finance")
    shutil.rmtree(landing.root / "crm")
    verdicts = {v.system: v for v in check_landing(landing.root, work_db=warehouse / "work.duckdb")}
    assert verdicts["crm"].problems == (
        f"crm/: folder not found in {landing.root}: the CRM is the one required system (put "
        "Salesforce's export in crm/, or any CRM's CSV export with a mapping.yml in "
        "crm_export/)",
    )
    assert verdicts["finance"].action == "fail"
    assert (
        verdicts["finance"]
        .problems[0]
        .startswith(f"finance/: folder not found in {landing.root}, but raw_finance holds 6 rows")
    )
    assert not would_load(list(verdicts.values()))
    assert "A run would FAIL (crm, finance)" in format_verdicts(
        landing.root, list(verdicts.values())
    )


def test_the_demo_company_would_load(small_landing: Path) -> None:
    verdicts = check_landing(small_landing)
    assert [v.system for v in verdicts if v.action == "load"] == list(SYSTEMS)
    crm = next(v for v in verdicts if v.system == "crm")
    # the generator's one unknown-currency fault is reported, not fatal
    assert crm.warnings == (
        "crm/Opportunity.csv: 3 deal(s) in CHF, and finance/fx_rates.csv has no CHF rate: they "
        "would be quarantined",
    )
