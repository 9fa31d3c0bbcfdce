"""GX suite of the CRM raw tables (`raw_crm`, Salesforce-shaped).

Value rules read the rows a consumer reads: the current scd2 version of opportunities and
users, and no soft-deleted row (dbt staging drops `IsDeleted` rows, so their content cannot
reach a mart). Primary keys, foreign keys and split sums are dbt's (see the README).
"""

from __future__ import annotations

from data_quality.config import ISO_CURRENCY
from data_quality.rules import (
    Expect,
    Frame,
    GxCheck,
    Params,
    between,
    date_literal,
    in_set,
    make_check,
    matches,
    not_null,
    table_frame,
)
from data_quality.spec import Severity
from data_quality.table_rules import days_between, drift_checks, freshness_check

OPPORTUNITY = ("crm", "opportunity")
USER = ("crm", "user")
ACCOUNT = ("crm", "account")
HISTORY = ("crm", "opportunity_history")
LINE_ITEM = ("crm", "opportunity_line_item")
SPLIT = ("crm", "opportunity_split")
SPLIT_TYPE = ("crm", "opportunity_split_type")
TABLES = (
    "user",
    "user_role",
    "account",
    "product2",
    "opportunity",
    "opportunity_history",
    "opportunity_line_item",
    "opportunity_split",
    "opportunity_split_type",
    "opportunity_stage",
)

QUARANTINED = "dbt routes these rows to quarantine.opportunities; reported here at the source"


def _quarantined(rule: str) -> str:
    return f"dbt quarantines the deal (rule `{rule}`), so this warns at the source"


opportunities = table_frame(
    "crm_opportunity_current",
    "raw_crm.opportunity",
    [
        "name",
        "owner_id",
        "account_id",
        "stage_name",
        "forecast_category_name",
        "probability",
        "amount",
        "currency_iso_code",
        "close_date",
        "created_date",
    ],
    key=["id"],
    derived={
        "days_created_to_close": days_between("created_date", "close_date"),
        "days_created_after_as_of": lambda p: (
            f"date_diff('day', {date_literal(p.as_of)}, cast(\"created_date\" as date))"
        ),
    },
    current_only=True,
    live_only=True,
)

# column -> (severity, why); warnings where dbt's quarantine already keeps the row out of marts
REQUIRED_OPPORTUNITY_FIELDS: dict[str, tuple[Severity, str]] = {
    "owner_id": ("warning", _quarantined("unknown_owner")),
    "stage_name": ("error", "the stage decides open, won or lost, and nothing quarantines it"),
    "close_date": ("warning", _quarantined("missing_date")),
    "created_date": ("warning", _quarantined("missing_date")),
    "currency_iso_code": ("warning", _quarantined("no_fx_rate")),
    "amount": (
        "warning",
        "an open deal without an amount counts as a deal with amount 0 and is listed in"
        " marts.pipeline_hygiene; a won deal without one books nothing",
    ),
}

opportunity_checks: list[GxCheck] = [
    *(
        not_null(opportunities, OPPORTUNITY, column, severity, why)
        for column, (severity, why) in REQUIRED_OPPORTUNITY_FIELDS.items()
    ),
    not_null(
        opportunities, OPPORTUNITY, "account_id", "warning", "account views lose the deal otherwise"
    ),
    between(
        opportunities,
        OPPORTUNITY,
        "amount",
        "warning",
        f"`amount` is not negative ({QUARANTINED}).",
        name="amount_not_negative",
        min_value=0,
    ),
    between(
        opportunities,
        OPPORTUNITY,
        "amount",
        "error",
        "`amount` is at most `max_opportunity_amount` (record currency): above it the amount "
        "is a typo or a unit error, and nothing downstream catches it.",
        name="amount_below_ceiling",
        max_value=lambda p: p.config.max_opportunity_amount,
        context=["currency_iso_code"],
    ),
    between(
        opportunities,
        OPPORTUNITY,
        "probability",
        "error",
        "`probability` is within [0, 100]: weighted pipeline multiplies by it.",
        name="probability_within_0_100",
        min_value=0,
        max_value=100,
        context=["stage_name"],
    ),
    matches(
        opportunities,
        OPPORTUNITY,
        "currency_iso_code",
        ISO_CURRENCY.pattern,
        "warning",
        f"`currency_iso_code` is an ISO 4217 code (three upper-case letters); {QUARANTINED}.",
        name="currency_iso_code",
    ),
    in_set(
        opportunities,
        OPPORTUNITY,
        "stage_name",
        lambda p: list(p.stages),
        "error",
        "`stage_name` is one of the company's stages (MasterLabel or ApiName of the loaded "
        "`OpportunityStage` export): the stage gives order, probability and closed/won, so a "
        "stage the export does not know would be counted wrongly everywhere. Without that "
        "export the stages are those the opportunities carry, and this check always passes.",
    ),
    in_set(
        opportunities,
        OPPORTUNITY,
        "forecast_category_name",
        lambda p: list(p.config.opportunity_forecast_categories),
        "error",
        "`forecast_category_name` is a configured forecast category: commit and best-case "
        "pipeline are summed by it.",
    ),
    between(
        opportunities,
        OPPORTUNITY,
        "days_created_to_close",
        "warning",
        f"The close date is not before the created date ({QUARANTINED}).",
        name="close_not_before_created",
        min_value=0,
        context=["created_date", "close_date"],
    ),
    between(
        opportunities,
        OPPORTUNITY,
        "days_created_after_as_of",
        "warning",
        "No opportunity was created after the as-of date (a clock or export error; a rebuild "
        "of a past day legitimately sees later deals, so this warns rather than blocks).",
        name="created_not_after_as_of",
        max_value=0,
        context=["created_date"],
    ),
]


def _deal_currencies_sql(params: Params) -> str:
    corporate = params.config.corporate_currency.replace("'", "''")
    as_of = date_literal(params.as_of)
    return f"""
        select
            o.currency_iso_code as currency,
            count(distinct o.id) as deal_count,
            max(r."date") as newest_rate_date
        from "raw_crm"."opportunity" as o
        left join "raw_finance"."fx_rates" as r
            on r."currency" = o.currency_iso_code and r."date" <= {as_of}
        where o."_dlt_valid_to" is null
            and coalesce(o.is_deleted, false) = false
            and o.currency_iso_code is not null
            and o.currency_iso_code <> '{corporate}'
        group by o.currency_iso_code
        order by o.currency_iso_code
    """


deal_currencies = Frame(
    name="crm_opportunity_foreign_currencies",
    sql=_deal_currencies_sql,
    reads={
        "raw_crm.opportunity": ("id", "currency_iso_code", "is_deleted", "_dlt_valid_to"),
        "raw_finance.fx_rates": ("date", "currency"),
    },
    key=("currency",),
)

currency_has_rate = make_check(
    "opportunity__currency_has_rate",
    OPPORTUNITY,
    "warning",
    "Every currency the opportunities use, other than the corporate one, has an FX rate on or "
    "before the as-of date (finance/fx_rates.csv). A company selling only in the corporate "
    f"currency needs no rate; a deal in a currency with no rate is quarantined ({QUARANTINED}).",
    deal_currencies,
    Expect("ExpectColumnValuesToNotBeNull", {"column": "newest_rate_date"}),
    context=["deal_count"],
)

users = table_frame(
    "crm_user_current",
    "raw_crm.user",
    ["name", "email", "user_role_id"],
    key=["id"],
    current_only=True,
)
user_checks: list[GxCheck] = [
    not_null(
        users,
        USER,
        "email",
        "warning",
        "quotas are matched to reps by email (by name when the CRM has no emails)",
    ),
    not_null(users, USER, "user_role_id", "error", "the role is the rep's team in roll-ups"),
    not_null(users, USER, "name", "warning", "pages and emails show the rep by name"),
    matches(
        users,
        USER,
        "email",
        r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$",
        "warning",
        "`email` looks like an address (stray spaces and capitals are allowed: dbt trims and "
        "lower-cases); a malformed one matches no quota row, so that rep's quota goes to "
        "quarantine.quotas.",
        name="email_well_formed",
    ),
]

accounts = table_frame("crm_account_live", "raw_crm.account", ["name"], key=["id"], live_only=True)
account_checks = [not_null(accounts, ACCOUNT, "name", "warning", "account views show the name")]

history = table_frame(
    "crm_opportunity_history_live",
    "raw_crm.opportunity_history",
    ["opportunity_id", "stage_name", "forecast_category", "amount", "created_date"],
    key=["id"],
    live_only=True,
)
history_checks: list[GxCheck] = [
    not_null(
        history, HISTORY, "created_date", "warning", "a change without a time cannot be ordered"
    ),
    in_set(
        history,
        HISTORY,
        "stage_name",
        lambda p: list(p.stages),
        "warning",
        "History `stage_name` is one of the company's stages (history feeds stage-change and "
        "slip analysis, not bookings).",
    ),
    in_set(
        history,
        HISTORY,
        "forecast_category",
        lambda p: list(p.config.opportunity_forecast_categories),
        "warning",
        "History `forecast_category` is a configured forecast category.",
    ),
    between(
        history,
        HISTORY,
        "amount",
        "warning",
        "History `amount` is within [0, `max_opportunity_amount`].",
        name="amount_within_range",
        min_value=0,
        max_value=lambda p: p.config.max_opportunity_amount,
        context=["opportunity_id"],
    ),
]

line_items = table_frame(
    "crm_opportunity_line_item_live",
    "raw_crm.opportunity_line_item",
    ["opportunity_id", "quantity", "total_price"],
    key=["id"],
    live_only=True,
)
line_item_checks: list[GxCheck] = [
    between(
        line_items,
        LINE_ITEM,
        "quantity",
        "warning",
        "`quantity` is positive (product mix only; bookings come from the opportunity).",
        name="quantity_positive",
        min_value=0,
        strict_min=True,
    ),
    between(
        line_items,
        LINE_ITEM,
        "total_price",
        "warning",
        "`total_price` is within [0, `max_opportunity_amount`].",
        name="total_price_within_range",
        min_value=0,
        max_value=lambda p: p.config.max_opportunity_amount,
    ),
]

splits = table_frame(
    "crm_opportunity_split_live",
    "raw_crm.opportunity_split",
    ["opportunity_id", "split_owner_id", "split_type_id", "split_percentage"],
    key=["id"],
    live_only=True,
)
split_checks: list[GxCheck] = [
    not_null(splits, SPLIT, "split_owner_id", "warning", _quarantined("unknown_split_owner")),
    not_null(splits, SPLIT, "split_type_id", "warning", _quarantined("unknown_split_type")),
    not_null(
        splits,
        SPLIT,
        "split_percentage",
        "error",
        "the share is the credit, and a blank share escapes the splits-sum-to-100 quarantine",
    ),
    between(
        splits,
        SPLIT,
        "split_percentage",
        "error",
        "`split_percentage` is within [0, 100]: it is the rep's share of the deal's credit "
        "(whether a deal's Revenue splits sum to 100 is a dbt reconciliation).",
        name="split_percentage_within_0_100",
        min_value=0,
        max_value=100,
        context=["opportunity_id"],
    ),
]

split_types = table_frame(
    "crm_opportunity_split_type_all",
    "raw_crm.opportunity_split_type",
    ["developer_name"],
    key=["id"],
)
split_type_checks = [
    in_set(
        split_types,
        SPLIT_TYPE,
        "developer_name",
        ["Revenue", "Overlay"],
        "warning",
        "`developer_name` is Revenue or Overlay: the crediting rule knows no other split type; "
        + _quarantined("unknown_split_type")
        + ".",
    )
]

freshness = freshness_check(
    "crm",
    OPPORTUNITY,
    "raw_crm.opportunity",
    '"system_modstamp"',
    ["system_modstamp"],
    what="opportunity change (`system_modstamp`)",
)

CHECKS: list[GxCheck] = [
    *opportunity_checks,
    currency_has_rate,
    *user_checks,
    *account_checks,
    *history_checks,
    *line_item_checks,
    *split_checks,
    *split_type_checks,
    freshness,
    *(
        check
        for table in TABLES
        for check in drift_checks(("crm", table), f"raw_crm.{table}", shrink_severity="error")
    ),
]
