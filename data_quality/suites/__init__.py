"""Every GX suite, one module per table family; `SUITES` fixes the order checks run and print in."""

from __future__ import annotations

from data_quality.rules import GxCheck
from data_quality.suites import (
    activities,
    compensation,
    crm,
    finance,
    forecasts,
    marts,
    marts_forecast,
    marts_pipeline,
    marts_restricted,
)

SUITES = (
    crm,
    activities,
    forecasts,
    compensation,
    finance,
    marts,
    marts_pipeline,
    marts_forecast,
    marts_restricted,
)


def all_gx_checks() -> list[GxCheck]:
    """All checks in suite order; names are unique across suites (they name Dagster checks)."""
    checks = [check for suite in SUITES for check in suite.CHECKS]
    seen: dict[str, str] = {}
    for check in checks:
        if check.spec.name in seen:
            raise ValueError(
                f"check name {check.spec.name} is defined twice "
                f"(assets {seen[check.spec.name]} and {check.spec.asset})"
            )
        seen[check.spec.name] = check.spec.asset
    return checks
