"""GX suite of the restricted pay marts (schema `marts_restricted`): pay_for_performance,
commission_audit and dim_comp_plan.

Their asset keys are the dbt model names, like every mart's: the schema does not enter the
key, so a check attaches to the model's Dagster asset wherever dbt writes it.

dbt already owns these marts' keys, relationships, accepted values (audit statuses),
contracts, the KPI logic (unit tests) and the reconciliation of pay: commission_audit *is*
the recomputation of every payout from the plan, listing each one that differs. GX does not
repeat it; it adds ranges and a distribution the audit cannot see.

Severity, on purpose:
- **error (blocks publish):** pay numbers nobody should be shown. An effective commission
  rate outside [0, 1] (commission above the bookings it is paid on is a unit or currency
  error, not a generous plan: tier rates are fractions within [0, 1]); a year's variable
  pay below 0 or above `max_annual_pay_amount`; a correlation outside [-1, 1] (impossible,
  so the computation is broken; 1e-9 of slack absorbs floating-point rounding of a perfect
  correlation); a negative expected commission (the audit's verdict on that month would be
  wrong); a plan whose effective range is inverted or spans more than a year (base salary is
  prorated over it and the audit compares its months, so both would be wrong).
- **warning (publish and report):** the share of rep-months the audit flags. The audit
  lists each wrong payout by design (3 and 4 rep-months on the small and medium demo
  companies, under 1%); when more than `MAX_FLAGGED_SHARE` of all rep-months differ, the
  recomputation (a fiscal-year start, a currency, a quota) is more likely wrong than the
  payouts, and a human should look before anyone acts on it.

fct_payouts gets no rule: its commission is the raw payout converted at a dated rate, and
both are range-checked at the source (`payouts__commission_amount_within_range`,
`fx_rates__rate_within_range`); a yearly sum of it is ranged in pay_for_performance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from data_quality.rules import (
    Expect,
    Frame,
    GxCheck,
    Params,
    between,
    make_check,
    table_frame,
)
from data_quality.suites.mart_rules import fraction, not_negative
from data_quality.table_rules import days_between

PAY_FOR_PERFORMANCE = ("pay_for_performance",)
COMMISSION_AUDIT = ("commission_audit",)
DIM_COMP_PLAN = ("dim_comp_plan",)
AUDIT_TABLE = "marts_restricted.commission_audit"
PAYOUTS_TABLE = "marts_restricted.fct_payouts"

MAX_FLAGGED_SHARE = 0.25
CORRELATION_SLACK = 1e-9
# A plan covers one fiscal year: at most 365 days from its first to its last day (leap year).
MAX_PLAN_DAYS = 365

pay = table_frame(
    "marts_restricted_pay_for_performance_all",
    "marts_restricted.pay_for_performance",
    [
        "rep_id",
        "bookings_amount",
        "variable_pay_amount",
        "effective_commission_rate",
        "team_id",
        "team_attainment_pay_correlation",
    ],
    key=["plan_id", "fiscal_year"],
)

audit = table_frame(
    "marts_restricted_commission_audit_all",
    AUDIT_TABLE,
    ["audit_status", "expected_commission_amount"],
    key=["rep_id", "pay_month"],
)

plans = table_frame(
    "marts_restricted_dim_comp_plan_all",
    "marts_restricted.dim_comp_plan",
    ["rep_id", "fiscal_year", "effective_from", "effective_to"],
    key=["plan_id"],
    derived={"effective_days": days_between("effective_from", "effective_to")},
)


def _flagged_share_sql(params: Params) -> str:
    months = (
        'select "rep_id", "pay_month_start" from "marts_restricted"."fct_payouts" '
        'union select "rep_id", "pay_month_start" from "marts_restricted"."commission_audit"'
    )
    return (
        f"select '{AUDIT_TABLE}' as table_name, flagged as flagged_rep_months, "
        "rep_months, flagged / nullif(cast(rep_months as double), 0) as flagged_share, "
        f"{MAX_FLAGGED_SHARE} as max_flagged_share from "
        '(select count(*) as flagged from "marts_restricted"."commission_audit") as a, '
        f"(select count(*) as rep_months from ({months})) as m"
    )


flagged_share = Frame(
    name="marts_restricted_commission_audit_flagged_share",
    sql=_flagged_share_sql,
    reads={
        AUDIT_TABLE: ("rep_id", "pay_month_start"),
        PAYOUTS_TABLE: ("rep_id", "pay_month_start"),
    },
    key=("table_name",),
    summary=True,
)


def _explain_share(row: Mapping[str, Any]) -> str:
    share = row.get("flagged_share")
    if share is None:
        return f"{AUDIT_TABLE}: no paid or payable rep-month to judge"
    return (
        f"{AUDIT_TABLE} flags {row['flagged_rep_months']:,} of {row['rep_months']:,} "
        f"rep-months ({share:.1%}; at most {row['max_flagged_share']:.0%} expected)"
    )


CHECKS: list[GxCheck] = [
    fraction(
        pay,
        PAY_FOR_PERFORMANCE,
        "effective_commission_rate",
        "variable pay / bookings; above 1 the commission exceeds the bookings it is paid on "
        "(a unit or currency error: tier rates are fractions within [0, 1]).",
        context=["rep_id", "bookings_amount", "variable_pay_amount"],
    ),
    between(
        pay,
        PAY_FOR_PERFORMANCE,
        "variable_pay_amount",
        "error",
        "A year's `variable_pay_amount` (commission paid, corporate currency) is within "
        "[0, `max_annual_pay_amount`].",
        name="variable_pay_amount_within_range",
        min_value=0,
        max_value=lambda p: p.config.max_annual_pay_amount,
        context=["rep_id"],
    ),
    between(
        pay,
        PAY_FOR_PERFORMANCE,
        "team_attainment_pay_correlation",
        "error",
        "`team_attainment_pay_correlation` is a correlation within [-1, 1] (with 1e-9 of "
        "floating-point slack).",
        name="team_attainment_pay_correlation_within_range",
        min_value=-1 - CORRELATION_SLACK,
        max_value=1 + CORRELATION_SLACK,
        context=["team_id"],
    ),
    not_negative(
        audit,
        COMMISSION_AUDIT,
        "expected_commission_amount",
        "year-to-date bookings only grow and tier rates are not negative, so the plan never "
        "takes commission back; a negative figure makes the audit's verdict on the month wrong.",
        context=["audit_status"],
    ),
    make_check(
        "commission_audit__flagged_share_within_limit",
        COMMISSION_AUDIT,
        "warning",
        f"Distribution: the audit flags at most {MAX_FLAGGED_SHARE:.0%} "
        "(`MAX_FLAGGED_SHARE`) of the rep-months paid or payable; beyond it the recomputation "
        "(fiscal-year start, currency, quota) is more likely wrong than the payouts.",
        flagged_share,
        Expect(
            "ExpectColumnValuesToBeBetween",
            {"column": "flagged_share", "min_value": 0, "max_value": MAX_FLAGGED_SHARE},
        ),
        explain=_explain_share,
    ),
    between(
        plans,
        DIM_COMP_PLAN,
        "effective_days",
        "error",
        f"A plan's `effective_to` is 0 to {MAX_PLAN_DAYS} days after its `effective_from`: "
        "base salary is prorated over the range and the audit compares its months, so an "
        "inverted range or one longer than a fiscal year pays wrongly.",
        name="effective_range_within_a_year",
        min_value=0,
        max_value=MAX_PLAN_DAYS,
        context=["rep_id", "fiscal_year", "effective_from", "effective_to"],
    ),
]
