{#-
    The rate of every currency on every calendar day: the latest published rate on or before
    that day (a weekend uses Friday's rate). The corporate currency converts at 1.
    Days before a currency's first published rate carry that first rate with
    `is_backfilled` true: bookings never use such a day (an opportunity closed before any
    rate of its currency is quarantined), only the creation amount of an opportunity created
    before the rate history starts does.
-#}
with

fx_rates as (select * from {{ ref('stg_finance__fx_rates') }}),
calendar_days as (select * from {{ ref('int_calendar_days_enriched') }}),

foreign_rates as (
    select *
    from fx_rates
    where currency_code <> {{ corporate_currency() }}
),

rate_validity as (
    select
        currency_code,
        rate_date,
        rate_to_corporate,
        lead(rate_date) over (partition by currency_code order by rate_date) as next_rate_date,
        row_number() over (partition by currency_code order by rate_date) as rate_rank
    from foreign_rates
),

first_rates as (
    select *
    from rate_validity
    where rate_rank = 1
),

foreign_daily as (
    select
        calendar_days.date_day,
        rate_validity.currency_code,
        rate_validity.rate_to_corporate,
        rate_validity.rate_date,
        false as is_backfilled
    from calendar_days
    inner join rate_validity
        on
            calendar_days.date_day >= rate_validity.rate_date
            and calendar_days.date_day < coalesce(rate_validity.next_rate_date, cast('9999-12-31' as date))
),

backfilled_daily as (
    select
        calendar_days.date_day,
        first_rates.currency_code,
        first_rates.rate_to_corporate,
        first_rates.rate_date,
        true as is_backfilled
    from calendar_days
    inner join first_rates
        on calendar_days.date_day < first_rates.rate_date
),

corporate_daily as (
    select
        date_day,
        {{ corporate_currency() }} as currency_code,
        cast(1 as decimal(18, 8)) as rate_to_corporate,
        date_day as rate_date,
        false as is_backfilled
    from calendar_days
),

unioned as (
    select * from foreign_daily
    union all
    select * from backfilled_daily
    union all
    select * from corporate_daily
),

final as (
    select
        currency_code || '|' || cast(date_day as {{ dbt.type_string() }}) as fx_rate_day_id,
        date_day,
        currency_code,
        rate_to_corporate,
        rate_date,
        is_backfilled
    from unioned
)

select * from final
