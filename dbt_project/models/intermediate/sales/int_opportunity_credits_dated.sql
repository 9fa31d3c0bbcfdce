{#-
    Each credit rounded to cents (money is reported and paid in cents, so every total is an
    exact sum of what the rows show) and placed in time as of `as_of_date`: closed by then
    (counts in the close month), created by then (counts in the created month) or open then
    (counts in the open pipeline of its pipeline close month: the close month, or the as-of
    month for an open deal that is undated or past due). An opportunity closed after the
    as-of date was still open on it.
-#}
with

credits as (select * from {{ ref('int_opportunity_credits_split') }}),

dated as (
    select
        opportunity_credit_id,
        opportunity_id,
        rep_id,
        credit_type,
        is_won,
        is_closed and close_date <= {{ as_of_date() }} as is_closed_as_of,
        created_date <= {{ as_of_date() }} as is_created_as_of,
        created_date <= {{ as_of_date() }}
        and not (is_closed and close_date <= {{ as_of_date() }}) as is_open_as_of,
        created_date,
        close_date,
        {{ month_start('pipeline_close_date') }} as close_month_start,
        {{ month_start('created_date') }} as created_month_start,
        sales_cycle_days,
        {{ cents('credited_amount') }} as credited_amount,
        {{ cents('credited_created_amount') }} as credited_created_amount,
        {{ cents('credited_amount * probability * cast(0.01 as decimal(3, 2))') }}
            as credited_weighted_amount
    from credits
),

final as (select * from dated)

select * from final
