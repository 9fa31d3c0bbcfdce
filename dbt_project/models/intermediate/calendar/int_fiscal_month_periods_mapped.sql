{#-
    Each fiscal month mapped to the three periods it belongs to (itself, its quarter, its
    year): the roll-up of every rep-month measure to quarters and years goes through here.
-#}
with

calendar_days as (select * from {{ ref('int_calendar_days_enriched') }}),

months as (
    select distinct
        fiscal_month_start,
        fiscal_month_period,
        fiscal_quarter_period,
        fiscal_year_period
    from calendar_days
),

as_month as (
    select
        fiscal_month_start,
        'month' as period_type,
        fiscal_month_period as fiscal_period
    from months
),

as_quarter as (
    select
        fiscal_month_start,
        'quarter' as period_type,
        fiscal_quarter_period as fiscal_period
    from months
),

as_year as (
    select
        fiscal_month_start,
        'year' as period_type,
        fiscal_year_period as fiscal_period
    from months
),

unioned as (
    select * from as_month
    union all
    select * from as_quarter
    union all
    select * from as_year
),

final as (
    select
        cast(fiscal_month_start as {{ dbt.type_string() }}) || '|' || period_type as month_period_id,
        fiscal_month_start,
        period_type,
        fiscal_period,
        period_type || '|' || fiscal_period as period_id
    from unioned
)

select * from final
