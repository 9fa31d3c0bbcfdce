"""The thresholds and reference sets the Great Expectations suites compare data against.

Kept apart from the suites so that a deployment changes a number (a tolerance, a ceiling, a
freshness window) without touching a rule, and so that tests can tighten one threshold to
prove a rule fires; `run_checks(..., config=QualityConfig(drift_tolerance=0.2))` overrides.
The orchestration builds it from its settings in one place (`Settings.quality_config`), so
`SPM_CORPORATE_CURRENCY` reaches every suite.

What belongs to the company is not configured here but read from its data at run time
(`data_quality.rules.Params`): its sales stages (the loaded `OpportunityStage` export, or the
stages its opportunities carry) and the currencies it can convert (the corporate currency
plus those with FX rates).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

ISO_CURRENCY = re.compile(r"^[A-Z]{3}$")
"""An ISO 4217 currency code: three upper-case letters."""


def _frozen(mapping: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class QualityConfig:
    """Every threshold a check uses; each field says what crossing it means."""

    # The currency every mart amount is converted to (ISO 4217); it needs no FX rate.
    corporate_currency: str = "USD"
    # Salesforce's forecast categories (a fixed picklist of the CRM, not the company's words).
    opportunity_forecast_categories: tuple[str, ...] = (
        "Pipeline",
        "Best Case",
        "Commit",
        "Closed",
        "Omitted",
    )
    submission_forecast_categories: tuple[str, ...] = ("Commit", "Best Case", "Pipeline")
    # Ceilings, in the record's currency: above them an amount is a typo or a unit error
    # (cents exported as units, a quota multiplied by twelve), not a deal.
    max_opportunity_amount: float = 50_000_000.0
    # Forecast calls: a floor; the ceiling grows to the company's whole deal book (Params).
    max_forecast_amount: float = 500_000_000.0
    max_quota_month_amount: float = 10_000_000.0
    max_annual_pay_amount: float = 5_000_000.0
    max_fx_rate: float = 1_000.0
    max_activity_duration_seconds: int = 8 * 3600
    # Marts: attainment above this is a quota or crediting error, not a great quarter.
    max_attainment: float = 10.0
    # Median attainment of closed quarters outside this band signals a unit error.
    median_quarter_attainment_band: tuple[float, float] = (0.2, 3.0)
    # Row-count drift: relative change against the previous successful load (0.5 = 50%).
    drift_tolerance: float = 0.5
    # Freshness: newest record may be at most this many days older than the as-of date.
    max_age_days: Mapping[str, int] = field(
        default_factory=lambda: _frozen(
            {
                "crm": 3,
                "sales_analytics": 3,
                # forecast calls are weekly (Mondays): a week plus a day of slack
                "revenue_intelligence": 8,
                # quota months: the workbook must cover the as-of month (0 days past its end)
                "compensation": 0,
                # FX rates are daily, every calendar day
                "finance": 4,
            }
        )
    )
    # Row-level rules that allow sampling run on a repeatable reservoir sample of this many
    # rows when a table is larger (see each check's description); all other rules read all rows.
    sample_rows: int = 250_000
    # DuckDB settings of the checks' read-only connection: the run's memory limit and the
    # owner-only folder it spills into beyond it (`Settings.reader_duckdb_config`); empty:
    # DuckDB's defaults (80% of the machine, no spilling of a read-only file).
    duckdb_config: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.drift_tolerance <= 0:
            raise ValueError(f"drift_tolerance={self.drift_tolerance} must be above 0")
        low, high = self.median_quarter_attainment_band
        if not 0 <= low < high:
            raise ValueError(f"median_quarter_attainment_band={low, high} must be 0 <= low < high")
        missing = {"crm", "sales_analytics", "revenue_intelligence", "compensation", "finance"}
        missing -= set(self.max_age_days)
        if missing:
            raise ValueError(f"max_age_days has no window for source(s) {sorted(missing)}")
        if not ISO_CURRENCY.match(self.corporate_currency):
            raise ValueError(
                f"corporate_currency {self.corporate_currency!r} is not an ISO 4217 code "
                "(three upper-case letters, e.g. USD)"
            )
        if self.sample_rows < 1:
            raise ValueError(f"sample_rows={self.sample_rows} must be at least 1")
