{#-
    Commission paid per rep and month (restricted: individual pay never appears in `marts`),
    in the payout's currency and in the corporate currency at the rate of the month's last day.
-#}
with

payouts as (select * from {{ ref('stg_compensation__payouts') }}),
fx_rates_daily as (select * from {{ ref('int_fx_rates_daily') }}),

converted as (
    select
        payouts.*,
        {{ add_days(add_months('payouts.pay_month_start', 1), -1) }} as pay_month_end,
        fx_rates_daily.rate_to_corporate
    from payouts
    left join fx_rates_daily
        on
            payouts.currency_code = fx_rates_daily.currency_code
            and {{ add_days(add_months('payouts.pay_month_start', 1), -1) }} = fx_rates_daily.date_day
),

final as (
    select
        payout_id,
        rep_id,
        email,
        plan_id,
        pay_month,
        pay_month_start,
        currency_code,
        commission_amount as local_commission_amount,
        rate_to_corporate as fx_rate_to_corporate,
        {{ full_precision('cast(commission_amount as decimal(38, 10)) * rate_to_corporate') }}
            as commission_amount
    from converted
)

select * from final
