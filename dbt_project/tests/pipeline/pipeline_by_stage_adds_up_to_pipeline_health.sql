-- A failure means the stages of a pipeline_by_stage row do not add up to its pipeline_health
-- row (deals or amount lost between the long table and the summary, e.g. a deal in a stage
-- dim_stage does not list as open).
{{ config(meta={'dagster': {'ref': {'name': 'pipeline_by_stage'}}}) }}
with

by_stage as (select * from {{ ref('pipeline_by_stage') }}),
health as (select * from {{ ref('pipeline_health') }}),

stage_totals as (
    select
        hierarchy_level,
        coalesce(rep_id, team_id) as node_id,
        period_type,
        fiscal_period,
        sum(deal_count) as deal_count,
        sum(open_amount) as open_amount
    from by_stage
    group by hierarchy_level, coalesce(rep_id, team_id), period_type, fiscal_period
),

compared as (
    select
        health.pipeline_health_id,
        health.open_deal_count,
        stage_totals.deal_count,
        health.open_pipeline_amount,
        stage_totals.open_amount
    from health
    left join stage_totals
        on
            health.hierarchy_level = stage_totals.hierarchy_level
            and coalesce(health.rep_id, health.team_id) = stage_totals.node_id
            and health.period_type = stage_totals.period_type
            and health.fiscal_period = stage_totals.fiscal_period
)

select *
from compared
where
    coalesce(deal_count, 0) <> open_deal_count
    or coalesce(open_amount, 0) <> open_pipeline_amount
