"""The sales analytics part of the landing contract: one JSON-lines file per UTC day."""

from __future__ import annotations

from ingestion.fields import Field, TableSpec, bigint, key, text, timestamp

FOLDER = "sales_analytics"
DAY_FILE_PATTERN = "[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/activities.jsonl"

ACTIVITIES = TableSpec(
    "activities",
    (
        key("id"),
        text("type", nullable=False),
        key("user_id"),
        text("opportunity_id"),
        text("account_id"),
        timestamp("timestamp", nullable=False),
        bigint("duration_seconds", nullable=False),
        text("direction", nullable=False),
        text("outcome", nullable=False),
    ),
    ("id",),
)

SOURCE_FILE = Field("source_file", "text", nullable=False)
"""Added by the source: the day file's path relative to the landing root."""
