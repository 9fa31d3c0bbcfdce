"""GX suite of the finance FX rates (`raw_finance.fx_rates`).

Every mart amount is converted at these rates, so a wrong rate is a wrong number everywhere:
value rules block. Freshness is judged per currency, since one currency's feed can stop
while the others go on.
"""

from __future__ import annotations

from data_quality.rules import (
    Expect,
    Frame,
    GxCheck,
    Params,
    between,
    date_literal,
    in_set,
    make_check,
    not_null,
    table_frame,
)
from data_quality.table_rules import drift_checks

FX_RATES = ("finance", "fx_rates")
TABLE = "raw_finance.fx_rates"

rates = table_frame("finance_fx_rates_all", TABLE, ["rate"], key=["date", "currency"])


def _per_currency_sql(params: Params) -> str:
    config = params.config
    foreign = [c for c in config.known_currencies if c != config.corporate_currency]
    values = ", ".join("('" + c.replace("'", "''") + "')" for c in foreign) or "(null)"
    as_of = date_literal(params.as_of)
    return f"""
        select
            known.currency,
            max(r."date") as newest_rate_date,
            date_diff('day', max(r."date"), {as_of}) as newest_rate_age_days,
            {int(config.max_age_days["finance"])} as max_age_days
        from (values {values}) as known(currency)
        left join "raw_finance"."fx_rates" as r
            on r."currency" = known.currency and r."date" <= {as_of}
        where known.currency is not null
        group by known.currency
        order by known.currency
    """


per_currency = Frame(
    name="finance_fx_rates_per_known_currency",
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
    in_set(
        rates,
        FX_RATES,
        "currency",
        lambda p: list(p.config.known_currencies),
        "warning",
        "`currency` is a known currency (an unconfigured one is harmless until a deal uses it; "
        "add it to `known_currencies`).",
        name="currency_known",
    ),
    make_check(
        "fx_rates__known_currency_has_rate",
        FX_RATES,
        "error",
        "Every known currency other than the corporate one has a rate on or before the as-of "
        "date: without one, every deal in it is quarantined and drops out of bookings.",
        per_currency,
        Expect("ExpectColumnValuesToNotBeNull", {"column": "newest_rate_date"}),
    ),
    make_check(
        "finance__freshness",
        FX_RATES,
        "warning",
        "Freshness of the finance source: each known currency's newest rate on or before the "
        "as-of date is at most `max_age_days['finance']` days old (older rates still convert, "
        "at a stale value).",
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
