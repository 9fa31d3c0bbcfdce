"""The revenue intelligence part of the landing contract: weekly forecast calls."""

from __future__ import annotations

from ingestion.fields import TableSpec, amount, key, text, timestamp

FILE = "revenue_intelligence/forecast_submissions.csv"

FORECAST_SUBMISSIONS = TableSpec(
    "forecast_submissions",
    (
        key("SubmissionId"),
        key("SubmitterId"),
        text("SubmitterRole", nullable=False),
        text("FiscalPeriod", nullable=False),
        text("ForecastCategory", nullable=False),
        amount("Amount", nullable=False),
        text("Currency", nullable=False),
        timestamp("SubmittedAt", nullable=False),
    ),
    ("submission_id",),
)
