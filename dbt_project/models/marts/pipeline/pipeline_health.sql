{#-
    Is there enough pipeline to make the number? Per rep and per node of the hierarchy (team,
    region, company) and every open fiscal period (month, quarter, year ending on or after the
    as-of date): open, weighted and commit pipeline as of the as-of date, coverage against
    the quota still to close, the coverage the rep or team needs (1 / their win rate over the
    trailing four complete quarters), the deals by age, and the hygiene counts (undated, past
    due, no amount: such deals are pipeline of the current period). The same by stage, one
    row per stage: pipeline_by_stage.

    Pipeline is counted per rep-month (the close month, for each revenue-credited rep), and
    rolls up to nodes through the team of the rep-month (int_rep_period_teams_anchored), as
    quota and bookings do in team_performance, so node = sum of its reps' months. A rep's own
    quarter or year row shows the team they were in at the period's end.
-#}
{%- set additive = [
    'open_pipeline_amount', 'weighted_pipeline_amount', 'commit_pipeline_amount',
    'best_case_pipeline_amount', 'open_deal_count', 'deals_0_30_count', 'deals_31_60_count',
    'deals_61_90_count', 'deals_90_plus_count', 'age_days_sum', 'days_in_stage_sum',
    'undated_deal_count', 'past_due_deal_count', 'no_amount_deal_count', 'no_next_step_deal_count',
] -%}

with

pipeline_months as (select * from {{ ref('int_open_pipeline_rep_months_measured') }}),
month_periods as (select * from {{ ref('int_fiscal_month_periods_mapped') }}),
periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),
rep_period_teams as (select * from {{ ref('int_rep_period_teams_anchored') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),
quarters as (select * from {{ ref('int_fiscal_quarters_ranked') }}),
rep_performance as (select * from {{ ref('rep_performance') }}),
team_performance as (select * from {{ ref('team_performance') }}),
reps as (select * from {{ ref('dim_rep') }}),

open_periods as (
    select *
    from periods
    where period_end >= {{ as_of_date() }}
),

rep_months as (
    select
        pipeline_months.*,
        rep_period_teams.team_id
    from pipeline_months
    inner join rep_period_teams
        on
            pipeline_months.rep_id = rep_period_teams.rep_id
            and rep_period_teams.period_type = 'month'
            and pipeline_months.fiscal_month_start = rep_period_teams.period_start
),

rep_month_periods as (
    select
        rep_months.*,
        open_periods.period_id
    from rep_months
    inner join month_periods
        on rep_months.fiscal_month_start = month_periods.fiscal_month_start
    inner join open_periods
        on month_periods.period_id = open_periods.period_id
),

rep_sums as (
    select
        'rep' as hierarchy_level,
        rep_month_periods.rep_id,
        max(rep_period_teams.team_id) as team_id,
        {% for column in additive %}
            sum(rep_month_periods.{{ column }}) as {{ column }},
        {% endfor %}
        rep_month_periods.period_id
    from rep_month_periods
    inner join rep_period_teams
        on
            rep_month_periods.rep_id = rep_period_teams.rep_id
            and rep_month_periods.period_id = rep_period_teams.period_id
    group by rep_month_periods.rep_id, rep_month_periods.period_id
),

node_months as (
    {{ rollup_to_hierarchy('rep_month_periods', 'teams') }}
),

node_sums as (
    select
        node_level as hierarchy_level,
        cast(null as {{ dbt.type_string() }}) as rep_id,
        node_id as team_id,
        {% for column in additive %}
            sum({{ column }}) as {{ column }},
        {% endfor %}
        period_id
    from node_months
    group by node_level, node_id, period_id
),

pipeline_rows as (
    select * from rep_sums
    union all
    select * from node_sums
),

rep_quota_rows as (
    select
        'rep' as hierarchy_level,
        rep_performance.rep_id,
        rep_period_teams.team_id,
        open_periods.period_id
    from rep_performance
    inner join open_periods
        on
            rep_performance.period_type = open_periods.period_type
            and rep_performance.fiscal_period = open_periods.fiscal_period
    inner join rep_period_teams
        on
            rep_performance.rep_id = rep_period_teams.rep_id
            and open_periods.period_id = rep_period_teams.period_id
    where rep_performance.quota_amount is not null
),

node_quota_rows as (
    select
        team_performance.hierarchy_level,
        cast(null as {{ dbt.type_string() }}) as rep_id,
        team_performance.team_id,
        open_periods.period_id
    from team_performance
    inner join open_periods
        on
            team_performance.period_type = open_periods.period_type
            and team_performance.fiscal_period = open_periods.fiscal_period
    where team_performance.quota_amount is not null
),

row_keys as (
    select
        hierarchy_level,
        rep_id,
        team_id,
        period_id
    from pipeline_rows
    union
    select
        hierarchy_level,
        rep_id,
        team_id,
        period_id
    from rep_quota_rows
    union
    select
        hierarchy_level,
        rep_id,
        team_id,
        period_id
    from node_quota_rows
),

trailing_rep_results as (
    select
        rep_performance.rep_id,
        sum(rep_performance.won_count) as trailing_won_count,
        sum(rep_performance.lost_count) as trailing_lost_count
    from rep_performance
    inner join quarters
        on
            rep_performance.period_type = 'quarter'
            and rep_performance.fiscal_period = quarters.fiscal_period
    where quarters.quarters_ago between 1 and 4
    group by rep_performance.rep_id
),

trailing_node_results as (
    select
        team_performance.team_id,
        sum(team_performance.won_count) as trailing_won_count,
        sum(team_performance.lost_count) as trailing_lost_count
    from team_performance
    inner join quarters
        on
            team_performance.period_type = 'quarter'
            and team_performance.fiscal_period = quarters.fiscal_period
    where quarters.quarters_ago between 1 and 4
    group by team_performance.team_id
),

joined as (
    select
        row_keys.hierarchy_level,
        row_keys.rep_id,
        row_keys.team_id,
        open_periods.period_id,
        open_periods.period_type,
        open_periods.fiscal_period,
        open_periods.period_start,
        open_periods.period_end,
        coalesce(rep_performance.quota_amount, team_performance.quota_amount) as quota_amount,
        coalesce(rep_performance.bookings_amount, team_performance.bookings_amount, 0)
            as bookings_amount,
        coalesce(trailing_rep_results.trailing_won_count, trailing_node_results.trailing_won_count, 0)
            as trailing_won_count,
        {% for column in additive %}
            coalesce(pipeline_rows.{{ column }}, 0) as {{ column }},
        {% endfor %}
        coalesce(trailing_rep_results.trailing_lost_count, trailing_node_results.trailing_lost_count, 0)
            as trailing_lost_count
    from row_keys
    inner join open_periods
        on row_keys.period_id = open_periods.period_id
    left join pipeline_rows
        on
            row_keys.hierarchy_level = pipeline_rows.hierarchy_level
            and coalesce(row_keys.rep_id, '') = coalesce(pipeline_rows.rep_id, '')
            and row_keys.team_id = pipeline_rows.team_id
            and row_keys.period_id = pipeline_rows.period_id
    left join rep_performance
        on
            row_keys.hierarchy_level = 'rep'
            and row_keys.rep_id = rep_performance.rep_id
            and open_periods.period_type = rep_performance.period_type
            and open_periods.fiscal_period = rep_performance.fiscal_period
    left join team_performance
        on
            row_keys.hierarchy_level <> 'rep'
            and row_keys.team_id = team_performance.team_id
            and open_periods.period_type = team_performance.period_type
            and open_periods.fiscal_period = team_performance.fiscal_period
    left join trailing_rep_results
        on
            row_keys.hierarchy_level = 'rep'
            and row_keys.rep_id = trailing_rep_results.rep_id
    left join trailing_node_results
        on
            row_keys.hierarchy_level <> 'rep'
            and row_keys.team_id = trailing_node_results.team_id
),

measured as (
    select
        *,
        quota_amount - bookings_amount as remaining_quota_amount,
        case
            when quota_amount - bookings_amount > 0
                then {{ safe_ratio('open_pipeline_amount', 'quota_amount - bookings_amount') }}
        end as coverage,
        {{ safe_ratio('trailing_won_count', 'trailing_won_count + trailing_lost_count') }}
            as trailing_win_rate
    from joined
),

final as (
    select
        measured.hierarchy_level || '|' || coalesce(measured.rep_id, measured.team_id) || '|'
        || measured.period_id as pipeline_health_id,
        measured.hierarchy_level,
        measured.team_id,
        teams.team_name,
        measured.rep_id,
        reps.rep_name,
        measured.period_type,
        measured.fiscal_period,
        measured.period_start,
        measured.period_end,
        measured.period_start <= {{ as_of_date() }} as is_current_period,
        {{ cents('measured.quota_amount') }} as quota_amount,
        {{ cents('measured.bookings_amount') }} as bookings_amount,
        {{ cents('measured.remaining_quota_amount') }} as remaining_quota_amount,
        {{ cents('measured.open_pipeline_amount') }} as open_pipeline_amount,
        {{ cents('measured.weighted_pipeline_amount') }} as weighted_pipeline_amount,
        {{ cents('measured.commit_pipeline_amount') }} as commit_pipeline_amount,
        {{ cents('measured.best_case_pipeline_amount') }} as best_case_pipeline_amount,
        cast(measured.open_deal_count as {{ dbt.type_bigint() }}) as open_deal_count,
        measured.coverage,
        cast(measured.trailing_won_count as {{ dbt.type_bigint() }}) as trailing_won_count,
        cast(measured.trailing_lost_count as {{ dbt.type_bigint() }}) as trailing_lost_count,
        measured.trailing_win_rate,
        {{ safe_ratio('1', 'measured.trailing_win_rate') }} as coverage_needed,
        case
            when measured.coverage is not null and measured.trailing_win_rate > 0
                then measured.coverage < 1.0 / measured.trailing_win_rate
        end as is_coverage_short,
        cast(measured.deals_0_30_count as {{ dbt.type_bigint() }}) as deals_0_30_count,
        cast(measured.deals_31_60_count as {{ dbt.type_bigint() }}) as deals_31_60_count,
        cast(measured.deals_61_90_count as {{ dbt.type_bigint() }}) as deals_61_90_count,
        cast(measured.deals_90_plus_count as {{ dbt.type_bigint() }}) as deals_90_plus_count,
        {{ safe_ratio('measured.age_days_sum', 'measured.open_deal_count') }} as avg_age_days,
        {{ safe_ratio('measured.days_in_stage_sum', 'measured.open_deal_count') }} as avg_days_in_stage,
        cast(measured.undated_deal_count as {{ dbt.type_bigint() }}) as undated_deal_count,
        cast(measured.past_due_deal_count as {{ dbt.type_bigint() }}) as past_due_deal_count,
        cast(measured.no_amount_deal_count as {{ dbt.type_bigint() }}) as no_amount_deal_count,
        cast(measured.no_next_step_deal_count as {{ dbt.type_bigint() }}) as no_next_step_deal_count,
        {{ as_of_date() }} as as_of_date
    from measured
    inner join teams
        on measured.team_id = teams.team_id
    left join reps
        on
            measured.rep_id = reps.rep_id
            and reps.is_current
)

select * from final
