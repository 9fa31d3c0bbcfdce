"""The small demo company, loaded by the real dlt sources, against the raw-table suites.

The company is the session's (`small_pipeline`): its work warehouse holds the raw tables its
run loaded, and the checks only read them.

The generator plants known faults and lists their record ids in `_manifest.json`; the raw
checks must let the company publish (no blocking raw check fails) while reporting exactly
those planted rows as warnings. The expected ids come from the manifest, not from the checks.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from data_quality import all_checks, record_successful_counts, run_checks

RAW_SYSTEMS = {"crm", "sales_analytics", "revenue_intelligence", "compensation", "finance"}
PLANTED = {
    "negative_amounts": "opportunity__amount_not_negative",
    "close_before_created": "opportunity__close_not_before_created",
}


# reads the work warehouse of the session's pipeline run (tests/conftest.py: small_pipeline)
pytestmark = [pytest.mark.company, pytest.mark.xdist_group("demo_company_checks")]


@pytest.fixture(scope="module")
def loaded(small_pipeline) -> Path:
    settings, _ = small_pipeline
    return settings.work_db


@pytest.fixture(scope="module")
def raw_results(loaded: Path, small_as_of: dt.date, tmp_path_factory: pytest.TempPathFactory):
    raw_assets = {s.asset_key for s in all_checks() if s.asset_key[0] in RAW_SYSTEMS}
    state = tmp_path_factory.mktemp("dq_demo_state")
    return {r.name: r for r in run_checks(loaded, small_as_of, state, only_assets=raw_assets)}


def test_every_blocking_raw_check_passes(raw_results: dict) -> None:
    assert len(raw_results) == sum(1 for s in all_checks() if s.asset_key[0] in RAW_SYSTEMS)
    blocking = [f"{r.name}: {r.message}" for r in raw_results.values() if r.outcome == "failed"]
    assert not blocking


@pytest.mark.parametrize(("fault", "check"), sorted(PLANTED.items()))
def test_planted_faults_are_reported_as_warnings(
    raw_results: dict, small_landing: Path, fault: str, check: str
) -> None:
    manifest = json.loads((small_landing / "_manifest.json").read_text(encoding="utf-8"))
    planted = set(manifest["faults"][fault])
    result = raw_results[check]
    assert result.outcome == "warned"
    assert result.failing_rows == len(planted)
    assert {row["id"] for row in result.sample} == planted


def test_deals_in_a_currency_without_rate_are_reported_as_one_warning(
    raw_results: dict, small_landing: Path
) -> None:
    """The planted CHF deals: a valid ISO code with no FX rate, so quarantined downstream."""
    manifest = json.loads((small_landing / "_manifest.json").read_text(encoding="utf-8"))
    planted = set(manifest["faults"]["unknown_currency"])
    result = raw_results["opportunity__currency_has_rate"]
    assert result.outcome == "warned"
    assert result.failing_rows == 1
    assert result.sample == [
        {"currency": "CHF", "deal_count": len(planted), "newest_rate_date": None}
    ]
    assert raw_results["opportunity__currency_iso_code"].passed


def test_soft_deleted_records_are_not_judged(raw_results: dict, small_landing: Path) -> None:
    manifest = json.loads((small_landing / "_manifest.json").read_text(encoding="utf-8"))
    deleted = set(manifest["faults"]["soft_deleted"])
    sampled = {row.get("id") for r in raw_results.values() for row in r.sample}
    assert not sampled & deleted


def test_every_source_is_fresh_on_the_as_of_date(raw_results: dict) -> None:
    for name in (
        "crm__freshness",
        "sales_analytics__freshness",
        "revenue_intelligence__freshness",
        "compensation__freshness",
        "finance__freshness",
    ):
        assert raw_results[name].passed, raw_results[name].message


def test_an_unchanged_reload_does_not_drift(
    loaded: Path, small_as_of: dt.date, tmp_path: Path
) -> None:
    record_successful_counts(loaded, tmp_path)
    drift = [s.name for s in all_checks() if s.name.endswith(("_row_count_drift", "_decreased"))]
    results = run_checks(loaded, small_as_of, tmp_path, only_checks=drift)
    raw = [r for r in results if r.asset_key[0] in RAW_SYSTEMS]
    assert raw and all(r.passed for r in raw), [r.message for r in raw if not r.passed]
    assert all("+0.0%" in r.message for r in raw)
