{#-
    The open pipeline by stage as a long table: one row per row of pipeline_health (rep,
    team, region or company x open fiscal period) and open stage of the company (dim_stage,
    in its order), with the deal count, open and weighted amount in that stage as of the
    as-of date. Pages draw whatever stages the company has. Pipeline is counted and rolled up
    exactly as in pipeline_health (per credited rep and pipeline month, nodes = the sum of
    their reps' months), so a row's stages add up to its pipeline_health row.
-#}
with

stage_months as (select * from {{ ref('int_open_pipeline_rep_month_stages_measured') }}),
month_periods as (select * from {{ ref('int_fiscal_month_periods_mapped') }}),
rep_period_teams as (select * from {{ ref('int_rep_period_teams_anchored') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),
stages as (select * from {{ ref('int_crm_stages_resolved') }}),
pipeline_health as (select * from {{ ref('pipeline_health') }}),

open_stages as (
    select
        stage_name,
        stage_order,
        forecast_category
    from stages
    where not is_closed
),

rep_months as (
    select
        stage_months.*,
        rep_period_teams.team_id
    from stage_months
    inner join rep_period_teams
        on
            stage_months.rep_id = rep_period_teams.rep_id
            and rep_period_teams.period_type = 'month'
            and stage_months.fiscal_month_start = rep_period_teams.period_start
),

rep_month_periods as (
    select
        rep_months.*,
        month_periods.period_id
    from rep_months
    inner join month_periods
        on rep_months.fiscal_month_start = month_periods.fiscal_month_start
),

rep_sums as (
    select
        'rep' as hierarchy_level,
        rep_id,
        period_id,
        stage_name,
        sum(deal_count) as deal_count,
        sum(open_amount) as open_amount,
        sum(weighted_amount) as weighted_amount
    from rep_month_periods
    group by rep_id, period_id, stage_name
),

node_months as (
    {{ rollup_to_hierarchy('rep_month_periods', 'teams') }}
),

node_sums as (
    select
        node_level as hierarchy_level,
        node_id as team_id,
        period_id,
        stage_name,
        sum(deal_count) as deal_count,
        sum(open_amount) as open_amount,
        sum(weighted_amount) as weighted_amount
    from node_months
    group by node_level, node_id, period_id, stage_name
),

health_rows as (
    select
        *,
        period_type || '|' || fiscal_period as period_id
    from pipeline_health
),

stage_rows as (
    select
        health_rows.hierarchy_level,
        health_rows.team_id,
        health_rows.team_name,
        health_rows.rep_id,
        health_rows.rep_name,
        health_rows.period_id,
        health_rows.period_type,
        health_rows.fiscal_period,
        health_rows.period_start,
        health_rows.period_end,
        health_rows.is_current_period,
        open_stages.stage_name,
        open_stages.stage_order,
        open_stages.forecast_category,
        coalesce(rep_sums.deal_count, node_sums.deal_count, 0) as deal_count,
        coalesce(rep_sums.open_amount, node_sums.open_amount, 0) as open_amount,
        coalesce(rep_sums.weighted_amount, node_sums.weighted_amount, 0) as weighted_amount,
        health_rows.as_of_date
    from health_rows
    cross join open_stages
    -- each row's level picks its sums by equality (rep_sums are all at level 'rep', node_sums
    -- at the team levels): a constant such as `hierarchy_level = 'rep'` in a left join's
    -- condition made DuckDB join by nested loops, most of this model's time on a large company
    left join rep_sums
        on
            health_rows.hierarchy_level = rep_sums.hierarchy_level
            and health_rows.rep_id = rep_sums.rep_id
            and health_rows.period_id = rep_sums.period_id
            and open_stages.stage_name = rep_sums.stage_name
    left join node_sums
        on
            health_rows.hierarchy_level = node_sums.hierarchy_level
            and health_rows.team_id = node_sums.team_id
            and health_rows.period_id = node_sums.period_id
            and open_stages.stage_name = node_sums.stage_name
),

final as (
    select
        hierarchy_level || '|' || coalesce(rep_id, team_id) || '|' || period_id || '|' || stage_name
            as pipeline_by_stage_id,
        hierarchy_level,
        team_id,
        team_name,
        rep_id,
        rep_name,
        period_type,
        fiscal_period,
        period_start,
        period_end,
        is_current_period,
        stage_name,
        cast(stage_order as integer) as stage_order,
        forecast_category,
        cast(deal_count as {{ dbt.type_bigint() }}) as deal_count,
        {{ cents('open_amount') }} as open_amount,
        {{ cents('weighted_amount') }} as weighted_amount,
        as_of_date
    from stage_rows
)

select * from final
