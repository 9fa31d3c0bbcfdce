-- A failure means weekly_changes and pipeline_waterfall disagree on a node's open pipeline
-- of a quarter: at the start of its first week (the waterfall's start) or at the end of its
-- latest week (the waterfall's end, on the as-of date for the running quarter). Both read
-- the same deal history with the same valuation and team anchoring, so they must match.
{{ config(meta={'dagster': {'ref': {'name': 'weekly_changes'}}}) }}
with

changes as (select * from {{ ref('weekly_changes') }}),
waterfall as (select * from {{ ref('pipeline_waterfall') }}),

node_quarters as (
    select
        team_id,
        fiscal_period,
        start_amount,
        end_amount
    from waterfall
    where period_type = 'quarter' and rep_id is null
),

first_weeks as (
    select
        team_id,
        fiscal_period,
        open_pipeline_start_amount
    from changes
    where week_of_period = 1
),

latest_weeks as (
    select
        team_id,
        fiscal_period,
        open_pipeline_end_amount
    from changes
    where is_latest_week
)

select
    node_quarters.team_id,
    node_quarters.fiscal_period,
    node_quarters.start_amount,
    first_weeks.open_pipeline_start_amount,
    node_quarters.end_amount,
    latest_weeks.open_pipeline_end_amount
from node_quarters
inner join first_weeks
    on
        node_quarters.team_id = first_weeks.team_id
        and node_quarters.fiscal_period = first_weeks.fiscal_period
inner join latest_weeks
    on
        node_quarters.team_id = latest_weeks.team_id
        and node_quarters.fiscal_period = latest_weeks.fiscal_period
where
    node_quarters.start_amount <> first_weeks.open_pipeline_start_amount
    or node_quarters.end_amount <> latest_weeks.open_pipeline_end_amount
