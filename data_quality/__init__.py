"""Data-quality gates of spm-warehouse: Great Expectations suites on raw tables and marts.

Public API (what the orchestration and `spm check` use):

    from data_quality import CheckSpec, CheckResult, all_checks, run_checks
    all_checks() -> list[CheckSpec]
    run_checks(work_db, as_of, state_dir, only_assets=None) -> list[CheckResult]
    record_successful_counts(work_db, state_dir) -> dict[str, int]   # after a publish
    format_check_table(results) -> str

Importing this package does not import Great Expectations (seconds of start-up); the first
`run_checks` call does. See data_quality/README.md for every check and the GX/dbt split.
"""

from __future__ import annotations

from data_quality.config import QualityConfig
from data_quality.report import blocking_failures, format_check_table, summarize
from data_quality.runner import run_checks, select_checks
from data_quality.spec import CheckResult, CheckSpec
from data_quality.state import record_successful_counts
from data_quality.suites import all_gx_checks


def all_checks() -> list[CheckSpec]:
    """Every check: name, asset key, severity ("error" blocks publish), description."""
    return [check.spec for check in all_gx_checks()]


def checks_for_asset(asset_key: tuple[str, ...] | str) -> list[CheckSpec]:
    """The checks on one asset (`("crm", "opportunity")` or `"crm/opportunity"`)."""
    key = tuple(asset_key.split("/")) if isinstance(asset_key, str) else tuple(asset_key)
    return [spec for spec in all_checks() if spec.asset_key == key]


__all__ = [
    "CheckResult",
    "CheckSpec",
    "QualityConfig",
    "all_checks",
    "blocking_failures",
    "checks_for_asset",
    "format_check_table",
    "record_successful_counts",
    "run_checks",
    "select_checks",
    "summarize",
]
