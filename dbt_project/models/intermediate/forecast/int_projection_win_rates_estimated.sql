{#-
    The historical win rates forecast_projection multiplies open deals by, one table per
    projected quarter (the current quarter and the four before it, for the back-test), known
    on the quarter's first day so the back-test never sees its own future:

    - observations: every Monday snapshot (fct_pipeline_snapshots) in the twelve months
      before the quarter of a deal that had closed before the quarter began, described by
      its stage, forecast category and age bucket (0-30, 31-60, 61-90, 90+ days) on that
      Monday, and whether the deal was won;
    - the rate of a cell is won / observations of its stage x category x age bucket when it
      has at least `min_observations` (20) observations; else of its stage x age bucket;
      else of its stage; else the stage's default probability from the CRM. `rate_level`
      says which one was used.
-#}
{%- set min_observations = 20 -%}

with

snapshots as (select * from {{ ref('fct_pipeline_snapshots') }}),
states as (select * from {{ ref('int_opportunity_states_sequenced') }}),
quarters as (select * from {{ ref('int_fiscal_quarters_ranked') }}),
stages as (select * from {{ ref('int_crm_stages_resolved') }}),

projected_quarters as (
    select
        period_id,
        fiscal_period,
        period_start,
        period_end,
        quarters_ago,
        {{ add_months('period_start', -12) }} as history_start
    from quarters
    where quarters_ago between 0 and 4
),

first_closes as (
    select
        opportunity_id,
        started_date as closed_date,
        is_won,
        row_number() over (partition by opportunity_id order by state_sequence) as close_rank
    from states
    where is_closed
),

outcomes as (
    select
        opportunity_id,
        closed_date,
        is_won
    from first_closes
    where close_rank = 1
),

observations as (
    select
        projected_quarters.period_id,
        snapshots.stage_name,
        snapshots.forecast_category,
        {{ age_bucket('snapshots.age_days') }} as age_bucket,
        case when outcomes.is_won then 1 else 0 end as won
    from projected_quarters
    inner join snapshots
        on
            projected_quarters.history_start <= snapshots.snapshot_date
            and projected_quarters.period_start > snapshots.snapshot_date
    inner join outcomes
        on
            snapshots.opportunity_id = outcomes.opportunity_id
            and projected_quarters.period_start > outcomes.closed_date
    where {{ iso_day_of_week('snapshots.snapshot_date') }} = 1
),

cell_counts as (
    select
        period_id,
        stage_name,
        forecast_category,
        age_bucket,
        count(*) as observation_count,
        sum(won) as won_count
    from observations
    group by period_id, stage_name, forecast_category, age_bucket
),

stage_age_counts as (
    select
        period_id,
        stage_name,
        age_bucket,
        count(*) as observation_count,
        sum(won) as won_count
    from observations
    group by period_id, stage_name, age_bucket
),

stage_counts as (
    select
        period_id,
        stage_name,
        count(*) as observation_count,
        sum(won) as won_count
    from observations
    group by period_id, stage_name
),

open_stages as (
    select
        stage_name,
        stage_order,
        default_probability
    from stages
    where not is_closed
),

categories as (
    select distinct forecast_category from stages
    where not is_closed
    union
    select distinct forecast_category from snapshots
),

age_buckets as (
    select
        '0-30' as age_bucket,
        1 as age_bucket_order
    union all
    select
        '31-60' as age_bucket,
        2 as age_bucket_order
    union all
    select
        '61-90' as age_bucket,
        3 as age_bucket_order
    union all
    select
        '90+' as age_bucket,
        4 as age_bucket_order
),

grid as (
    select
        projected_quarters.period_id,
        projected_quarters.fiscal_period,
        projected_quarters.quarters_ago,
        open_stages.stage_name,
        open_stages.stage_order,
        open_stages.default_probability,
        categories.forecast_category,
        age_buckets.age_bucket,
        age_buckets.age_bucket_order
    from projected_quarters
    cross join open_stages
    cross join categories
    cross join age_buckets
    where categories.forecast_category is not null
),

estimated as (
    select
        grid.*,
        coalesce(cell_counts.observation_count, 0) as cell_observation_count,
        coalesce(cell_counts.won_count, 0) as cell_won_count,
        coalesce(stage_age_counts.observation_count, 0) as stage_age_observation_count,
        coalesce(stage_age_counts.won_count, 0) as stage_age_won_count,
        coalesce(stage_counts.observation_count, 0) as stage_observation_count,
        coalesce(stage_counts.won_count, 0) as stage_won_count
    from grid
    left join cell_counts
        on
            grid.period_id = cell_counts.period_id
            and grid.stage_name = cell_counts.stage_name
            and grid.forecast_category = cell_counts.forecast_category
            and grid.age_bucket = cell_counts.age_bucket
    left join stage_age_counts
        on
            grid.period_id = stage_age_counts.period_id
            and grid.stage_name = stage_age_counts.stage_name
            and grid.age_bucket = stage_age_counts.age_bucket
    left join stage_counts
        on
            grid.period_id = stage_counts.period_id
            and grid.stage_name = stage_counts.stage_name
),

final as (
    select
        period_id || '|' || stage_name || '|' || forecast_category || '|' || age_bucket
            as win_rate_id,
        period_id,
        fiscal_period,
        quarters_ago,
        stage_name,
        cast(stage_order as integer) as stage_order,
        forecast_category,
        age_bucket,
        cast(age_bucket_order as integer) as age_bucket_order,
        cast(cell_observation_count as {{ dbt.type_bigint() }}) as cell_observation_count,
        cast(cell_won_count as {{ dbt.type_bigint() }}) as cell_won_count,
        cast(stage_age_observation_count as {{ dbt.type_bigint() }}) as stage_age_observation_count,
        cast(stage_age_won_count as {{ dbt.type_bigint() }}) as stage_age_won_count,
        cast(stage_observation_count as {{ dbt.type_bigint() }}) as stage_observation_count,
        cast(stage_won_count as {{ dbt.type_bigint() }}) as stage_won_count,
        case
            when cell_observation_count >= {{ min_observations }} then 'stage_category_age'
            when stage_age_observation_count >= {{ min_observations }} then 'stage_age'
            when stage_observation_count > 0 then 'stage'
            else 'stage_default_probability'
        end as rate_level,
        case
            when cell_observation_count >= {{ min_observations }}
                then {{ safe_ratio('cell_won_count', 'cell_observation_count') }}
            when stage_age_observation_count >= {{ min_observations }}
                then {{ safe_ratio('stage_age_won_count', 'stage_age_observation_count') }}
            when stage_observation_count > 0
                then {{ safe_ratio('stage_won_count', 'stage_observation_count') }}
            else cast(default_probability as {{ type_double() }}) / 100
        end as win_rate
    from estimated
)

select * from final
