{#-
    Pace for every node of the hierarchy (team, region, company) and open period: the sums
    of rep_pacing over the reps that roll up to it (a rep's row counts in its team, that
    team's region and the company, as in team_performance), and how many of the node's
    counted reps and teams are behind pace or at quota; and what the overview's sentences
    count: badges earned in the period (rep_badges), open deals stalled today (stalled_deals;
    unknown without an activity feed) and deals that slipped out of the quarter
    (slipped_deals), each counted in its team, that team's region and the company. Pages and
    digests read these figures instead of adding rows up themselves, so every page shows
    the same number.
-#}
with

rep_pacing as (select * from {{ ref('rep_pacing') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),
badges as (select * from {{ ref('rep_badges') }}),
stalled as (select * from {{ ref('stalled_deals') }}),
slipped as (select * from {{ ref('slipped_deals') }}),
coverage as (select * from {{ ref('source_coverage') }}),

rep_nodes as (
    -- a rep's row counts in its team, that team's region and the company
    {{ rollup_to_hierarchy('rep_pacing', 'teams') }}
),

node_periods as (
    select
        node_id,
        period_type,
        fiscal_period,
        min(fiscal_year) as fiscal_year,
        min(period_start) as period_start,
        min(period_end) as period_end,
        min(as_of_date) as as_of_date,
        max(selling_days_in_period) as selling_days_in_period,
        max(selling_days_elapsed) as selling_days_elapsed,
        max(selling_days_remaining) as selling_days_remaining,
        sum(quota_amount) as quota_amount,
        sum(bookings_to_date_amount) as bookings_to_date_amount,
        sum(expected_to_date_amount) as expected_to_date_amount,
        sum(greatest(quota_amount - bookings_to_date_amount, 0)) as shortfall_amount,
        count(case when is_counted_in_attainment then 1 end) as counted_rep_count,
        count(case when is_counted_in_attainment and not on_pace then 1 end)
            as behind_pace_rep_count,
        count(case when is_counted_in_attainment and attainment_to_date >= 1 then 1 end)
            as at_quota_rep_count
    from rep_nodes
    group by node_id, period_type, fiscal_period
),

periods as (
    select distinct
        period_type,
        fiscal_period,
        period_start,
        period_end
    from rep_pacing
),

activity_feed as (
    -- stalled means no activity for a while: unknown without an activity feed
    select count(*) > 0 as is_loaded
    from coverage
    where dataset = 'activities' and is_loaded
),

events as (
    -- badges earned in the period, deals stalled today (in every open period), deals that
    -- slipped out of the quarter: one row per event and period, with the owner's team
    select
        badges.team_id,
        periods.period_type,
        periods.fiscal_period,
        'badge' as event_type
    from badges
    inner join periods
        on badges.earned_date between periods.period_start and periods.period_end
    union all
    select
        stalled.team_id,
        periods.period_type,
        periods.fiscal_period,
        'stalled' as event_type
    from stalled
    cross join periods
    union all
    select
        slipped.team_id,
        slipped.period_type,
        slipped.fiscal_period,
        'slipped' as event_type
    from slipped
),

event_nodes as (
    -- an event counts in its team, that team's region and the company
    {{ rollup_to_hierarchy('events', 'teams') }}
),

event_counts as (
    select
        node_id,
        period_type,
        fiscal_period,
        count(case when event_type = 'badge' then 1 end) as badge_count,
        count(case when event_type = 'stalled' then 1 end) as stalled_deal_count,
        count(case when event_type = 'slipped' then 1 end) as slipped_deal_count
    from event_nodes
    group by node_id, period_type, fiscal_period
),

team_rows as (
    select
        node_periods.*,
        teams.region_id,
        teams.company_id,
        node_periods.bookings_to_date_amount < node_periods.expected_to_date_amount
            as is_behind_pace,
        node_periods.quota_amount > 0
        and node_periods.bookings_to_date_amount >= node_periods.quota_amount as is_at_quota
    from node_periods
    inner join teams
        on node_periods.node_id = teams.team_id
    where teams.hierarchy_level = 'team'
),

team_membership as (
    select
        node_id,
        node_id as member_team_id
    from team_rows
    union
    select
        region_id as node_id,
        node_id as member_team_id
    from team_rows
    union
    select
        company_id as node_id,
        node_id as member_team_id
    from team_rows
),

team_counts as (
    select
        team_membership.node_id,
        team_rows.period_type,
        team_rows.fiscal_period,
        count(*) as team_count,
        count(case when team_rows.is_behind_pace then 1 end) as behind_pace_team_count,
        count(case when team_rows.is_at_quota then 1 end) as at_quota_team_count
    from team_rows
    inner join team_membership
        on team_rows.node_id = team_membership.member_team_id
    group by team_membership.node_id, team_rows.period_type, team_rows.fiscal_period
),

final as (
    select
        node_periods.node_id || '|' || node_periods.period_type || '|' || node_periods.fiscal_period
            as team_pacing_id,
        node_periods.node_id as team_id,
        teams.team_name,
        teams.hierarchy_level,
        teams.parent_team_id,
        teams.region_id,
        teams.company_id,
        node_periods.period_type,
        node_periods.fiscal_period,
        cast(node_periods.fiscal_year as integer) as fiscal_year,
        node_periods.period_start,
        node_periods.period_end,
        node_periods.as_of_date,
        cast(node_periods.selling_days_in_period as integer) as selling_days_in_period,
        cast(node_periods.selling_days_elapsed as integer) as selling_days_elapsed,
        cast(node_periods.selling_days_remaining as integer) as selling_days_remaining,
        {{ cents('node_periods.quota_amount') }} as quota_amount,
        {{ cents('node_periods.bookings_to_date_amount') }} as bookings_to_date_amount,
        {{ cents('node_periods.expected_to_date_amount') }} as expected_to_date_amount,
        {{ cents('node_periods.bookings_to_date_amount - node_periods.expected_to_date_amount') }}
            as pace_gap_amount,
        {{ safe_ratio('node_periods.bookings_to_date_amount', 'node_periods.expected_to_date_amount') }}
            as pace_attainment,
        case
            when node_periods.quota_amount is not null and node_periods.selling_days_remaining > 0
                then {{ cents(divide(
                    'node_periods.shortfall_amount', 'node_periods.selling_days_remaining'
                )) }}
        end as required_run_rate_amount,
        case
            when node_periods.quota_amount is not null
                then node_periods.bookings_to_date_amount >= node_periods.expected_to_date_amount
        end as on_pace,
        cast(node_periods.counted_rep_count as {{ dbt.type_bigint() }}) as counted_rep_count,
        cast(node_periods.behind_pace_rep_count as {{ dbt.type_bigint() }})
            as behind_pace_rep_count,
        cast(node_periods.at_quota_rep_count as {{ dbt.type_bigint() }}) as at_quota_rep_count,
        cast(coalesce(team_counts.team_count, 0) as {{ dbt.type_bigint() }}) as team_count,
        cast(coalesce(team_counts.behind_pace_team_count, 0) as {{ dbt.type_bigint() }})
            as behind_pace_team_count,
        cast(coalesce(team_counts.at_quota_team_count, 0) as {{ dbt.type_bigint() }})
            as at_quota_team_count,
        cast(coalesce(event_counts.badge_count, 0) as {{ dbt.type_bigint() }}) as badge_count,
        case
            when activity_feed.is_loaded
                then cast(coalesce(event_counts.stalled_deal_count, 0) as {{ dbt.type_bigint() }})
        end as stalled_deal_count,
        case
            when node_periods.period_type = 'quarter'
                then cast(coalesce(event_counts.slipped_deal_count, 0) as {{ dbt.type_bigint() }})
        end as slipped_deal_count
    from node_periods
    cross join activity_feed
    inner join teams
        on node_periods.node_id = teams.team_id
    left join team_counts
        on
            node_periods.node_id = team_counts.node_id
            and node_periods.period_type = team_counts.period_type
            and node_periods.fiscal_period = team_counts.fiscal_period
    left join event_counts
        on
            node_periods.node_id = event_counts.node_id
            and node_periods.period_type = event_counts.period_type
            and node_periods.fiscal_period = event_counts.fiscal_period
)

select * from final
