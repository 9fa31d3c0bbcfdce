-- What a team's and a region's totals leave out: the deals of their reps held in quarantine,
-- per broken rule (deals_set_aside is the company's). A deal belongs to the team its owner
-- is in now (the owner's current dim_rep version) and to that team's region, each node once
-- (where teams hang directly under the company, as HubSpot's do, a team is its own region);
-- a deal whose owner is in no team (an unknown owner) is only in the company's count. Whole
-- deals only, as in deals_set_aside: a split set aside leaves its deal counted.
with

quarantined as (
    select opportunity_id, owner_id, rule
    from {{ ref('quarantine_opportunities') }}
    where split_id is null
),

current_reps as (
    select rep_id, team_id, region_id
    from {{ ref('dim_rep') }}
    where is_current
),

current_teams as (
    select team_id, team_name, hierarchy_level
    from {{ ref('dim_team') }}
    where is_current
),

placed as (
    select
        quarantined.opportunity_id,
        quarantined.rule,
        current_reps.team_id,
        current_reps.region_id
    from quarantined
    inner join current_reps
        on quarantined.owner_id = current_reps.rep_id
),

by_node as (
    select opportunity_id, rule, team_id
    from placed
    union
    select opportunity_id, rule, region_id as team_id
    from placed
    where region_id is not null
),

per_rule as (
    select
        team_id,
        rule,
        count(distinct opportunity_id) as deal_count
    from by_node
    group by team_id, rule
),

totals as (
    select
        team_id,
        count(distinct opportunity_id) as total_deals
    from by_node
    group by team_id
),

final as (
    select
        per_rule.team_id || '|' || per_rule.rule as team_rule_id,
        current_teams.hierarchy_level,
        per_rule.team_id,
        current_teams.team_name,
        per_rule.rule,
        replace(per_rule.rule, '_', ' ') as rule_name,
        per_rule.deal_count,
        totals.total_deals
    from per_rule
    inner join totals
        on per_rule.team_id = totals.team_id
    left join current_teams
        on per_rule.team_id = current_teams.team_id
)

select * from final
