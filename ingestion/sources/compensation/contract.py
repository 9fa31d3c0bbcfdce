"""The compensation part of the landing contract: quota workbooks and the ICM exports."""

from __future__ import annotations

import re

from ingestion.fields import (
    TableSpec,
    amount,
    bigint,
    date,
    key,
    percent,
    text,
)

FOLDER = "compensation"
QUOTA_FILE = re.compile(r"^quotas_FY(?P<year>\d{4})\.xlsx$")
QUOTA_FILE_GLOB = "quotas_FY[0-9][0-9][0-9][0-9].xlsx"

QUOTAS = TableSpec(
    "quotas",
    (
        key("email"),
        text("name"),
        bigint("fiscal_year", nullable=False),
        date("month", nullable=False),
        amount("quota_amount"),
        text("source_file", nullable=False),
        bigint("source_row", nullable=False),
        text("source_column", nullable=False),
    ),
    ("email", "month"),
)
"""The quota workbook unpivoted: one row per (rep, month) cell, blank cells as null."""

QUOTA_VERSION_COLUMNS = ["email", "name", "fiscal_year", "month", "quota_amount"]
"""What makes a new quota version. The cell's position is not part of it: sorting the
workbook or inserting a row moves cells without changing anyone's quota."""

ASSIGNMENTS = TableSpec(
    "assignments",
    (
        text("Email", nullable=False),
        key("UserId"),
        key("TeamRoleId"),
        text("Role", nullable=False),
        date("EffectiveFrom", nullable=False),
        date("EffectiveTo"),
        date("HireDate"),
        date("TerminationDate"),
    ),
    ("user_id", "effective_from"),
)

COMP_PLANS = TableSpec(
    "comp_plans",
    (
        key("PlanId"),
        text("Email", nullable=False),
        key("UserId"),
        bigint("FiscalYear", nullable=False),
        date("EffectiveFrom", nullable=False),
        date("EffectiveTo"),
        text("Currency", nullable=False),
        amount("BaseSalary"),
        amount("TargetVariable"),
        amount("OTE"),
        amount("AnnualQuota"),
    ),
    ("plan_id",),
)

COMP_PLAN_TIERS = TableSpec(
    "comp_plan_tiers",
    (
        key("PlanId"),
        bigint("Tier", nullable=False),
        percent("AttainmentFrom", nullable=False),
        percent("AttainmentTo"),
        percent("CommissionRate", nullable=False),
    ),
    ("plan_id", "tier"),
)

PAYOUTS = TableSpec(
    "payouts",
    (
        key("PayoutId"),
        text("Email", nullable=False),
        key("UserId"),
        key("PlanId"),
        text("PayMonth", nullable=False),
        text("Currency", nullable=False),
        amount("CommissionAmount", nullable=False),
    ),
    ("payout_id",),
)

CSV_FILES: dict[str, TableSpec] = {
    "assignments.csv": ASSIGNMENTS,
    "comp_plans.csv": COMP_PLANS,
    "comp_plan_tiers.csv": COMP_PLAN_TIERS,
    "payouts.csv": PAYOUTS,
}
