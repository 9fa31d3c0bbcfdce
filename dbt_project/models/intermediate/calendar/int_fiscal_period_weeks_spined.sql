{#-
    The weeks of every fiscal period (month, quarter, year) started by the as-of date: the one
    place the week numbering of a period is written. Week k runs from day 7(k-1) to day 7k-1
    counted from the period's first day, so week 1 is its first seven days and the last week
    may be short. Forecast calls (int_forecast_calls_carried, forecast_calls) and the weekly
    changes (int_fiscal_quarter_weeks_spined) all read their weeks here, so a week's change
    lines up with that week's forecast call. Each week says which day its standing is read on
    (`cutoff_date`: its last day, or the as-of date while it runs) and which day the standing
    it starts from was read on (`opening_date`: the day before the week).
-#}
with

periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),

-- a fiscal year has at most 53 weeks (366 days); 54 leaves room
week_numbers as ({{ dbt.generate_series(54) }}),

started_periods as (
    select
        period_id,
        period_type,
        fiscal_period,
        period_start,
        period_end,
        calendar_days
    from periods
    where period_start <= {{ as_of_date() }}
),

weeks as (
    select
        started_periods.period_id,
        started_periods.period_type,
        started_periods.fiscal_period,
        started_periods.period_start,
        started_periods.period_end,
        cast(week_numbers.generated_number as integer) as week_of_period,
        {{ add_days('started_periods.period_start', '7 * (week_numbers.generated_number - 1)') }}
            as week_start,
        case
            when
                {{ add_days('started_periods.period_start', '7 * week_numbers.generated_number - 1') }}
                > started_periods.period_end
                then started_periods.period_end
            else {{ add_days('started_periods.period_start', '7 * week_numbers.generated_number - 1') }}
        end as week_end
    from started_periods
    inner join week_numbers
        on 7 * (week_numbers.generated_number - 1) < started_periods.calendar_days
),

final as (
    select
        period_id || '|' || cast(week_of_period as {{ dbt.type_string() }}) as period_week_id,
        period_id,
        period_type,
        fiscal_period,
        period_start,
        period_end,
        week_of_period,
        week_start,
        week_end,
        {{ add_days('week_start', -1) }} as opening_date,
        -- a week's standing is read at its end, and never after the as-of date
        case when week_end > {{ as_of_date() }} then {{ as_of_date() }} else week_end end as cutoff_date,
        week_of_period = max(week_of_period) over (partition by period_id) as is_latest_week,
        period_end >= {{ as_of_date() }} as is_current_period
    from weeks
    where week_start <= {{ as_of_date() }}
)

select * from final
