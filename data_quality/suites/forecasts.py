"""GX suite of the forecast calls (`raw_revenue_intelligence.forecast_submissions`).

Forecast calls feed `forecast_accuracy`, a leadership mart, and nothing downstream
quarantines a bad call, so the rules that would misplace or misstate a call block publishing.
"""

from __future__ import annotations

from data_quality.rules import (
    GxCheck,
    Params,
    between,
    date_literal,
    in_set,
    matches,
    not_null,
    table_frame,
)
from data_quality.table_rules import drift_checks, freshness_check

SUBMISSIONS = ("revenue_intelligence", "forecast_submissions")
TABLE = "raw_revenue_intelligence.forecast_submissions"
PERIOD_PATTERN = r"^FY\d{4}-Q[1-4]$"

submissions = table_frame(
    "revenue_intelligence_forecast_submissions_all",
    TABLE,
    [
        "submitter_id",
        "submitter_role",
        "fiscal_period",
        "forecast_category",
        "amount",
        "currency",
        "submitted_at",
    ],
    key=["submission_id"],
    derived={
        # Fiscal years are named by the calendar year they end in, so a call submitted in
        # calendar year Y is for FY Y or FY Y+1 (when the fiscal year starts after January).
        "period_year_after_submission_year": (
            "case when regexp_matches(\"fiscal_period\", '^FY[0-9]{4}-Q[1-4]$') "
            'then cast(substr("fiscal_period", 3, 4) as integer) '
            '- year(cast("submitted_at" as date)) end'
        ),
        "days_submitted_after_as_of": lambda p: (
            f"date_diff('day', {date_literal(p.as_of)}, cast(\"submitted_at\" as date))"
        ),
    },
)


def forecast_ceiling(params: Params) -> float:
    """The largest believable call: the configured floor or the company's whole deal book."""
    return max(params.config.max_forecast_amount, params.deal_total)


REQUIRED = {
    "submitter_id": "a call without a submitter cannot be scored",
    "fiscal_period": "a call without a period cannot be compared with actuals",
    "forecast_category": "commit and best-case calls are scored separately",
    "amount": "the call is the amount",
    "submitted_at": "the latest call at each point in time is the one scored",
}

CHECKS: list[GxCheck] = [
    *(not_null(submissions, SUBMISSIONS, c, "error", why) for c, why in REQUIRED.items()),
    in_set(
        submissions,
        SUBMISSIONS,
        "forecast_category",
        lambda p: list(p.config.submission_forecast_categories),
        "error",
        "`forecast_category` is a configured submission category (Commit, Best Case, Pipeline).",
    ),
    in_set(
        submissions,
        SUBMISSIONS,
        "submitter_role",
        ["rep", "manager"],
        "error",
        "`submitter_role` is rep or manager: a manager's call covers the team, a rep's their own.",
    ),
    matches(
        submissions,
        SUBMISSIONS,
        "fiscal_period",
        PERIOD_PATTERN,
        "error",
        "`fiscal_period` is a fiscal quarter written `FY2026-Q3`.",
        name="fiscal_period_well_formed",
    ),
    between(
        submissions,
        SUBMISSIONS,
        "period_year_after_submission_year",
        "error",
        "The call's fiscal year is the submission's calendar year or the next one: a call for "
        "another year (FY2062 for FY2026) would be scored against the wrong actuals.",
        name="fiscal_period_matches_submission_date",
        min_value=0,
        max_value=1,
        context=["fiscal_period", "submitted_at"],
    ),
    between(
        submissions,
        SUBMISSIONS,
        "amount",
        "error",
        "`amount` is within [0, the larger of `max_forecast_amount` and the sum of every live "
        "opportunity's amount in the CRM]: a call can cover at most every deal the company "
        "has, so the ceiling grows with the company (a large CRO's call passes) while a call "
        "in cents instead of units still fails.",
        name="amount_within_range",
        min_value=0,
        max_value=forecast_ceiling,
        context=["submitter_id", "fiscal_period"],
    ),
    in_set(
        submissions,
        SUBMISSIONS,
        "currency",
        lambda p: list(p.currencies),
        "error",
        "`currency` is the corporate currency or one with an FX rate: a call in another one "
        "cannot be converted, and nothing quarantines it.",
        name="currency_known",
    ),
    between(
        submissions,
        SUBMISSIONS,
        "days_submitted_after_as_of",
        "warning",
        "No call was submitted after the as-of date (warns: a rebuild of a past day sees "
        "later calls).",
        name="submitted_not_after_as_of",
        max_value=0,
        context=["submitted_at"],
    ),
    freshness_check(
        "revenue_intelligence",
        SUBMISSIONS,
        TABLE,
        '"submitted_at"',
        ["submitted_at"],
        what="forecast call (`submitted_at`)",
    ),
    *drift_checks(SUBMISSIONS, TABLE, shrink_severity="error"),
]
