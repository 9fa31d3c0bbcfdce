{#-
    One row per fiscal period (month, quarter, year) of the calendar: its key, bounds and
    number of selling days (Monday to Friday), which pace and run rates divide by.
-#}
with

calendar_days as (select * from {{ ref('int_calendar_days_enriched') }}),

months as (
    select
        'month' as period_type,
        fiscal_month_period as fiscal_period,
        fiscal_year,
        fiscal_month_start as period_start,
        fiscal_month_end as period_end,
        sum(case when is_selling_day then 1 else 0 end) as selling_days,
        count(*) as calendar_days
    from calendar_days
    group by 1, 2, 3, 4, 5
),

quarters as (
    select
        'quarter' as period_type,
        fiscal_quarter_period as fiscal_period,
        fiscal_year,
        fiscal_quarter_start as period_start,
        fiscal_quarter_end as period_end,
        sum(case when is_selling_day then 1 else 0 end) as selling_days,
        count(*) as calendar_days
    from calendar_days
    group by 1, 2, 3, 4, 5
),

years as (
    select
        'year' as period_type,
        fiscal_year_period as fiscal_period,
        fiscal_year,
        fiscal_year_start as period_start,
        fiscal_year_end as period_end,
        sum(case when is_selling_day then 1 else 0 end) as selling_days,
        count(*) as calendar_days
    from calendar_days
    group by 1, 2, 3, 4, 5
),

unioned as (
    select * from months
    union all
    select * from quarters
    union all
    select * from years
),

final as (
    select
        period_type || '|' || fiscal_period as period_id,
        period_type,
        fiscal_period,
        fiscal_year,
        period_start,
        period_end,
        cast(selling_days as integer) as selling_days,
        cast(calendar_days as integer) as calendar_days
    from unioned
)

select * from final
