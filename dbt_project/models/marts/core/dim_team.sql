{#-
    The sales hierarchy: every node (team, region, company) with its path up to the company.
    The CRM keeps only its current roles, so each node has one current version here
    (valid_from = the start of the calendar); team membership over time is in dim_rep.
-#}
with

teams as (select * from {{ ref('int_teams_pathed') }}),
calendar_days as (select * from {{ ref('int_calendar_days_enriched') }}),

calendar_start as (
    select min(date_day) as first_day
    from calendar_days
),

final as (
    select
        teams.team_id,
        teams.team_name,
        teams.hierarchy_level,
        cast(teams.depth as integer) as depth,
        teams.parent_team_id,
        teams.region_id,
        teams.region_name,
        teams.company_id,
        teams.company_name,
        teams.hierarchy_path,
        calendar_start.first_day as valid_from,
        cast(null as date) as valid_to,
        true as is_current
    from teams
    cross join calendar_start
)

select * from final
