{#-
    One row per calendar day over whole fiscal years around the as-of date (vars
    calendar_years_back / calendar_years_ahead), so every fiscal period in it is complete.
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

final as (select * from days)

select * from final
