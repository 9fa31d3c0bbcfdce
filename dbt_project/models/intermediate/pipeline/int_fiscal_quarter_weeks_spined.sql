{#-
    The weeks of every fiscal quarter started by the as-of date, numbered as forecast_calls
    numbers them (week k = days 7(k-1) to 7k-1 of the quarter; the last week may be short),
    so a week's change lines up with that week's forecast call. Each week says which day
    its standing is read on (`cutoff_date`: its last day, or the as-of date while it runs)
    and which day the standing it starts from was read on (`opening_date`: the day before
    the week, the previous week's last day).
-#}
with

periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),

week_numbers as ({{ dbt.generate_series(16) }}),

quarters as (
    select
        period_id,
        period_type,
        fiscal_period,
        period_start,
        period_end,
        calendar_days
    from periods
    where period_type = 'quarter' and period_start <= {{ as_of_date() }}
),

weeks as (
    select
        quarters.period_id,
        quarters.period_type,
        quarters.fiscal_period,
        quarters.period_start,
        quarters.period_end,
        cast(week_numbers.generated_number as integer) as week_of_period,
        {{ add_days('quarters.period_start', '7 * (week_numbers.generated_number - 1)') }} as week_start,
        case
            when
                {{ add_days('quarters.period_start', '7 * week_numbers.generated_number - 1') }}
                > quarters.period_end
                then quarters.period_end
            else {{ add_days('quarters.period_start', '7 * week_numbers.generated_number - 1') }}
        end as week_end
    from quarters
    inner join week_numbers
        on 7 * (week_numbers.generated_number - 1) < quarters.calendar_days
),

final as (
    select
        period_id || '|' || cast(week_of_period as {{ dbt.type_string() }}) as quarter_week_id,
        period_id,
        period_type,
        fiscal_period,
        period_start,
        period_end,
        week_of_period,
        week_start,
        week_end,
        {{ add_days('week_start', -1) }} as opening_date,
        case when week_end > {{ as_of_date() }} then {{ as_of_date() }} else week_end end as cutoff_date,
        week_of_period = max(week_of_period) over (partition by period_id) as is_latest_week,
        period_end >= {{ as_of_date() }} as is_current_period
    from weeks
    where week_start <= {{ as_of_date() }}
)

select * from final
