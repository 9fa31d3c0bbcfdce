-- A failure means the company's bookings for a fiscal year in team_performance differ from
-- the closed-won credited amounts recomputed here straight from staging (opportunities not
-- quarantined, Revenue splits or 100% to the owner, the latest FX rate on or before the close
-- date, each credit rounded to cents, closed on or before the as-of date): a deal was lost,
-- double counted, converted at the wrong rate or credited to nobody on its way to the marts.
-- Each returned row is a fiscal year with both figures.
{{ config(meta={'dagster': {'ref': {'name': 'team_performance'}}}) }}
with

opportunities as (select * from {{ ref('stg_crm__opportunities') }}),
splits as (select * from {{ ref('stg_crm__opportunity_splits') }}),
split_types as (select * from {{ ref('stg_crm__opportunity_split_types') }}),
fx_rates as (select * from {{ ref('stg_finance__fx_rates') }}),
quarantined as (select * from {{ ref('quarantine_opportunities') }}),
calendar_days as (select * from {{ ref('dim_date') }}),
team_performance as (select * from {{ ref('team_performance') }}),

won as (
    select opportunities.*
    from opportunities
    where
        opportunities.is_won
        and opportunities.close_date <= {{ as_of_date() }}
        and opportunities.opportunity_id not in (select opportunity_id from quarantined)
),

latest_rate_dates as (
    -- the latest FX rate on or before the close date (a join, not a correlated subquery two
    -- levels deep, which Spark does not take)
    select
        won.opportunity_id,
        max(fx_rates.rate_date) as rate_date
    from won
    inner join fx_rates
        on
            won.currency_code = fx_rates.currency_code
            and fx_rates.rate_date <= won.close_date
    group by won.opportunity_id
),

rates as (
    select
        won.opportunity_id,
        case
            when won.currency_code = {{ corporate_currency() }} then cast(1 as decimal(18, 8))
            else fx_rates.rate_to_corporate
        end as rate
    from won
    left join latest_rate_dates
        on won.opportunity_id = latest_rate_dates.opportunity_id
    left join fx_rates
        on
            won.currency_code = fx_rates.currency_code
            and latest_rate_dates.rate_date = fx_rates.rate_date
),

revenue_splits as (
    select splits.opportunity_id, splits.split_owner_id, splits.split_percentage
    from splits
    inner join split_types
        on splits.split_type_id = split_types.split_type_id
    where split_types.split_type = 'revenue'
),

shares as (
    select opportunity_id, split_percentage / 100.0 as share
    from revenue_splits
    union all
    select won.opportunity_id, 1.0 as share
    from won
    where won.opportunity_id not in (select opportunity_id from revenue_splits)
),

credits as (
    select
        won.close_date,
        round(cast(won.amount as decimal(38, 10)) * rates.rate * cast(shares.share as decimal(18, 6)), 2)
            as credited_amount
    from won
    inner join rates
        on won.opportunity_id = rates.opportunity_id
    inner join shares
        on won.opportunity_id = shares.opportunity_id
),

recomputed as (
    select
        calendar_days.fiscal_year_period as fiscal_period,
        sum(credits.credited_amount) as bookings_amount
    from credits
    inner join calendar_days
        on credits.close_date = calendar_days.date_day
    group by calendar_days.fiscal_year_period
),

marts as (
    select fiscal_period, sum(bookings_amount) as bookings_amount
    from team_performance
    where hierarchy_level = 'company' and period_type = 'year'
    group by fiscal_period
),

compared as (
    select
        coalesce(recomputed.fiscal_period, marts.fiscal_period) as fiscal_period,
        coalesce(recomputed.bookings_amount, 0) as staging_bookings_amount,
        coalesce(marts.bookings_amount, 0) as mart_bookings_amount
    from recomputed
    full outer join marts
        on recomputed.fiscal_period = marts.fiscal_period
)

select *
from compared
where staging_bookings_amount <> mart_bookings_amount
