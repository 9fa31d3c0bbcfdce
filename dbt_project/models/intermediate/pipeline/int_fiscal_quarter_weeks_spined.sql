{#-
    The weeks of every fiscal quarter started by the as-of date, numbered as forecast_calls
    numbers them (int_fiscal_period_weeks_spined, where the week numbering is written), so a
    week's change lines up with that week's forecast call. Each week says which day its
    standing is read on (`cutoff_date`: its last day, or the as-of date while it runs) and
    which day the standing it starts from was read on (`opening_date`: the day before the
    week, the previous week's last day).
-#}
with

period_weeks as (select * from {{ ref('int_fiscal_period_weeks_spined') }}),

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
        opening_date,
        cutoff_date,
        is_latest_week,
        is_current_period
    from period_weeks
    where period_type = 'quarter'
)

select * from final
