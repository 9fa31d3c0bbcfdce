"""Every row-level rule fails on one planted fault (and passes on the clean warehouse:
`test_api.py::test_the_whole_clean_warehouse_passes` runs every check on the same file).

Each case plants a fault with SQL in a copy of the clean warehouse, runs only its check, and
asserts the failing-row count and the identifying values of the first sample row: the
numbers a user reads in `spm check`. A final test asserts every check is covered here or in
the table-level tests, so a new rule cannot arrive untested.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest

from data_quality import CheckResult, all_checks, run_checks
from data_quality.config import QualityConfig

CURRENT = "_dlt_valid_to is null"


@dataclass(frozen=True)
class Fault:
    check: str
    sql: tuple[str, ...]
    failing: int
    sample: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.check


def opp(assignment: str, opp_id: str = "006O2") -> str:
    return f"update raw_crm.opportunity set {assignment} where id = '{opp_id}' and {CURRENT}"


def user(assignment: str, user_id: str = "005U2") -> str:
    return f"update raw_crm.\"user\" set {assignment} where id = '{user_id}' and {CURRENT}"


def table(name: str, assignment: str, where: str) -> str:
    return f"update {name} set {assignment} where {where}"


SUBMISSION = "submission_id = 'fs_000000000002'"
BOB_FEB = "email = 'b@x.com' and month = date '2026-02-01' and _dlt_valid_to is null"
ANN = "user_id = '005U1'"
PL1 = "plan_id = 'PL1'"
EUR_APR_10 = "currency = 'EUR' and \"date\" = date '2026-04-10'"
U1_Q1 = "rep_id = '005U1' and period_type = 'quarter'"
HEALTH = "marts.pipeline_health"
BY_STAGE = "marts.pipeline_by_stage"
ACCURACY = "marts.forecast_accuracy"
PROJECTION = "marts.forecast_projection"
CALLS = "marts.forecast_calls"
PAY = "marts_restricted.pay_for_performance"
AUDIT = "marts_restricted.commission_audit"

FAULTS: list[Fault] = [
    # crm/opportunity
    Fault("opportunity__owner_id_not_null", (opp("owner_id = null"),), 1, {"id": "006O2"}),
    Fault("opportunity__stage_name_not_null", (opp("stage_name = null"),), 1, {"id": "006O2"}),
    Fault("opportunity__close_date_not_null", (opp("close_date = null"),), 1, {"id": "006O2"}),
    Fault("opportunity__created_date_not_null", (opp("created_date = null"),), 1, {"id": "006O2"}),
    Fault(
        "opportunity__currency_iso_code_not_null",
        (opp("currency_iso_code = null"),),
        1,
        {"id": "006O2"},
    ),
    Fault("opportunity__amount_not_null", (opp("amount = null"),), 1, {"id": "006O2"}),
    Fault("opportunity__account_id_not_null", (opp("account_id = null"),), 1, {"id": "006O2"}),
    Fault(
        "opportunity__amount_not_negative",
        (opp("amount = -10", "006O2"), opp("amount = -0.01", "006O3")),
        2,
        {"id": "006O2", "amount": -10.0},
    ),
    Fault(
        "opportunity__amount_below_ceiling",
        (opp("amount = 60000000"),),
        1,
        {"id": "006O2", "amount": 60000000.0, "currency_iso_code": "EUR"},
    ),
    Fault(
        "opportunity__probability_within_0_100",
        (opp("probability = 150"),),
        1,
        {"id": "006O2", "probability": 150.0, "stage_name": "Negotiation"},
    ),
    Fault(
        "opportunity__currency_iso_code",
        (opp("currency_iso_code = 'Euro'"),),
        1,
        {"id": "006O2", "currency_iso_code": "Euro"},
    ),
    Fault(
        "opportunity__stage_name_in_set",
        (opp("stage_name = 'Closed Won!'"),),
        1,
        {"id": "006O2", "stage_name": "Closed Won!"},
    ),
    Fault(
        "opportunity__forecast_category_name_in_set",
        (opp("forecast_category_name = 'Upside'"),),
        1,
        {"id": "006O2", "forecast_category_name": "Upside"},
    ),
    Fault(
        "opportunity__close_not_before_created",
        (opp("close_date = date '2025-12-31'", "006O1"),),
        1,
        {"id": "006O1", "close_date": "2025-12-31", "days_created_to_close": -1},
    ),
    Fault(
        "opportunity__created_not_after_as_of",
        (opp("created_date = timestamptz '2026-04-16 00:30:00+00'", "006O4"),),
        1,
        {"id": "006O4", "days_created_after_as_of": 1},
    ),
    # crm/user
    Fault("user__email_not_null", (user("email = null"),), 1, {"id": "005U2"}),
    Fault("user__user_role_id_not_null", (user("user_role_id = null"),), 1, {"id": "005U2"}),
    Fault("user__name_not_null", (user("name = null"),), 1, {"id": "005U2"}),
    Fault(
        "user__email_well_formed",
        (user("email = 'bob at x.com'"),),
        1,
        {"id": "005U2", "email": "bob at x.com"},
    ),
    # crm/account, history, line items, splits, split types
    Fault(
        "account__name_not_null",
        (table("raw_crm.account", "name = null", "id = '001A2'"),),
        1,
        {"id": "001A2"},
    ),
    Fault(
        "opportunity_history__created_date_not_null",
        (table("raw_crm.opportunity_history", "created_date = null", "id = '008H3'"),),
        1,
        {"id": "008H3"},
    ),
    Fault(
        "opportunity_history__stage_name_in_set",
        (table("raw_crm.opportunity_history", "stage_name = 'Won'", "id = '008H2'"),),
        1,
        {"id": "008H2", "stage_name": "Won"},
    ),
    Fault(
        "opportunity_history__forecast_category_in_set",
        (table("raw_crm.opportunity_history", "forecast_category = 'X'", "id = '008H2'"),),
        1,
        {"id": "008H2", "forecast_category": "X"},
    ),
    Fault(
        "opportunity_history__amount_within_range",
        (table("raw_crm.opportunity_history", "amount = -1", "opportunity_id = '006O1'"),),
        2,
        {"id": "008H1", "opportunity_id": "006O1", "amount": -1.0},
    ),
    Fault(
        "opportunity_line_item__quantity_positive",
        (table("raw_crm.opportunity_line_item", "quantity = 0", "id = '00kL1'"),),
        1,
        {"id": "00kL1", "quantity": 0.0},
    ),
    Fault(
        "opportunity_line_item__total_price_within_range",
        (table("raw_crm.opportunity_line_item", "total_price = -5", "id = '00kL1'"),),
        1,
        {"id": "00kL1", "total_price": -5.0},
    ),
    *(
        Fault(
            f"opportunity_split__{column}_not_null",
            (table("raw_crm.opportunity_split", f"{column} = null", "id = '04AS2'"),),
            1,
            {"id": "04AS2"},
        )
        for column in ("split_owner_id", "split_type_id", "split_percentage")
    ),
    Fault(
        "opportunity_split__split_percentage_within_0_100",
        (table("raw_crm.opportunity_split", "split_percentage = 120", "id = '04AS2'"),),
        1,
        {"id": "04AS2", "split_percentage": 120.0, "opportunity_id": "006O1"},
    ),
    Fault(
        "opportunity_split_type__developer_name_in_set",
        (table("raw_crm.opportunity_split_type", "developer_name = 'Partner'", "id = '04BT2'"),),
        1,
        {"id": "04BT2", "developer_name": "Partner"},
    ),
    # sales_analytics/activities
    *(
        Fault(
            f"activities__{column}_not_null",
            (table("raw_sales_analytics.activities", f'"{column}" = null', "id = 'act_02'"),),
            1,
            {"id": "act_02"},
        )
        for column in ("user_id", "timestamp")
    ),
    Fault(
        "activities__type_in_set",
        (table("raw_sales_analytics.activities", "type = 'sms'", "id = 'act_02'"),),
        1,
        {"id": "act_02", "type": "sms"},
    ),
    Fault(
        "activities__direction_in_set",
        (table("raw_sales_analytics.activities", "direction = 'sideways'", "id = 'act_03'"),),
        1,
        {"id": "act_03", "direction": "sideways"},
    ),
    Fault(
        "activities__outcome_matches_type",
        (table("raw_sales_analytics.activities", "outcome = 'connected'", "type = 'email'"),),
        1,
        {"id": "act_02", "type_outcome": "email:connected"},
    ),
    Fault(
        "activities__duration_within_range",
        (table("raw_sales_analytics.activities", "duration_seconds = 3600000", "id = 'act_03'"),),
        1,
        {"id": "act_03", "duration_seconds": 3600000, "type": "meeting"},
    ),
    Fault(
        "activities__one_content_per_id",
        (
            "insert into raw_sales_analytics.activities select * replace ("
            " duration_seconds + 60 as duration_seconds,"
            " 'sales_analytics/2026/04/15/activities.jsonl' as source_file)"
            " from raw_sales_analytics.activities where id = 'act_02'",
        ),
        1,
        {"id": "act_02", "versions": 2},
    ),
    Fault(
        "activities__timestamp_not_after_as_of",
        (
            table(
                "raw_sales_analytics.activities",
                "\"timestamp\" = timestamptz '2026-04-16 00:00:01+00'",
                "id in ('act_01', 'act_03')",
            ),
        ),
        2,
        {"id": "act_01", "user_id": "005U1", "days_after_as_of": 1},
    ),
    # revenue_intelligence/forecast_submissions
    *(
        Fault(
            f"forecast_submissions__{column}_not_null",
            (
                table(
                    "raw_revenue_intelligence.forecast_submissions", f"{column} = null", SUBMISSION
                ),
            ),
            1,
            {"submission_id": "fs_000000000002"},
        )
        for column in (
            "submitter_id",
            "fiscal_period",
            "forecast_category",
            "amount",
            "submitted_at",
        )
    ),
    Fault(
        "forecast_submissions__forecast_category_in_set",
        (
            table(
                "raw_revenue_intelligence.forecast_submissions",
                "forecast_category = 'Omitted'",
                SUBMISSION,
            ),
        ),
        1,
        {"submission_id": "fs_000000000002", "forecast_category": "Omitted"},
    ),
    Fault(
        "forecast_submissions__submitter_role_in_set",
        (
            table(
                "raw_revenue_intelligence.forecast_submissions", "submitter_role = 'vp'", SUBMISSION
            ),
        ),
        1,
        {"submission_id": "fs_000000000002", "submitter_role": "vp"},
    ),
    Fault(
        "forecast_submissions__fiscal_period_well_formed",
        (
            table(
                "raw_revenue_intelligence.forecast_submissions",
                "fiscal_period = 'FY26-Q2'",
                SUBMISSION,
            ),
        ),
        1,
        {"submission_id": "fs_000000000002", "fiscal_period": "FY26-Q2"},
    ),
    Fault(
        "forecast_submissions__fiscal_period_matches_submission_date",
        (
            table(
                "raw_revenue_intelligence.forecast_submissions",
                "fiscal_period = 'FY2062-Q2'",
                SUBMISSION,
            ),
        ),
        1,
        {
            "submission_id": "fs_000000000002",
            "fiscal_period": "FY2062-Q2",
            "period_year_after_submission_year": 36,
        },
    ),
    Fault(
        "forecast_submissions__amount_within_range",
        (table("raw_revenue_intelligence.forecast_submissions", "amount = -1", SUBMISSION),),
        1,
        {"submission_id": "fs_000000000002", "amount": -1.0, "submitter_id": "005U2"},
    ),
    Fault(
        "forecast_submissions__currency_known",
        (table("raw_revenue_intelligence.forecast_submissions", "currency = 'JPY'", SUBMISSION),),
        1,
        {"submission_id": "fs_000000000002", "currency": "JPY"},
    ),
    Fault(
        "forecast_submissions__submitted_not_after_as_of",
        (
            table(
                "raw_revenue_intelligence.forecast_submissions",
                "submitted_at = timestamptz '2026-04-20 08:00:00+00'",
                SUBMISSION,
            ),
        ),
        1,
        {"submission_id": "fs_000000000002", "days_submitted_after_as_of": 5},
    ),
    # compensation/quotas: samples name the workbook cell
    Fault(
        "quotas__email_not_null",
        (table("raw_compensation.quotas", "email = null", BOB_FEB),),
        1,
        {"email": None, "month": "2026-02-01"},
    ),
    Fault(
        "quotas__month_not_null",
        (table("raw_compensation.quotas", "month = null", BOB_FEB),),
        1,
        {"email": "b@x.com", "month": None},
    ),
    Fault(
        "quotas__quota_amount_not_negative",
        (table("raw_compensation.quotas", "quota_amount = -1", BOB_FEB),),
        1,
        {"email": "b@x.com", "month": "2026-02-01", "quota_amount": -1.0, "source_row": 3},
    ),
    Fault(
        "quotas__quota_amount_below_ceiling",
        (table("raw_compensation.quotas", "quota_amount = 20000000", BOB_FEB),),
        1,
        {
            "email": "b@x.com",
            "month": "2026-02-01",
            "quota_amount": 20000000.0,
            "source_file": "compensation/quotas_FY2026.xlsx",
            "source_row": 3,
            "source_column": "D",
        },
    ),
    Fault(
        "quotas__month_in_sheet_fiscal_year",
        (table("raw_compensation.quotas", "fiscal_year = 2024", BOB_FEB),),
        1,
        {"email": "b@x.com", "fiscal_year": 2024, "fiscal_year_after_month_year": -2},
    ),
    Fault(
        "quotas__quota_month_not_before_hire",
        (
            table(
                "raw_compensation.quotas",
                "quota_amount = 500",
                "email = 'b@x.com' and month = date '2026-01-01' and _dlt_valid_to is null",
            ),
        ),
        1,
        {
            "email": "b@x.com",
            "month": "2026-01-01",
            "hire_date": "2026-02-10",
            "months_from_hire_month": -1,
            "source_row": 3,
            "source_column": "C",
        },
    ),
    Fault(
        "quotas__quota_not_blank_while_employed",
        (table("raw_compensation.quotas", "quota_amount = null", BOB_FEB),),
        1,
        {
            "email": "b@x.com",
            "month": "2026-02-01",
            "hire_date": "2026-02-10",
            "source_file": "compensation/quotas_FY2026.xlsx",
            "source_row": 3,
            "source_column": "D",
        },
    ),
    Fault(
        "quotas__quota_month_not_after_termination",
        (table("raw_compensation.assignments", "termination_date = date '2026-06-15'", ANN),),
        6,
        {"email": "a@x.com", "month": "2026-07-01", "months_after_termination_month": 1},
    ),
    # compensation/assignments
    *(
        Fault(
            f"assignments__{column}_not_null",
            (table("raw_compensation.assignments", f"{column} = null", ANN),),
            1,
            {"user_id": "005U1"},
        )
        for column in ("email", "team_role_id", "effective_from", "hire_date")
    ),
    Fault(
        "assignments__role_in_set",
        (table("raw_compensation.assignments", "role = 'vp'", ANN),),
        1,
        {"user_id": "005U1", "role": "vp"},
    ),
    Fault(
        "assignments__effective_to_not_before_from",
        (table("raw_compensation.assignments", "effective_to = date '2023-12-31'", ANN),),
        1,
        {"user_id": "005U1", "effective_days": -1},
    ),
    Fault(
        "assignments__termination_not_before_hire",
        (table("raw_compensation.assignments", "termination_date = date '2023-06-01'", ANN),),
        1,
        {"user_id": "005U1", "termination_date": "2023-06-01"},
    ),
    # compensation plans, tiers, payouts
    Fault(
        "comp_plans__currency_known",
        (table("raw_compensation.comp_plans", "currency = 'XXX'", PL1),),
        1,
        {"plan_id": "PL1", "currency": "XXX"},
    ),
    Fault(
        "comp_plans__base_salary_within_range",
        (table("raw_compensation.comp_plans", "base_salary = -1", PL1),),
        1,
        {"plan_id": "PL1", "base_salary": -1.0, "user_id": "005U1"},
    ),
    Fault(
        "comp_plans__target_variable_within_range",
        (table("raw_compensation.comp_plans", "target_variable = 6000000", PL1),),
        1,
        {"plan_id": "PL1", "target_variable": 6000000.0},
    ),
    Fault(
        "comp_plans__annual_quota_within_range",
        (table("raw_compensation.comp_plans", "annual_quota = 200000000", PL1),),
        1,
        {"plan_id": "PL1", "annual_quota": 200000000.0},
    ),
    Fault(
        "comp_plan_tiers__commission_rate_within_0_1",
        (table("raw_compensation.comp_plan_tiers", "commission_rate = 8", "plan_id = 'PL1'"),),
        2,
        {"plan_id": "PL1", "tier": 1, "commission_rate": 8.0},
    ),
    Fault(
        "comp_plan_tiers__attainment_from_within_range",
        (table("raw_compensation.comp_plan_tiers", "attainment_from = -0.5", "plan_id = 'PL2'"),),
        1,
        {"plan_id": "PL2", "tier": 1, "attainment_from": -0.5},
    ),
    Fault(
        "payouts__pay_month_well_formed",
        (table("raw_compensation.payouts", "pay_month = '2026-13'", "payout_id = 'PO2'"),),
        1,
        {"payout_id": "PO2", "pay_month": "2026-13"},
    ),
    Fault(
        "payouts__currency_known",
        (table("raw_compensation.payouts", "currency = 'usd'", "payout_id = 'PO2'"),),
        1,
        {"payout_id": "PO2", "currency": "usd"},
    ),
    Fault(
        "payouts__commission_amount_within_range",
        (table("raw_compensation.payouts", "commission_amount = -40", "payout_id = 'PO1'"),),
        1,
        {"payout_id": "PO1", "commission_amount": -40.0, "pay_month": "2026-02"},
    ),
    # finance/fx_rates
    Fault(
        "fx_rates__rate_not_null",
        (table("raw_finance.fx_rates", "rate = null", EUR_APR_10),),
        1,
        {"date": "2026-04-10", "currency": "EUR"},
    ),
    Fault(
        "fx_rates__rate_within_range",
        (table("raw_finance.fx_rates", "rate = 0", EUR_APR_10),),
        1,
        {"date": "2026-04-10", "currency": "EUR", "rate": 0.0},
    ),
    Fault(
        "fx_rates__currency_iso_code",
        ("insert into raw_finance.fx_rates values ('2026-04-15', 'chf', 1.1, 'l2', 'x')",),
        1,
        {"date": "2026-04-15", "currency": "chf"},
    ),
    Fault(
        "opportunity__currency_has_rate",
        ("delete from raw_finance.fx_rates where currency = 'GBP'",),
        1,
        {"currency": "GBP", "newest_rate_date": None},
    ),
    Fault(
        "finance__freshness",
        ("delete from raw_finance.fx_rates where currency = 'EUR' and \"date\" > '2026-04-05'",),
        1,
        {"currency": "EUR", "newest_rate_date": "2026-04-05", "newest_rate_age_days": 10},
    ),
    # marts
    Fault(
        "rep_performance__attainment_within_range",
        (table("marts.rep_performance", "attainment = 12.5", U1_Q1),),
        1,
        {"rep_id": "005U1", "period_type": "quarter", "fiscal_period": "FY2026-Q1"},
    ),
    Fault(
        "rep_performance__win_rate_within_0_1",
        (table("marts.rep_performance", "win_rate = 1.2", U1_Q1),),
        1,
        {"rep_id": "005U1", "win_rate": 1.2},
    ),
    Fault(
        "rep_performance__win_rate_value_within_0_1",
        (table("marts.rep_performance", "win_rate_value = -0.1", U1_Q1),),
        1,
        {"rep_id": "005U1", "win_rate_value": -0.1},
    ),
    Fault(
        "rep_performance__quota_amount_not_negative",
        (table("marts.rep_performance", "quota_amount = -3000", U1_Q1),),
        1,
        {"rep_id": "005U1", "quota_amount": -3000.0},
    ),
    Fault(
        "rep_performance__bookings_amount_not_negative",
        (table("marts.rep_performance", "bookings_amount = -1", "period_type = 'month'"),),
        2,
        {"rep_id": "005U1", "fiscal_period": "FY2026-M04", "bookings_amount": -1.0},
    ),
    Fault(
        "rep_performance__avg_sales_cycle_days_within_range",
        (table("marts.rep_performance", "avg_sales_cycle_days = 5000", U1_Q1),),
        1,
        {"rep_id": "005U1", "avg_sales_cycle_days": 5000.0},
    ),
    Fault(
        "team_performance__attainment_within_range",
        (table("marts.team_performance", "attainment = -0.2", "hierarchy_level = 'company'"),),
        1,
        {"team_id": "00ER0", "hierarchy_level": "company", "attainment": -0.2},
    ),
    Fault(
        "team_performance__win_rate_within_0_1",
        (table("marts.team_performance", "win_rate = 2", "hierarchy_level = 'team'"),),
        1,
        {"team_id": "00ER1", "win_rate": 2.0},
    ),
    Fault(
        "rep_pacing__attainment_to_date_within_range",
        (table("marts.rep_pacing", "attainment_to_date = 11", "rep_id = '005U2'"),),
        1,
        {"rep_id": "005U2", "attainment_to_date": 11.0},
    ),
    # pipeline marts
    Fault(
        "pipeline_health__open_pipeline_amount_not_negative",
        (table(HEALTH, "open_pipeline_amount = -540", "rep_id = '005U2'"),),
        1,
        {"hierarchy_level": "rep", "rep_id": "005U2", "open_pipeline_amount": -540.0},
    ),
    Fault(
        "pipeline_health__weighted_pipeline_within_open",
        (table(HEALTH, "weighted_pipeline_amount = 600", "hierarchy_level = 'team'"),),
        1,
        {"team_id": "00ER1", "weighted_pipeline_amount": 600.0, "weighted_margin": -60.0},
    ),
    Fault(
        "pipeline_health__category_pipeline_within_open",
        (table(HEALTH, "best_case_pipeline_amount = 100", "hierarchy_level = 'company'"),),
        1,
        {"team_id": "00ER0", "commit_pipeline_amount": 540.0, "category_margin": -100.0},
    ),
    Fault(
        "pipeline_by_stage__open_amount_not_negative",
        (table(BY_STAGE, "open_amount = -1", "rep_id = '005U2'"),),
        1,
        {"rep_id": "005U2", "stage_name": "Engaging", "open_amount": -1.0},
    ),
    Fault(
        "pipeline_by_stage__weighted_within_open",
        (table(BY_STAGE, "weighted_amount = 600", "rep_id = '005U2'"),),
        1,
        {"rep_id": "005U2", "open_amount": 540.0, "weighted_amount": 600.0},
    ),
    Fault(
        "pipeline_health__coverage_not_negative",
        (table(HEALTH, "coverage = -0.5", "hierarchy_level in ('team', 'company')"),),
        2,
        {"hierarchy_level": "company", "team_id": "00ER0", "coverage": -0.5},
    ),
    Fault(
        "pipeline_health__trailing_win_rate_within_0_1",
        (table(HEALTH, "trailing_win_rate = 1.5", "rep_id = '005U1'"),),
        1,
        {"rep_id": "005U1", "fiscal_period": "FY2026-Q2", "trailing_win_rate": 1.5},
    ),
    Fault(
        "pipeline_health__days_in_stage_within_age",
        (table(HEALTH, "avg_days_in_stage = 60", "rep_id = '005U2'"),),
        1,
        {"rep_id": "005U2", "avg_age_days": 45.0, "stage_age_margin": -15.0},
    ),
    Fault(
        "fct_opportunities__amount_within_team_outlier_line",
        (
            table(
                "marts.fct_opportunities", "opportunity_amount = 54000", "opportunity_id = '006O2'"
            ),
        ),
        1,
        {"opportunity_id": "006O2", "owner_id": "005U2", "outlier_margin": -45000.0},
    ),
    Fault(
        "stalled_deals__amount_not_negative",
        (table("marts.stalled_deals", "amount = -540", "opportunity_id = '006O2'"),),
        1,
        {"opportunity_id": "006O2", "rep_id": "005U2", "amount": -540.0},
    ),
    Fault(
        "stalled_deals__days_idle_within_age",
        (table("marts.stalled_deals", "days_idle = 50", "opportunity_id = '006O2'"),),
        1,
        {"opportunity_id": "006O2", "age_days": 45, "days_idle": 50, "idle_margin": -5},
    ),
    Fault(
        "slipped_deals__amount_not_negative",
        (table("marts.slipped_deals", "amount = -1", "opportunity_id = '006O2'"),),
        1,
        {"opportunity_id": "006O2", "fiscal_period": "FY2026-Q1", "amount": -1.0},
    ),
    Fault(
        "slipped_deals__close_date_left_the_quarter",
        (
            table(
                "marts.slipped_deals",
                "period_end_close_date = date '2026-03-28'",
                "opportunity_id = '006O2'",
            ),
        ),
        1,
        {
            "opportunity_id": "006O2",
            "original_close_date": "2026-03-25",
            "period_end_close_date": "2026-03-28",
            "left_the_quarter": 0,
        },
    ),
    Fault(
        "pipeline_waterfall__amounts_not_negative",
        (table("marts.pipeline_waterfall", "moved_out_amount = -540", "rep_id = '005U2'"),),
        1,
        {"rep_id": "005U2", "moved_out_amount": -540.0, "smallest_movement": -540.0},
    ),
    Fault(
        "pipeline_waterfall__slip_rate_within_0_1",
        (table("marts.pipeline_waterfall", "slip_rate = 1.5", "hierarchy_level = 'company'"),),
        1,
        {"hierarchy_level": "company", "team_id": "00ER0", "slip_rate": 1.5},
    ),
    Fault(
        "stage_conversion__conversion_rate_within_0_1",
        (table("marts.stage_conversion", "conversion_rate = 1.2", "stage_name = 'Negotiation'"),),
        1,
        {"team_id": "00ER0", "stage_name": "Negotiation", "conversion_rate": 1.2},
    ),
    Fault(
        "stage_conversion__win_rate_from_stage_within_0_1",
        (table("marts.stage_conversion", "win_rate_from_stage = -0.1", "rep_id = '005U1'"),),
        1,
        {"rep_id": "005U1", "stage_name": "Proposal", "win_rate_from_stage": -0.1},
    ),
    # forecast marts
    Fault(
        "forecast_accuracy__commit_accuracy_within_0_1",
        (table(ACCURACY, "commit_accuracy = 1.1", "submitter_id = '005U2'"),),
        1,
        {"submitter_id": "005U2", "week_of_period": 13, "commit_accuracy": 1.1},
    ),
    Fault(
        "forecast_accuracy__best_case_accuracy_within_0_1",
        (table(ACCURACY, "best_case_accuracy = -0.2", "submitter_role = 'manager'"),),
        1,
        {"submitter_id": "005U3", "submitter_role": "manager", "best_case_accuracy": -0.2},
    ),
    Fault(
        "forecast_accuracy__trailing_accuracy_within_0_1",
        (table(ACCURACY, "trailing_accuracy = 1.5", "fiscal_period = 'FY2026-Q2'"),),
        1,
        {"submitter_id": "005U1", "fiscal_period": "FY2026-Q2", "trailing_accuracy": 1.5},
    ),
    Fault(
        "forecast_accuracy__commit_bias_not_below_minus_1",
        (table(ACCURACY, "commit_bias = -1.5", "submitter_id = '005U1' and is_period_closed"),),
        1,
        {"submitter_id": "005U1", "fiscal_period": "FY2026-Q1", "commit_bias": -1.5},
    ),
    Fault(
        "forecast_accuracy__best_case_bias_not_below_minus_1",
        (table(ACCURACY, "best_case_bias = -2", "submitter_id = '005U2'"),),
        1,
        {"submitter_id": "005U2", "best_case_bias": -2.0},
    ),
    Fault(
        "forecast_accuracy__trailing_bias_not_below_minus_1",
        (table(ACCURACY, "trailing_bias = -1.01", "true"),),
        4,
        {"submitter_id": "005U1", "fiscal_period": "FY2026-Q1", "trailing_bias": -1.01},
    ),
    Fault(
        "forecast_calls__calls_not_negative",
        (
            table(
                CALLS, "roll_up_amount = -1", "team_id = '00ER1' and forecast_category = 'Commit'"
            ),
        ),
        1,
        {"team_id": "00ER1", "roll_up_amount": -1.0, "smallest_call_amount": -1.0},
    ),
    Fault(
        "forecast_projection__amounts_not_negative",
        (table(PROJECTION, "open_pipeline_amount = -1", "projection_type = 'current'"),),
        2,
        {"team_id": "00ER0", "open_pipeline_amount": -1.0, "smallest_amount": -1.0},
    ),
    Fault(
        "forecast_projection__range_contains_projection",
        (
            table(
                PROJECTION,
                "projected_low_amount = 600",
                "team_id = '00ER1' and projection_type = 'current'",
            ),
        ),
        1,
        {
            "team_id": "00ER1",
            "projection_type": "current",
            "projected_low_amount": 600.0,
            "projected_high_amount": 540.0,
            "range_margin": -168.0,
        },
    ),
    Fault(
        "forecast_projection__range_within_closed_and_open",
        (table(PROJECTION, "projected_high_amount = 4000", "projection_date = '2026-03-02'"),),
        1,
        {"team_id": "00ER1", "projection_date": "2026-03-02", "bounds_margin": -460.0},
    ),
    Fault(
        "forecast_projection__range_within_closed_and_open",
        (
            table(
                PROJECTION,
                "range_method = 'backtest_calibrated', projected_low_amount = 900",
                "projection_date = '2026-03-02'",
            ),
        ),
        1,
        {"team_id": "00ER1", "projection_date": "2026-03-02", "bounds_margin": -100.0},
    ),
    Fault(
        "forecast_win_rates__win_rate_within_0_1",
        (table("marts.forecast_win_rates", "win_rate = 1.2", "stage_name = 'Proposal'"),),
        1,
        {"stage_name": "Proposal", "age_bucket": "31-60", "win_rate": 1.2, "rate_level": "stage"},
    ),
    Fault(
        "forecast_win_rates__won_counts_within_observations",
        (table("marts.forecast_win_rates", "stage_won_count = 70", "stage_name = 'Negotiation'"),),
        1,
        {"stage_name": "Negotiation", "stage_won_count": 70, "won_count_margin": -10},
    ),
    # restricted pay marts
    Fault(
        "pay_for_performance__effective_commission_rate_within_0_1",
        (table(PAY, "effective_commission_rate = 1.6", PL1),),
        1,
        {"plan_id": "PL1", "rep_id": "005U1", "effective_commission_rate": 1.6},
    ),
    Fault(
        "pay_for_performance__variable_pay_amount_within_range",
        (table(PAY, "variable_pay_amount = 6000000", "plan_id = 'PL2'"),),
        1,
        {"plan_id": "PL2", "fiscal_year": 2026, "variable_pay_amount": 6000000.0},
    ),
    Fault(
        "pay_for_performance__team_attainment_pay_correlation_within_range",
        (table(PAY, "team_attainment_pay_correlation = 1.2", PL1),),
        1,
        {"plan_id": "PL1", "team_id": "00ER1", "team_attainment_pay_correlation": 1.2},
    ),
    Fault(
        "commission_audit__expected_commission_amount_not_negative",
        (table(AUDIT, "expected_commission_amount = -40", "rep_id = '005U1'"),),
        1,
        {"rep_id": "005U1", "pay_month": "2026-01", "expected_commission_amount": -40.0},
    ),
    Fault(
        "dim_comp_plan__effective_range_within_a_year",
        (
            table(
                "marts_restricted.dim_comp_plan",
                "effective_to = date '2026-01-31'",
                "plan_id = 'PL2'",
            ),
        ),
        1,
        {"plan_id": "PL2", "effective_from": "2026-02-10", "effective_days": -10},
    ),
]

# Table-level and distribution rules, tested in test_table_rules.py and
# test_mart_table_rules.py.
TESTED_ELSEWHERE_SUFFIXES = ("__freshness", "__row_count_drift", "__row_count_not_decreased")
TESTED_ELSEWHERE = {
    "rep_performance__median_quarter_attainment_in_band",
    "forecast_accuracy__median_commit_bias_in_band",
    "forecast_projection__median_backtest_error_in_band",
    "fct_pipeline_snapshots__newest_snapshot_size_stable",
    "fct_pipeline_snapshots__newest_snapshot_within_a_week",
    "commission_audit__flagged_share_within_limit",
}


def _run_one(warehouse: Path, as_of: dt.date, state: Path, check: str) -> CheckResult:
    [result] = run_checks(warehouse, as_of, state, only_checks=[check])
    return result


@pytest.mark.parametrize("fault", FAULTS, ids=str)
def test_rule_passes_clean_and_fails_on_its_fault(
    fault: Fault,
    warehouse: Path,
    tmp_path: Path,
    as_of: dt.date,
    plant: Callable[..., None],
) -> None:
    plant(warehouse, *fault.sql)
    result = _run_one(warehouse, as_of, tmp_path / "state", fault.check)

    assert not result.passed
    assert result.failing_rows == fault.failing, result.message
    assert len(result.sample) == min(fault.failing, 5)
    first = result.sample[0]
    for column, value in fault.sample.items():
        assert first.get(column, "<absent>") == value, (column, first)
    assert result.message.startswith(f"{fault.failing:,} of "), result.message


def test_every_check_has_a_fault_case() -> None:
    covered = {fault.check for fault in FAULTS} | TESTED_ELSEWHERE
    names = {spec.name for spec in all_checks()}
    untested = {name for name in names - covered if not name.endswith(TESTED_ELSEWHERE_SUFFIXES)}
    assert not untested, f"checks without a planted-fault test: {sorted(untested)}"
    assert not covered - names, f"fault cases for unknown checks: {sorted(covered - names)}"
    planted = [(fault.check, fault.sql) for fault in FAULTS]
    assert len(set(planted)) == len(planted), "the same fault is planted twice"


def _deal_book(warehouse: Path) -> float:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute(
            "select sum(amount) from raw_crm.opportunity where _dlt_valid_to is null "
            "and not coalesce(is_deleted, false)"
        ).fetchone()
    finally:
        con.close()
    assert row and row[0], "the clean warehouse holds deals"
    return float(row[0])


@pytest.mark.parametrize(("above_book", "passes"), [(-1.0, True), (1.0, False)])
def test_forecast_ceiling_grows_with_the_deal_book(
    above_book: float,
    passes: bool,
    warehouse: Path,
    tmp_path: Path,
    as_of: dt.date,
    plant: Callable[..., None],
) -> None:
    """A call above the configured ceiling passes while the company's deals cover it (a large
    company's CRO), and fails once it exceeds every deal the company has."""
    book = _deal_book(warehouse)
    call = book + above_book
    plant(
        warehouse,
        table("raw_revenue_intelligence.forecast_submissions", f"amount = {call}", SUBMISSION),
        table("raw_revenue_intelligence.forecast_submissions", "amount = 1", f"not ({SUBMISSION})"),
    )
    floor = QualityConfig(max_forecast_amount=book / 10)
    [result] = run_checks(
        warehouse,
        as_of,
        tmp_path / "state",
        only_checks=["forecast_submissions__amount_within_range"],
        config=floor,
    )
    assert result.passed is passes, result.message
    if not passes:
        assert result.sample[0]["amount"] == pytest.approx(call)
