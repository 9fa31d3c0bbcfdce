{#-
    Deals that slipped out of a fiscal quarter: in the quarter's pipeline at its start (open,
    close date in the quarter) and, at the quarter's end (or on the as-of date while it
    runs), with a close date outside it (int_pipeline_slips_detected). One row per deal and
    quarter it slipped out of, with how often it was pushed during the quarter and how far,
    its owner and the owner's team at the quarter's end. Quarters are the forecast periods
    (forecast calls are per quarter); pipeline_waterfall gives the slip rate of months and
    years as well.
-#}
with

slips as (select * from {{ ref('int_pipeline_slips_detected') }}),
opportunities as (select * from {{ ref('int_opportunities_validated') }}),
pinned as (select * from {{ ref('int_opportunity_states_pinned') }}),
reps as (select * from {{ ref('dim_rep') }}),
rep_period_teams as (select * from {{ ref('int_rep_period_teams_anchored') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),

slipped as (
    select *
    from slips
    where is_slipped and period_type = 'quarter'
),

final as (
    select
        slipped.opportunity_period_id as slipped_deal_id,
        slipped.opportunity_id,
        opportunities.opportunity_name,
        opportunities.account_id,
        slipped.owner_id as rep_id,
        reps.rep_name,
        rep_period_teams.team_id,
        teams.team_name,
        slipped.period_type,
        slipped.fiscal_period,
        slipped.period_start,
        slipped.period_end,
        slipped.window_end_date,
        slipped.original_close_date,
        slipped.end_close_date as period_end_close_date,
        pinned.close_date as current_close_date,
        slipped.push_count,
        slipped.days_slipped,
        slipped.start_stage_name,
        slipped.start_forecast_category,
        pinned.stage_name as current_stage_name,
        pinned.is_closed as is_closed_now,
        pinned.is_won as is_won_now,
        {{ credited_cents('slipped.end_local_amount', 'slipped.valuation_rate', '1') }} as amount,
        {{ as_of_date() }} as as_of_date
    from slipped
    inner join opportunities
        on slipped.opportunity_id = opportunities.opportunity_id
    inner join pinned
        on slipped.opportunity_id = pinned.opportunity_id
    left join reps
        on
            slipped.owner_id = reps.rep_id
            and reps.is_current
    left join rep_period_teams
        on
            slipped.owner_id = rep_period_teams.rep_id
            and slipped.period_id = rep_period_teams.period_id
    left join teams
        on rep_period_teams.team_id = teams.team_id
)

select * from final
