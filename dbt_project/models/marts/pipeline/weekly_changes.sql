{#-
    What changed since last week, per node of the hierarchy (company, region, team), fiscal
    quarter and week of the quarter (doc block weekly_change_causes): the quarter's bookings,
    open pipeline and commit pipeline at the week's start and end, and each cause of the
    difference, so that start + causes = end to the cent on every row
    (tests/pipeline/weekly_changes_balance.sql). Start and end are read from every deal's
    standing on those days; the causes are summed from the deals that changed
    (int_weekly_deal_changes_classified), independently, so the balance checks both.

    Next to them, the node's commit call (forecast_calls, the shown call for Commit) and its
    statistical projection (forecast_projection, the latest made in the week) at the end of
    the week and of the week before, and their change. A Commit call stands for the
    quarter's bookings plus its commit pipeline, so its change splits into what the deals
    did to those two (each cause: the bookings cause + the commit pipeline cause; a Commit
    deal won moves from one to the other and nets to zero) and the caller's judgement (the
    rest: the change the deals do not explain). The projection's change splits into what
    was booked and what the open pipeline, weighted by win rates, now adds. A rep's deals
    roll up to the team they were in at the quarter's end (int_rep_period_teams_anchored, as
    pipeline_waterfall), so start and end use the same teams.
-#}
{%- set measures = ['bookings', 'open_pipeline', 'commit_pipeline'] -%}
{%- set causes = [
    'created', 'won', 'lost', 'reopened', 'pushed_out', 'pulled_in', 'category_change',
    'amount_increase', 'amount_decrease',
] -%}
{#- a deal created in the week and won is `won`, so bookings have no created cause; the
    forecast category moves only the commit pipeline -#}
{%- set measure_causes = {
    'bookings': causes | reject('in', ['created', 'category_change']) | list,
    'open_pipeline': causes | reject('equalto', 'category_change') | list,
    'commit_pipeline': causes,
} -%}

with

states as (select * from {{ ref('int_opportunity_states_sequenced') }}),
weeks as (select * from {{ ref('int_fiscal_quarter_weeks_spined') }}),
deal_changes as (select * from {{ ref('int_weekly_deal_changes_classified') }}),
credits as (select * from {{ ref('int_opportunity_credits_split') }}),
rep_period_teams as (select * from {{ ref('int_rep_period_teams_anchored') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),
nodes as (select * from {{ ref('dim_team') }}),
calls as (select * from {{ ref('forecast_calls') }}),
period_days as (select * from {{ ref('int_fiscal_period_days_spined') }}),
projections as (select * from {{ ref('forecast_projection') }}),

boundaries as (
    -- the days a standing is read on: before the quarter's first week, and each week's end
    select
        period_id,
        0 as boundary_week,
        opening_date as boundary_date
    from weeks
    where week_of_period = 1
    union all
    select
        period_id,
        week_of_period as boundary_week,
        cutoff_date as boundary_date
    from weeks
),

standing_states as (
    -- a state meets its quarter's boundaries through the quarter its close date falls in,
    -- found by that day (int_fiscal_period_days_spined says why)
    select
        boundaries.period_id,
        boundaries.boundary_week,
        states.opportunity_id,
        states.valuation_rate,
        case when states.is_won then states.local_amount else 0 end as bookings_local_amount,
        case when not states.is_closed then states.local_amount else 0 end as open_pipeline_local_amount,
        case
            when not states.is_closed and states.forecast_category = 'Commit' then states.local_amount else 0
        end as commit_pipeline_local_amount
    from states
    inner join period_days
        on states.close_date = period_days.date_day
    inner join boundaries
        on
            period_days.period_id = boundaries.period_id
            and states.started_date <= boundaries.boundary_date
            and (states.next_started_date is null or states.next_started_date > boundaries.boundary_date)
    where states.is_won or not states.is_closed
),

revenue_credits as (
    select
        opportunity_id,
        rep_id,
        credit_share
    from credits
    where credit_type = 'revenue'
),

rep_levels as (
    select
        {% for measure in measures %}
            sum({{ credited_cents(
                'coalesce(standing_states.' ~ measure ~ '_local_amount, 0)',
                'standing_states.valuation_rate', 'revenue_credits.credit_share'
            ) }}) as {{ measure }}_amount,
        {% endfor %}
        revenue_credits.rep_id,
        standing_states.period_id,
        standing_states.boundary_week
    from standing_states
    inner join revenue_credits
        on standing_states.opportunity_id = revenue_credits.opportunity_id
    group by revenue_credits.rep_id, standing_states.period_id, standing_states.boundary_week
),

rep_level_rows as (
    select
        rep_levels.*,
        rep_period_teams.team_id
    from rep_levels
    inner join rep_period_teams
        on
            rep_levels.rep_id = rep_period_teams.rep_id
            and rep_levels.period_id = rep_period_teams.period_id
),

level_rows as (
    {{ rollup_to_hierarchy('rep_level_rows', 'teams') }}
),

node_levels as (
    select
        {% for measure in measures %}
            sum({{ measure }}_amount) as {{ measure }}_amount,
        {% endfor %}
        node_id as team_id,
        period_id,
        boundary_week
    from level_rows
    group by node_id, period_id, boundary_week
),

rep_change_rows as (
    select
        deal_changes.period_id,
        deal_changes.week_of_period,
        deal_changes.measure,
        deal_changes.change_cause,
        deal_changes.change_amount,
        rep_period_teams.team_id
    from deal_changes
    inner join rep_period_teams
        on
            deal_changes.rep_id = rep_period_teams.rep_id
            and deal_changes.period_id = rep_period_teams.period_id
),

change_rows as (
    {{ rollup_to_hierarchy('rep_change_rows', 'teams') }}
),

node_changes as (
    select
        {% for measure in measures %}
            {% for cause in causes %}
                sum(
                    case when measure = '{{ measure }}' and change_cause = '{{ cause }}' then change_amount else 0 end
                ) as {{ measure }}_{{ cause }}_amount,
            {% endfor %}
        {% endfor %}
        node_id as team_id,
        period_id,
        week_of_period
    from change_rows
    group by node_id, period_id, week_of_period
),

commit_calls as (
    select
        team_id,
        fiscal_period,
        week_of_period,
        call_amount,
        call_source
    from calls
    where period_type = 'quarter' and forecast_category = 'Commit'
),

week_projections as (
    -- the projection that stands for each week: the latest made in it (forecast_projection)
    select
        team_id,
        fiscal_period,
        week_of_period,
        closed_to_date_amount,
        expected_from_open_amount,
        projected_amount
    from projections
    where period_type = 'quarter' and is_latest_in_week
),

grid as (
    select
        nodes.team_id,
        nodes.hierarchy_level,
        nodes.team_name,
        nodes.parent_team_id,
        nodes.region_id,
        nodes.company_id,
        nodes.hierarchy_path,
        weeks.*
    from nodes
    cross join weeks
    where nodes.depth <= 2
),

final as (
    select
        grid.team_id || '|' || grid.period_id || '|' || cast(grid.week_of_period as {{ dbt.type_string() }})
            as weekly_change_id,
        grid.hierarchy_level,
        grid.team_id,
        grid.team_name,
        grid.parent_team_id,
        grid.region_id,
        grid.company_id,
        grid.hierarchy_path,
        grid.period_type,
        grid.fiscal_period,
        grid.period_start,
        grid.period_end,
        grid.is_current_period,
        grid.week_of_period,
        grid.week_start,
        grid.week_end,
        grid.opening_date,
        grid.cutoff_date,
        grid.is_latest_week,
        {% for measure in measures %}
            {{ cents('coalesce(start_levels.' ~ measure ~ '_amount, 0)') }} as {{ measure }}_start_amount,
            {% for cause in causes if cause in measure_causes[measure] %}
                {{ cents('coalesce(node_changes.' ~ measure ~ '_' ~ cause ~ '_amount, 0)') }}
                    as {{ measure }}_{{ cause }}_amount,
            {% endfor %}
            {{ cents('coalesce(end_levels.' ~ measure ~ '_amount, 0)') }} as {{ measure }}_end_amount,
            {{ cents(
                'coalesce(end_levels.' ~ measure ~ '_amount, 0) - coalesce(start_levels.' ~ measure ~ '_amount, 0)'
            ) }} as {{ measure }}_change_amount,
        {% endfor %}
        previous_calls.call_amount as commit_call_start_amount,
        previous_calls.call_source as commit_call_start_source,
        week_calls.call_amount as commit_call_end_amount,
        week_calls.call_source as commit_call_end_source,
        {{ cents('week_calls.call_amount - previous_calls.call_amount') }} as commit_call_change_amount,
        {% for cause in causes %}
            case
                when week_calls.call_amount is not null and previous_calls.call_amount is not null
                    then {{ cents(
                        ('coalesce(node_changes.bookings_' ~ cause ~ '_amount, 0) + ' if cause in measure_causes['bookings'] else '')
                        ~ 'coalesce(node_changes.commit_pipeline_' ~ cause ~ '_amount, 0)'
                    ) }}
            end as commit_call_{{ cause }}_amount,
        {% endfor %}
        {{ cents(
            'week_calls.call_amount - previous_calls.call_amount'
            ~ ' - (coalesce(end_levels.bookings_amount, 0) + coalesce(end_levels.commit_pipeline_amount, 0))'
            ~ ' + (coalesce(start_levels.bookings_amount, 0) + coalesce(start_levels.commit_pipeline_amount, 0))'
        ) }} as commit_call_judgement_amount,
        previous_projections.projected_amount as projection_start_amount,
        week_projections.projected_amount as projection_end_amount,
        {{ cents('week_projections.projected_amount - previous_projections.projected_amount') }}
            as projection_change_amount,
        {{ cents('week_projections.closed_to_date_amount - previous_projections.closed_to_date_amount') }}
            as projection_booked_change_amount,
        {{ cents('week_projections.expected_from_open_amount - previous_projections.expected_from_open_amount') }}
            as projection_open_change_amount,
        {{ as_of_date() }} as as_of_date
    from grid
    left join node_levels as start_levels
        on
            grid.team_id = start_levels.team_id
            and grid.period_id = start_levels.period_id
            and grid.week_of_period - 1 = start_levels.boundary_week
    left join node_levels as end_levels
        on
            grid.team_id = end_levels.team_id
            and grid.period_id = end_levels.period_id
            and grid.week_of_period = end_levels.boundary_week
    left join node_changes
        on
            grid.team_id = node_changes.team_id
            and grid.period_id = node_changes.period_id
            and grid.week_of_period = node_changes.week_of_period
    left join commit_calls as week_calls
        on
            grid.team_id = week_calls.team_id
            and grid.fiscal_period = week_calls.fiscal_period
            and grid.week_of_period = week_calls.week_of_period
    left join commit_calls as previous_calls
        on
            grid.team_id = previous_calls.team_id
            and grid.fiscal_period = previous_calls.fiscal_period
            and grid.week_of_period - 1 = previous_calls.week_of_period
    left join week_projections
        on
            grid.team_id = week_projections.team_id
            and grid.fiscal_period = week_projections.fiscal_period
            and grid.week_of_period = week_projections.week_of_period
    left join week_projections as previous_projections
        on
            grid.team_id = previous_projections.team_id
            and grid.fiscal_period = previous_projections.fiscal_period
            and grid.week_of_period - 1 = previous_projections.week_of_period
)

select * from final
