-- What a team's and a region's totals leave out: the deals of their reps held in quarantine,
-- per broken rule (deals_set_aside is the company's). A deal belongs to the team its owner
-- is in now (the owner's current dim_rep version), as the team page lists its reps; a deal
-- whose owner is in no team (an unknown owner) is only in the company's count. Whole deals
-- only, as in deals_set_aside: a split set aside leaves its deal counted.
with

quarantined as (
    select opportunity_id, owner_id, rule
    from {{ ref('quarantine_opportunities') }}
    where split_id is null
),

current_reps as (
    select rep_id, team_id, team_name, region_id, region_name
    from {{ ref('dim_rep') }}
    where is_current
),

placed as (
    select
        quarantined.opportunity_id,
        quarantined.rule,
        current_reps.team_id,
        current_reps.team_name,
        current_reps.region_id,
        current_reps.region_name
    from quarantined
    inner join current_reps
        on quarantined.owner_id = current_reps.rep_id
),

by_node as (
    select opportunity_id, rule, 'team' as hierarchy_level, team_id, team_name
    from placed
    union all
    select opportunity_id, rule, 'region' as hierarchy_level, region_id as team_id, region_name as team_name
    from placed
    where region_id is not null
),

per_rule as (
    select
        hierarchy_level,
        team_id,
        team_name,
        rule,
        count(distinct opportunity_id) as deal_count
    from by_node
    group by hierarchy_level, team_id, team_name, rule
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
        per_rule.hierarchy_level,
        per_rule.team_id,
        per_rule.team_name,
        per_rule.rule,
        replace(per_rule.rule, '_', ' ') as rule_name,
        per_rule.deal_count,
        totals.total_deals
    from per_rule
    inner join totals
        on per_rule.team_id = totals.team_id
)

select * from final
