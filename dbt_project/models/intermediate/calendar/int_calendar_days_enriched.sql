{#-
    Every calendar day with its fiscal attributes under `fiscal_year_start_month`: a fiscal
    year is named by the calendar year in which it ends (with a February start, Feb 2026 -
    Jan 2027 is FY2027 and January 2026 is month 12 of FY2026); periods are keyed `FY2027`,
    `FY2027-Q3`, `FY2027-M08`; selling days are Monday to Friday.
-#}
{%- set start_month = fiscal_year_start_month() -%}

with

days as (select * from {{ ref('int_calendar_days_spined') }}),

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
