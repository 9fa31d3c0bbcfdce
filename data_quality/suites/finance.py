"""GX suite of the finance FX rates (`raw_finance.fx_rates`).

Every mart amount is converted at these rates, so a wrong rate is a wrong number everywhere:
value rules block. Freshness is judged per currency, since one currency's feed can stop
while the others go on.
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
    make_check,
    matches,
    not_null,
    table_frame,
)
from data_quality.table_rules import drift_checks

FX_RATES = ("finance", "fx_rates")
TABLE = "raw_finance.fx_rates"

rates = table_frame("finance_fx_rates_all", TABLE, ["rate"], key=["date", "currency"])


def _per_currency_sql(params: Params) -> str:
    config = params.config
    corporate = config.corporate_currency.replace("'", "''")
    as_of = date_literal(params.as_of)
    return f"""
        select
            r.currency,
            max(r."date") filter (where r."date" <= {as_of}) as newest_rate_date,
            date_diff('day', max(r."date") filter (where r."date" <= {as_of}), {as_of})
                as newest_rate_age_days,
            {int(config.max_age_days["finance"])} as max_age_days
        from "raw_finance"."fx_rates" as r
        where r.currency <> '{corporate}'
        group by r.currency
        order by r.currency
    """


per_currency = Frame(
    name="finance_fx_rates_per_currency",
    sql=_per_currency_sql,
    reads={TABLE: ("date", "currency")},
    key=("currency",),
)

CHECKS: list[GxCheck] = [
    not_null(rates, FX_RATES, "rate", "error", "a dated rate without a value converts nothing"),
    between(
        rates,
        FX_RATES,
        "rate",
        "error",
        "`rate` (corporate currency per unit) is above 0 and at most `max_fx_rate`: every "
        "mart amount in that currency is multiplied by it.",
        name="rate_within_range",
        min_value=0,
        strict_min=True,
        max_value=lambda p: p.config.max_fx_rate,
    ),
    matches(
        rates,
        FX_RATES,
        "currency",
        ISO_CURRENCY.pattern,
        "error",
        "`currency` is an ISO 4217 code (three upper-case letters): deals are matched to "
        "their rate by it.",
        name="currency_iso_code",
    ),
    make_check(
        "finance__freshness",
        FX_RATES,
        "warning",
        "Freshness of the finance source: each currency's newest rate on or before the as-of "
        "date is at most `max_age_days['finance']` days old (older rates still convert, at a "
        "stale value). Whether every deal currency has a rate is `opportunity__currency_has_rate`.",
        per_currency,
        Expect(
            "ExpectColumnValuesToBeBetween",
            {
                "column": "newest_rate_age_days",
                "max_value": lambda p: p.config.max_age_days["finance"],
            },
        ),
        context=["newest_rate_date", "max_age_days"],
    ),
    *drift_checks(FX_RATES, TABLE, shrink_severity="error"),
]
