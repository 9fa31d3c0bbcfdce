{#-
    Stage conversion per rep and per node of the hierarchy over the trailing four complete
    fiscal quarters: of the deals that entered each open stage in that window, how many
    reached the next stage or beyond, how many were lost there, and the win rate of deals
    from that stage on (int_stage_entries_resolved). Deals credited to a rep count for that
    rep (a split deal once per credited rep); a rep rolls up to the team they were in at the
    end of the window.
-#}
{%- set counts = [
    'entered_count', 'advanced_count', 'lost_in_stage_count', 'open_count',
    'won_eventually_count', 'lost_eventually_count',
] -%}

with

entries as (select * from {{ ref('int_stage_entries_resolved') }}),
credits as (select * from {{ ref('int_opportunity_credits_split') }}),
quarters as (select * from {{ ref('int_fiscal_quarters_ranked') }}),
rep_period_teams as (select * from {{ ref('int_rep_period_teams_anchored') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),
reps as (select * from {{ ref('dim_rep') }}),

trailing_window as (
    select
        min(period_start) as window_start,
        max(period_end) as window_end,
        max(case when quarters_ago = 1 then period_id end) as last_quarter_id
    from quarters
    where quarters_ago between 1 and 4
),

window_entries as (
    select
        credits.rep_id,
        entries.*
    from entries
    cross join trailing_window
    inner join credits
        on
            entries.opportunity_id = credits.opportunity_id
            and credits.credit_type = 'revenue'
    where entries.entered_date between trailing_window.window_start and trailing_window.window_end
),

rep_stage_counts as (
    select
        window_entries.rep_id,
        rep_period_teams.team_id,
        window_entries.stage_name,
        window_entries.stage_order,
        count(*) as entered_count,
        sum(case when window_entries.outcome = 'advanced' then 1 else 0 end) as advanced_count,
        sum(case when window_entries.outcome = 'lost' then 1 else 0 end) as lost_in_stage_count,
        sum(case when window_entries.outcome = 'open' then 1 else 0 end) as open_count,
        sum(case when window_entries.is_won_eventually then 1 else 0 end) as won_eventually_count,
        sum(case when window_entries.is_lost_eventually then 1 else 0 end) as lost_eventually_count
    from window_entries
    cross join trailing_window
    inner join rep_period_teams
        on
            window_entries.rep_id = rep_period_teams.rep_id
            and trailing_window.last_quarter_id = rep_period_teams.period_id
    group by window_entries.rep_id, rep_period_teams.team_id, window_entries.stage_name, window_entries.stage_order
),

node_stage_rows as (
    {{ rollup_to_hierarchy('rep_stage_counts', 'teams') }}
),

node_stage_counts as (
    select
        node_level as hierarchy_level,
        node_id as team_id,
        cast(null as {{ dbt.type_string() }}) as rep_id,
        stage_name,
        {% for column in counts %}
            sum({{ column }}) as {{ column }},
        {% endfor %}
        stage_order
    from node_stage_rows
    group by node_level, node_id, stage_name, stage_order
),

rep_level as (
    select
        'rep' as hierarchy_level,
        team_id,
        rep_id,
        stage_name,
        {% for column in counts %}
            {{ column }},
        {% endfor %}
        stage_order
    from rep_stage_counts
),

unioned as (
    select * from rep_level
    union all
    select * from node_stage_counts
),

final as (
    select
        unioned.hierarchy_level || '|' || coalesce(unioned.rep_id, unioned.team_id) || '|'
        || unioned.stage_name as stage_conversion_id,
        unioned.hierarchy_level,
        unioned.team_id,
        teams.team_name,
        unioned.rep_id,
        reps.rep_name,
        trailing_window.window_start,
        trailing_window.window_end,
        unioned.stage_name,
        cast(unioned.stage_order as integer) as stage_order,
        {% for column in counts %}
            cast(unioned.{{ column }} as {{ dbt.type_bigint() }}) as {{ column }},
        {% endfor %}
        {{ safe_ratio('unioned.advanced_count', 'unioned.advanced_count + unioned.lost_in_stage_count') }}
            as conversion_rate,
        {{ safe_ratio('unioned.won_eventually_count', 'unioned.won_eventually_count + unioned.lost_eventually_count') }}
            as win_rate_from_stage,
        {{ as_of_date() }} as as_of_date
    from unioned
    cross join trailing_window
    inner join teams
        on unioned.team_id = teams.team_id
    left join reps
        on
            unioned.rep_id = reps.rep_id
            and reps.is_current
)

select * from final
