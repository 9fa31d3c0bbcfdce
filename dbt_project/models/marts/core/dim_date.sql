{#-
    The calendar: one row per day with its fiscal year, quarter and month (named by the
    fiscal year's end, `FY2027-Q3`) and whether it is a selling day (Monday to Friday).
    Also the MetricFlow time spine of the semantic layer.
-#}
with

calendar_days as (select * from {{ ref('int_calendar_days_enriched') }}),

final as (
    select
        date_day,
        calendar_year,
        calendar_month,
        iso_day_of_week,
        is_selling_day,
        fiscal_year,
        fiscal_quarter_of_year,
        fiscal_month_of_year,
        fiscal_year_period,
        fiscal_quarter_period,
        fiscal_month_period,
        fiscal_month_start,
        fiscal_month_end,
        fiscal_quarter_start,
        fiscal_quarter_end,
        fiscal_year_start,
        fiscal_year_end,
        date_day = {{ as_of_date() }} as is_as_of_date
    from calendar_days
)

select * from final
