{#-
    One row per calendar day with its fiscal attributes. The span is whole fiscal years around
    the as-of date (vars calendar_years_back / calendar_years_ahead), so every period in it is
    complete and its selling-day count is right.
-#}
{%- set as_of = as_of_date_value() -%}
{%- set start_month = fiscal_year_start_month() -%}
{%- set first_day = modules.datetime.date(as_of.year - (var('calendar_years_back') | int), start_month, 1) -%}
{%- set after_last_day = modules.datetime.date(as_of.year + (var('calendar_years_ahead') | int) + 1, start_month, 1) -%}
{%- set day_count = (after_last_day - first_day).days -%}

with

day_numbers as ({{ dbt.generate_series(day_count) }}),

days as (
    select {{ add_days("cast('" ~ first_day.isoformat() ~ "' as date)", 'generated_number - 1') }} as date_day
    from day_numbers
),

calendar_parts as (
    select
        date_day,
        cast(extract(year from date_day) as integer) as calendar_year,
        cast(extract(month from date_day) as integer) as calendar_month,
        {{ iso_day_of_week('date_day') }} as iso_day_of_week,
        {{ month_start('date_day') }} as month_start
    from days
),

fiscal_parts as (
    select
        *,
        ((calendar_month - {{ start_month }} + 12) % 12) + 1 as fiscal_month_of_year,
        calendar_year
        + case when {{ start_month }} > 1 and calendar_month >= {{ start_month }} then 1 else 0 end
            as fiscal_year
    from calendar_parts
),

fiscal_quarters as (
    select
        *,
        cast(floor((fiscal_month_of_year - 1) / 3.0) as integer) + 1 as fiscal_quarter_of_year
    from fiscal_parts
),

period_bounds as (
    select
        *,
        {{ add_months('month_start', '-((fiscal_month_of_year - 1) % 3)') }} as fiscal_quarter_start,
        {{ add_months('month_start', '-(fiscal_month_of_year - 1)') }} as fiscal_year_start
    from fiscal_quarters
),

final as (
    select
        date_day,
        calendar_year,
        calendar_month,
        iso_day_of_week,
        iso_day_of_week <= 5 as is_selling_day,
        fiscal_year,
        fiscal_quarter_of_year,
        fiscal_month_of_year,
        'FY' || cast(fiscal_year as {{ dbt.type_string() }}) as fiscal_year_period,
        'FY' || cast(fiscal_year as {{ dbt.type_string() }})
        || '-Q' || cast(fiscal_quarter_of_year as {{ dbt.type_string() }}) as fiscal_quarter_period,
        'FY' || cast(fiscal_year as {{ dbt.type_string() }})
        || '-M' || lpad(cast(fiscal_month_of_year as {{ dbt.type_string() }}), 2, '0')
            as fiscal_month_period,
        month_start as fiscal_month_start,
        {{ add_days(add_months('month_start', 1), -1) }} as fiscal_month_end,
        fiscal_quarter_start,
        {{ add_days(add_months('fiscal_quarter_start', 3), -1) }} as fiscal_quarter_end,
        fiscal_year_start,
        {{ add_days(add_months('fiscal_year_start', 12), -1) }} as fiscal_year_end
    from period_bounds
)

select * from final
