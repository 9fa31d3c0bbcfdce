{#-
    How the pipeline of each fiscal period moved, per rep and per node of the hierarchy:
    start + created + moved in - won - lost - moved out + amount changes = end
    (int_pipeline_waterfall_credited explains each flow), with how many of the deals that
    started the period in its pipeline slipped out of it (the slip rate). A rep's period
    rolls up to the team they were in at the period's end (a quarter's flows do not add up
    over its months, so they cannot follow the month-by-month team rule); each node is the
    sum of its reps, so the equation holds on every row
    (tests/pipeline/pipeline_waterfall_balances.sql).
-#}
{%- set measures = [
    'start_amount', 'created_amount', 'moved_in_amount', 'won_amount', 'lost_amount',
    'moved_out_amount', 'amount_change', 'end_amount', 'start_deal_count', 'end_deal_count',
    'slip_base_deal_count', 'slipped_deal_count',
] -%}

with

waterfall as (select * from {{ ref('int_pipeline_waterfall_credited') }}),
slips as (select * from {{ ref('int_pipeline_slips_detected') }}),
credits as (select * from {{ ref('int_opportunity_credits_split') }}),
rep_period_teams as (select * from {{ ref('int_rep_period_teams_anchored') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),
periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),
reps as (select * from {{ ref('dim_rep') }}),

slip_counts as (
    select
        credits.rep_id,
        slips.period_id,
        count(*) as slip_base_deal_count,
        sum(case when slips.is_slipped then 1 else 0 end) as slipped_deal_count
    from slips
    inner join credits
        on
            slips.opportunity_id = credits.opportunity_id
            and credits.credit_type = 'revenue'
    group by credits.rep_id, slips.period_id
),

rep_rows as (
    select
        waterfall.rep_id,
        waterfall.period_id,
        rep_period_teams.team_id,
        waterfall.start_amount,
        waterfall.created_amount,
        waterfall.moved_in_amount,
        waterfall.won_amount,
        waterfall.lost_amount,
        waterfall.moved_out_amount,
        waterfall.amount_change,
        waterfall.end_amount,
        waterfall.start_deal_count,
        waterfall.end_deal_count,
        coalesce(slip_counts.slip_base_deal_count, 0) as slip_base_deal_count,
        coalesce(slip_counts.slipped_deal_count, 0) as slipped_deal_count
    from waterfall
    inner join rep_period_teams
        on
            waterfall.rep_id = rep_period_teams.rep_id
            and waterfall.period_id = rep_period_teams.period_id
    left join slip_counts
        on
            waterfall.rep_id = slip_counts.rep_id
            and waterfall.period_id = slip_counts.period_id
),

node_rows as (
    {{ rollup_to_hierarchy('rep_rows', 'teams') }}
),

node_sums as (
    select
        node_level as hierarchy_level,
        node_id as team_id,
        cast(null as {{ dbt.type_string() }}) as rep_id,
        {% for measure in measures %}
            sum({{ measure }}) as {{ measure }},
        {% endfor %}
        period_id
    from node_rows
    group by node_level, node_id, period_id
),

rep_level as (
    select
        'rep' as hierarchy_level,
        team_id,
        rep_id,
        {% for measure in measures %}
            {{ measure }},
        {% endfor %}
        period_id
    from rep_rows
),

unioned as (
    select * from rep_level
    union all
    select * from node_sums
),

final as (
    select
        unioned.hierarchy_level || '|' || coalesce(unioned.rep_id, unioned.team_id) || '|'
        || unioned.period_id as pipeline_waterfall_id,
        unioned.hierarchy_level,
        unioned.team_id,
        teams.team_name,
        unioned.rep_id,
        reps.rep_name,
        periods.period_type,
        periods.fiscal_period,
        periods.period_start,
        periods.period_end,
        case
            when periods.period_end < {{ as_of_date() }} then periods.period_end
            else {{ as_of_date() }}
        end as window_end_date,
        periods.period_end >= {{ as_of_date() }} as is_current_period,
        {{ cents('unioned.start_amount') }} as start_amount,
        {{ cents('unioned.created_amount') }} as created_amount,
        {{ cents('unioned.moved_in_amount') }} as moved_in_amount,
        {{ cents('unioned.won_amount') }} as won_amount,
        {{ cents('unioned.lost_amount') }} as lost_amount,
        {{ cents('unioned.moved_out_amount') }} as moved_out_amount,
        {{ cents('unioned.amount_change') }} as amount_change,
        {{ cents('unioned.end_amount') }} as end_amount,
        cast(unioned.start_deal_count as {{ dbt.type_bigint() }}) as start_deal_count,
        cast(unioned.end_deal_count as {{ dbt.type_bigint() }}) as end_deal_count,
        cast(unioned.slipped_deal_count as {{ dbt.type_bigint() }}) as slipped_deal_count,
        {{ safe_ratio('unioned.slipped_deal_count', 'unioned.slip_base_deal_count') }} as slip_rate,
        {{ as_of_date() }} as as_of_date
    from unioned
    inner join periods
        on unioned.period_id = periods.period_id
    inner join teams
        on unioned.team_id = teams.team_id
    left join reps
        on
            unioned.rep_id = reps.rep_id
            and reps.is_current
)

select * from final
