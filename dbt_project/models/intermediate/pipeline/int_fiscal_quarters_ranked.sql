{#-
    Fiscal quarters numbered from the as-of date: 0 is the quarter the as-of date is in, 1 the
    last complete quarter before it, 2 the one before, and so on (negative for future
    quarters). "The trailing four quarters" are quarters_ago 1 to 4: the four
    complete quarters before the current one.
-#}
with

periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),

quarters as (
    select
        period_id,
        fiscal_period,
        fiscal_year,
        period_start,
        period_end
    from periods
    where period_type = 'quarter'
),

current_quarter as (
    select period_start as current_start
    from quarters
    where period_start <= {{ as_of_date() }} and period_end >= {{ as_of_date() }}
),

final as (
    select
        quarters.*,
        cast(
            (
                (
                    cast(extract(year from current_quarter.current_start) as integer) * 12
                    + cast(extract(month from current_quarter.current_start) as integer)
                )
                - (
                    cast(extract(year from quarters.period_start) as integer) * 12
                    + cast(extract(month from quarters.period_start) as integer)
                )
            ) / 3 as integer
        ) as quarters_ago
    from quarters
    cross join current_quarter
)

select * from final
