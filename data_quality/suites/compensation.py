"""GX suite of the compensation raw tables (`raw_compensation`): quotas, assignments, plans, pay.

Quota is the denominator of attainment and pay is pay: a wrong value here reaches a rep's
attainment or commission directly, so most rules block publishing. Samples of quota rows
carry `source_file`, `source_row` and `source_column`, which name the workbook cell to fix.
"""

from __future__ import annotations

from data_quality.rules import (
    Frame,
    GxCheck,
    Params,
    between,
    in_set,
    matches,
    not_null,
    table_frame,
)
from data_quality.table_rules import days_between, drift_checks, freshness_check

QUOTAS = ("compensation", "quotas")
ASSIGNMENTS = ("compensation", "assignments")
PLANS = ("compensation", "comp_plans")
TIERS = ("compensation", "comp_plan_tiers")
PAYOUTS = ("compensation", "payouts")
TABLES = ("quotas", "assignments", "comp_plans", "comp_plan_tiers", "payouts")
CELL = ["source_file", "source_row", "source_column"]

quotas = table_frame(
    "compensation_quotas_current",
    "raw_compensation.quotas",
    ["name", "fiscal_year", "quota_amount", *CELL],
    key=["email", "month"],
    derived={"fiscal_year_after_month_year": 'cast("fiscal_year" as integer) - year("month")'},
    current_only=True,
)


def _employment_sql(params: Params) -> str:
    # A rep's employment: first hire date and, once every assignment row carries one, the
    # last termination date. Emails are matched trimmed and lower-cased, as dbt does.
    del params
    return """
        with employment as (
            select
                lower(trim("email")) as email_key,
                min("hire_date") as hire_date,
                case when count(*) filter (where "termination_date" is null) > 0 then null
                     else max("termination_date") end as termination_date
            from "raw_compensation"."assignments"
            group by 1
        )
        select
            q."email", q."month", q."quota_amount",
            q."source_file", q."source_row", q."source_column",
            e.hire_date, e.termination_date,
            date_diff('month', date_trunc('month', e.hire_date), q."month")
                as months_from_hire_month,
            date_diff('month', date_trunc('month', e.termination_date), q."month")
                as months_after_termination_month
        from "raw_compensation"."quotas" as q
        left join employment as e on lower(trim(q."email")) = e.email_key
        where q."_dlt_valid_to" is null and coalesce(q."quota_amount", 0) <> 0
        order by q."email", q."month"
    """


quota_employment = Frame(
    name="compensation_quota_months_with_employment",
    sql=_employment_sql,
    reads={
        "raw_compensation.quotas": (
            "email",
            "month",
            "quota_amount",
            *CELL,
            "_dlt_valid_to",
        ),
        "raw_compensation.assignments": ("email", "hire_date", "termination_date"),
    },
    key=("email", "month"),
)


def _blank_quota_sql(params: Params) -> str:
    # Every quota cell (blank ones included) with whether the rep was employed that month:
    # a blank cell in such a month loads as "no quota", and attainment silently skips it.
    del params
    return """
        with employment as (
            select
                lower(trim("email")) as email_key,
                min("hire_date") as hire_date,
                case when count(*) filter (where "termination_date" is null) > 0 then null
                     else max("termination_date") end as termination_date
            from "raw_compensation"."assignments"
            group by 1
        )
        select
            q."email", q."month",
            q."source_file", q."source_row", q."source_column",
            e.hire_date, e.termination_date,
            case
                when q."quota_amount" is null
                    and e.hire_date is not null
                    and q."month" >= date_trunc('month', e.hire_date)
                    and (e.termination_date is null
                         or q."month" <= date_trunc('month', e.termination_date))
                then 1 else 0
            end as blank_while_employed
        from "raw_compensation"."quotas" as q
        left join employment as e on lower(trim(q."email")) = e.email_key
        where q."_dlt_valid_to" is null
        order by q."email", q."month"
    """


blank_quotas = Frame(
    name="compensation_blank_quota_months",
    sql=_blank_quota_sql,
    reads={
        "raw_compensation.quotas": ("email", "month", "quota_amount", *CELL, "_dlt_valid_to"),
        "raw_compensation.assignments": ("email", "hire_date", "termination_date"),
    },
    key=("email", "month"),
)

quota_checks: list[GxCheck] = [
    not_null(
        quotas,
        QUOTAS,
        "email",
        "warning",
        "the email is how a quota cell finds its rep; dbt quarantines a cell that matches no "
        "rep (rule `unknown_rep_email`), so this warns at the source",
    ),
    not_null(quotas, QUOTAS, "month", "error", "the month is the quota's period"),
    between(
        quotas,
        QUOTAS,
        "quota_amount",
        "warning",
        "A monthly `quota_amount` is not negative; dbt quarantines negative cells (rule "
        "`negative_quota`), so this warns at the source.",
        name="quota_amount_not_negative",
        min_value=0,
        context=CELL,
    ),
    between(
        quotas,
        QUOTAS,
        "quota_amount",
        "error",
        "A monthly `quota_amount` is at most `max_quota_month_amount`: quota is the denominator "
        "of attainment and of commission tiers, and nothing downstream catches a huge one.",
        name="quota_amount_below_ceiling",
        max_value=lambda p: p.config.max_quota_month_amount,
        context=CELL,
    ),
    between(
        quotas,
        QUOTAS,
        "fiscal_year_after_month_year",
        "error",
        "Each month column belongs to the sheet's fiscal year (FY Y holds months of calendar "
        "years Y-1 and Y): a shifted header would put quota in the wrong year.",
        name="month_in_sheet_fiscal_year",
        min_value=0,
        max_value=1,
        context=["fiscal_year", *CELL],
    ),
    between(
        quota_employment,
        QUOTAS,
        "months_from_hire_month",
        "error",
        "Quota months within employment: no non-zero quota before the rep's hire month "
        "(from the assignments history). It would lower the rep's and team's attainment.",
        name="quota_month_not_before_hire",
        min_value=0,
        context=["quota_amount", "hire_date", *CELL],
    ),
    between(
        quota_employment,
        QUOTAS,
        "months_after_termination_month",
        "error",
        "Quota months within employment: no non-zero quota after the rep's termination month.",
        name="quota_month_not_after_termination",
        max_value=0,
        context=["quota_amount", "termination_date", *CELL],
    ),
    between(
        blank_quotas,
        QUOTAS,
        "blank_while_employed",
        "warning",
        "No blank quota cell in a month the rep is employed (hire month to termination month,"
        " from the assignments history): a blank loads as no quota for that month, and a"
        " formula saved without its value used to read as one. The sample names each cell.",
        name="quota_not_blank_while_employed",
        max_value=0,
        context=["hire_date", *CELL],
    ),
]

assignments = table_frame(
    "compensation_assignments_all",
    "raw_compensation.assignments",
    ["email", "team_role_id", "role", "effective_to", "hire_date", "termination_date"],
    key=["user_id", "effective_from"],
    derived={
        "effective_days": days_between("effective_from", "effective_to"),
        "employed_days": days_between("hire_date", "termination_date"),
    },
)
ASSIGNMENT_REQUIRED = {
    "email": "quota rows reach the assignment history by email",
    "team_role_id": "the team is what the rep-month rolls up to",
    "effective_from": "an assignment without a start cannot be placed in time",
    "hire_date": "ramp status and quota months within employment start at the hire date",
}
assignment_checks: list[GxCheck] = [
    *(not_null(assignments, ASSIGNMENTS, c, "error", w) for c, w in ASSIGNMENT_REQUIRED.items()),
    in_set(
        assignments,
        ASSIGNMENTS,
        "role",
        ["rep", "manager"],
        "error",
        "`role` is rep or manager: only reps carry quota and credit in roll-ups.",
    ),
    between(
        assignments,
        ASSIGNMENTS,
        "effective_days",
        "error",
        "`effective_to` is not before `effective_from`: an inverted range drops the rep from "
        "every team for that time.",
        name="effective_to_not_before_from",
        min_value=0,
        context=["effective_to"],
    ),
    between(
        assignments,
        ASSIGNMENTS,
        "employed_days",
        "error",
        "`termination_date` is not before `hire_date`.",
        name="termination_not_before_hire",
        min_value=0,
        context=["hire_date", "termination_date"],
    ),
]

plans = table_frame(
    "compensation_comp_plans_all",
    "raw_compensation.comp_plans",
    ["user_id", "fiscal_year", "currency", "base_salary", "target_variable", "annual_quota"],
    key=["plan_id"],
)
plan_checks: list[GxCheck] = [
    in_set(
        plans,
        PLANS,
        "currency",
        lambda p: list(p.currencies),
        "error",
        "A plan's `currency` is the corporate currency or one with an FX rate: pay in another "
        "one cannot be converted.",
        name="currency_known",
    ),
    *(
        between(
            plans,
            PLANS,
            column,
            "error",
            f"`{column}` is within [0, `max_annual_pay_amount`].",
            name=f"{column}_within_range",
            min_value=0,
            max_value=lambda p: p.config.max_annual_pay_amount,
            context=["user_id", "fiscal_year"],
        )
        for column in ("base_salary", "target_variable")
    ),
    between(
        plans,
        PLANS,
        "annual_quota",
        "error",
        "`annual_quota` is within [0, 12 × `max_quota_month_amount`]: the commission tiers are "
        "fractions of it.",
        name="annual_quota_within_range",
        min_value=0,
        max_value=lambda p: 12 * p.config.max_quota_month_amount,
        context=["user_id", "fiscal_year"],
    ),
]

tiers = table_frame(
    "compensation_comp_plan_tiers_all",
    "raw_compensation.comp_plan_tiers",
    ["attainment_from", "attainment_to", "commission_rate"],
    key=["plan_id", "tier"],
)
tier_checks: list[GxCheck] = [
    between(
        tiers,
        TIERS,
        "commission_rate",
        "error",
        "`commission_rate` is a fraction within [0, 1] of credited bookings (a rate of 8 "
        "meant as 8% would pay eight times the deal).",
        name="commission_rate_within_0_1",
        min_value=0,
        max_value=1,
    ),
    between(
        tiers,
        TIERS,
        "attainment_from",
        "error",
        "`attainment_from` is a fraction of annual quota within [0, `max_attainment`].",
        name="attainment_from_within_range",
        min_value=0,
        max_value=lambda p: p.config.max_attainment,
    ),
]

payouts = table_frame(
    "compensation_payouts_all",
    "raw_compensation.payouts",
    ["email", "plan_id", "pay_month", "currency", "commission_amount"],
    key=["payout_id"],
)
payout_checks: list[GxCheck] = [
    matches(
        payouts,
        PAYOUTS,
        "pay_month",
        r"^\d{4}-(?:0[1-9]|1[0-2])$",
        "error",
        "`pay_month` is a month written `YYYY-MM`: the audit compares pay month by month.",
        name="pay_month_well_formed",
    ),
    in_set(
        payouts,
        PAYOUTS,
        "currency",
        lambda p: list(p.currencies),
        "error",
        "A payout's `currency` is the corporate currency or one with an FX rate.",
        name="currency_known",
    ),
    between(
        payouts,
        PAYOUTS,
        "commission_amount",
        "warning",
        "`commission_amount` is within [0, `max_annual_pay_amount`]. Warns only: the dbt "
        "commission audit recomputes every payout and reports each wrong one.",
        name="commission_amount_within_range",
        min_value=0,
        max_value=lambda p: p.config.max_annual_pay_amount,
        context=["email", "pay_month"],
    ),
]

freshness = freshness_check(
    "compensation",
    QUOTAS,
    "raw_compensation.quotas",
    'last_day("month")',
    ["month", "quota_amount"],
    what="quota month (the workbook must cover the as-of month: newest month's end is not "
    "before the as-of date)",
    current_only=True,
    where='"quota_amount" is not null',
)

CHECKS: list[GxCheck] = [
    *quota_checks,
    *assignment_checks,
    *plan_checks,
    *tier_checks,
    *payout_checks,
    freshness,
    *(
        check
        for table in TABLES
        for check in drift_checks(
            ("compensation", table), f"raw_compensation.{table}", shrink_severity="error"
        )
    ),
]
