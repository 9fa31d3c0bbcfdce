{#-
    The open deals a projection point weighs, per revenue-credited rep: for the current
    quarter the deals open at the end of the as-of date (int_opportunity_states_pinned,
    valued at the close-date rate); for each Monday of the current quarter before the as-of
    date (`weekly`, so the running quarter's projection can be followed week by week) and of
    the four quarters before it (`backtest`), the deals open at the end of that Monday
    (fct_pipeline_snapshots, valued at that Monday's rate).
    Only deals whose close date then fell in the quarter count. Each carries the historical
    win rate of its stage, forecast category and age bucket on that day, learned before the
    quarter began (int_projection_win_rates_estimated); a blank forecast category reads as
    its stage's default category.
-#}
with

snapshots as (select * from {{ ref('fct_pipeline_snapshots') }}),
pinned as (select * from {{ ref('int_opportunity_states_pinned') }}),
credits as (select * from {{ ref('int_opportunity_credits_split') }}),
win_rates as (select * from {{ ref('int_projection_win_rates_estimated') }}),
quarters as (select * from {{ ref('int_fiscal_quarters_ranked') }}),
stages as (select * from {{ ref('int_crm_stages_resolved') }}),
period_days as (select * from {{ ref('int_fiscal_period_days_spined') }}),

projected_quarters as (
    select *
    from quarters
    where quarters_ago between 0 and 4
),

monday_deals as (
    select
        projected_quarters.period_id,
        case when projected_quarters.quarters_ago = 0 then 'weekly' else 'backtest' end as projection_type,
        snapshots.snapshot_date as projection_date,
        snapshots.opportunity_id,
        snapshots.stage_name,
        snapshots.forecast_category,
        snapshots.age_days,
        snapshots.local_amount,
        snapshots.fx_rate_to_corporate as valuation_rate
    -- the quarter the close date falls in, found by its day (int_fiscal_period_days_spined
    -- says why); the Monday must fall in it too
    from snapshots
    inner join period_days
        on snapshots.close_date = period_days.date_day
    inner join projected_quarters
        on period_days.period_id = projected_quarters.period_id
    where
        projected_quarters.period_start <= snapshots.snapshot_date
        and projected_quarters.period_end >= snapshots.snapshot_date
        and {{ iso_day_of_week('snapshots.snapshot_date') }} = 1
        -- on the as-of date itself the current projection (pinned states) is the one
        and snapshots.snapshot_date < {{ as_of_date() }}
),

current_deals as (
    select
        projected_quarters.period_id,
        'current' as projection_type,
        {{ as_of_date() }} as projection_date,
        pinned.opportunity_id,
        pinned.stage_name,
        pinned.forecast_category,
        pinned.age_days,
        pinned.local_amount,
        pinned.valuation_rate
    from pinned
    inner join period_days
        on pinned.close_date = period_days.date_day
    inner join projected_quarters
        on period_days.period_id = projected_quarters.period_id
    where projected_quarters.quarters_ago = 0 and pinned.is_open
),

open_deals as (
    select * from monday_deals
    union all
    select * from current_deals
),

rated as (
    select
        open_deals.*,
        coalesce(open_deals.forecast_category, stages.forecast_category) as rated_category,
        {{ age_bucket('open_deals.age_days') }} as age_bucket
    from open_deals
    left join stages
        on open_deals.stage_name = stages.stage_name
),

final as (
    select
        rated.period_id || '|' || rated.projection_type || '|'
        || cast(rated.projection_date as {{ dbt.type_string() }}) || '|' || rated.opportunity_id
        || '|' || credits.rep_id as projection_deal_id,
        rated.period_id,
        rated.projection_type,
        rated.projection_date,
        rated.opportunity_id,
        credits.rep_id,
        rated.stage_name,
        rated.rated_category as forecast_category,
        rated.age_bucket,
        {{ credited_cents('rated.local_amount', 'rated.valuation_rate', 'credits.credit_share') }}
            as credited_amount,
        win_rates.win_rate,
        win_rates.rate_level
    from rated
    inner join credits
        on
            rated.opportunity_id = credits.opportunity_id
            and credits.credit_type = 'revenue'
    left join win_rates
        on
            rated.period_id = win_rates.period_id
            and rated.stage_name = win_rates.stage_name
            and rated.rated_category = win_rates.forecast_category
            and rated.age_bucket = win_rates.age_bucket
)

select * from final
