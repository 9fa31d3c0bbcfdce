{#-
    The deals behind each cause of weekly_changes: one row per node of the hierarchy,
    fiscal quarter, week, measure (bookings, open_pipeline, commit_pipeline) and deal whose
    credited contribution moved that week, with the cause it is given to (doc block
    weekly_change_causes) and its rank among that cause's deals by size of change, so a page
    names the largest deals behind each cause by filtering on `cause_rank`. A deal credited
    to several reps of one node counts once there, with their credits summed; summed over a
    node's deals, `change_amount` gives exactly weekly_changes' cause columns
    (tests/pipeline/weekly_change_deals_add_up_to_weekly_changes.sql).
-#}
with

deal_changes as (select * from {{ ref('int_weekly_deal_changes_classified') }}),
weeks as (select * from {{ ref('int_fiscal_quarter_weeks_spined') }}),
rep_period_teams as (select * from {{ ref('int_rep_period_teams_anchored') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),
nodes as (select * from {{ ref('dim_team') }}),
opportunities as (select * from {{ ref('fct_opportunities') }}),
accounts as (select * from {{ ref('dim_account') }}),
reps as (select * from {{ ref('dim_rep') }}),

rep_change_rows as (
    select
        deal_changes.*,
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

node_deals as (
    -- a deal's causes are the same for every credited rep, so grouping by cause keeps one row per deal
    select
        node_id as team_id,
        period_id,
        week_of_period,
        measure,
        change_cause,
        opportunity_id,
        opening_stage_name,
        closing_stage_name,
        opening_forecast_category,
        closing_forecast_category,
        opening_close_date,
        closing_close_date,
        sum(start_amount) as start_amount,
        sum(end_amount) as end_amount,
        sum(change_amount) as change_amount
    from change_rows
    group by
        node_id, period_id, week_of_period, measure, change_cause, opportunity_id, opening_stage_name,
        closing_stage_name, opening_forecast_category, closing_forecast_category, opening_close_date,
        closing_close_date
),

ranked as (
    select
        node_deals.*,
        row_number() over (
            partition by
                node_deals.team_id, node_deals.period_id, node_deals.week_of_period,
                node_deals.measure, node_deals.change_cause
            order by abs(node_deals.change_amount) desc, node_deals.opportunity_id
        ) as cause_rank
    from node_deals
),

final as (
    select
        ranked.team_id || '|' || ranked.period_id || '|' || cast(ranked.week_of_period as {{ dbt.type_string() }})
        || '|' || ranked.measure || '|' || ranked.opportunity_id as weekly_change_deal_id,
        nodes.hierarchy_level,
        ranked.team_id,
        nodes.team_name,
        weeks.period_type,
        weeks.fiscal_period,
        weeks.is_current_period,
        ranked.week_of_period,
        weeks.week_start,
        weeks.week_end,
        weeks.is_latest_week,
        ranked.measure,
        case ranked.measure
            when 'bookings' then 'Bookings'
            when 'open_pipeline' then 'Open pipeline'
            when 'commit_pipeline' then 'Commit pipeline'
        end as measure_label,
        ranked.change_cause,
        case ranked.change_cause
            when 'created' then 'Created'
            when 'won' then 'Won'
            when 'lost' then 'Lost'
            when 'reopened' then 'Reopened'
            when 'pushed_out' then 'Pushed out of the quarter'
            when 'pulled_in' then 'Pulled into the quarter'
            when 'category_change' then 'Moved into or out of Commit'
            when 'amount_increase' then 'Amount increased'
            when 'amount_decrease' then 'Amount decreased'
        end as change_cause_label,
        cast(ranked.cause_rank as integer) as cause_rank,
        ranked.opportunity_id,
        opportunities.opportunity_name,
        accounts.account_name,
        opportunities.owner_id,
        reps.rep_name as owner_name,
        {{ cents('ranked.start_amount') }} as start_amount,
        {{ cents('ranked.end_amount') }} as end_amount,
        {{ cents('ranked.change_amount') }} as change_amount,
        ranked.opening_stage_name,
        ranked.closing_stage_name,
        ranked.opening_forecast_category,
        ranked.closing_forecast_category,
        ranked.opening_close_date,
        ranked.closing_close_date,
        {{ as_of_date() }} as as_of_date
    from ranked
    inner join weeks
        on
            ranked.period_id = weeks.period_id
            and ranked.week_of_period = weeks.week_of_period
    inner join nodes
        on ranked.team_id = nodes.team_id
    left join opportunities
        on ranked.opportunity_id = opportunities.opportunity_id
    left join accounts
        on opportunities.account_id = accounts.account_id
    left join reps
        on
            opportunities.owner_id = reps.rep_id
            and reps.is_current
)

select * from final
