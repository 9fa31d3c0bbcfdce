{#-
    Each deal open at the end of the as-of date once per revenue-credited rep, placed in the
    fiscal month of its pipeline close date and valued at the close-date rate x credit share
    in cents (weighted by its probability), with its hygiene flags. The rep-month and rep-month-stage pipeline
    measures are sums of these rows, so they always agree.
-#}
with

pinned as (select * from {{ ref('int_opportunity_states_pinned') }}),
credits as (select * from {{ ref('int_opportunity_credits_split') }}),
opportunities as (select * from {{ ref('int_opportunities_validated') }}),

open_credits as (
    select
        credits.rep_id,
        {{ month_start('pinned.pipeline_close_date') }} as fiscal_month_start,
        pinned.opportunity_id,
        pinned.stage_name,
        pinned.forecast_category,
        pinned.close_date_status,
        pinned.is_amount_missing,
        coalesce(opportunities.is_next_step_missing, false) as is_next_step_missing,
        pinned.age_days,
        pinned.days_in_stage,
        {{ credited_cents('pinned.local_amount', 'pinned.valuation_rate', 'credits.credit_share') }}
            as open_amount,
        {{ cents(full_precision('cast(pinned.local_amount as decimal(38, 10)) * pinned.valuation_rate')
            ~ ' * credits.credit_share * pinned.probability * cast(0.01 as decimal(3, 2))') }}
            as weighted_amount
    from pinned
    inner join credits
        on pinned.opportunity_id = credits.opportunity_id
    left join opportunities
        on pinned.opportunity_id = opportunities.opportunity_id
    where pinned.is_open and credits.credit_type = 'revenue'
),

final as (
    select
        opportunity_id || '|' || rep_id as open_credit_id,
        *
    from open_credits
)

select * from final
