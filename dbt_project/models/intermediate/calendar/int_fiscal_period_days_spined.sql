{#-
    Every day of every fiscal period (month, quarter and year), one row per period and day,
    so that a model finds the periods a date falls in by that date, an equality join. Joined
    by range instead (close date between the period's bounds), the millions of deal states of
    a large company met every period in a piecewise merge join, most of the time of each
    model that did it.
-#}
with

periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),
calendar_days as (select * from {{ ref('int_calendar_days_spined') }}),

final as (
    select
        periods.period_id || '|' || cast(calendar_days.date_day as {{ dbt.type_string() }}) as period_day_id,
        periods.period_id,
        calendar_days.date_day
    from periods
    inner join calendar_days
        on
            periods.period_start <= calendar_days.date_day
            and periods.period_end >= calendar_days.date_day
)

select * from final
