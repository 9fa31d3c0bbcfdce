{#-
    Reps (every CRM user who can carry a number) as slowly changing dimension type 2: one row
    per version of team, role, manager, employment and ramp status, valid from `valid_from`
    to `valid_to` inclusive (null while current). History comes from the compensation
    assignments; a user with no assignment has one version from their CRM role.
-#}
with

versions as (select * from {{ ref('int_rep_versions_segmented') }}),
users as (select * from {{ ref('stg_crm__users') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),

final as (
    select
        versions.rep_version_id as rep_key,
        versions.rep_id,
        users.user_name as rep_name,
        users.email,
        users.title,
        versions.role,
        versions.team_id,
        teams.team_name,
        teams.region_id,
        teams.region_name,
        versions.manager_id,
        managers.user_name as manager_name,
        versions.hire_date,
        versions.termination_date,
        versions.ramp_end_date,
        versions.is_employed,
        versions.is_ramping,
        coalesce(users.is_active, false) as is_active_in_crm,
        versions.assignment_source,
        versions.version_number,
        versions.valid_from,
        versions.valid_to,
        versions.is_current
    from versions
    left join users
        on versions.rep_id = users.user_id
    left join teams
        on versions.team_id = teams.team_id
    left join users as managers
        on versions.manager_id = managers.user_id
)

select * from final
