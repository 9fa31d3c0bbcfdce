{#-
    Reps (every CRM user who can carry a number) as slowly changing dimension type 2: one row
    per version of team, role, manager, employment and ramp status, valid from `valid_from`
    to `valid_to` inclusive (null while current). History comes from the compensation
    assignments; a user with no assignment has one version from their CRM role.

    The `*_on_as_of` columns and `has_left` describe the rep on `as_of_date` and are the same
    on every version of a rep: the pages' "now" (who is ramping, who has left, who is in the
    lists to act on) reads them, never the flags of the latest version, which may start in
    the future (the day a ramp ends).
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
        coalesce(
            versions.termination_date is not null
            and versions.termination_date < {{ as_of_date() }},
            false
        ) as has_left,
        case
            when versions.termination_date < {{ as_of_date() }} then versions.termination_date
        end as left_on,
        {{ is_employed_on('versions.hire_date', 'versions.termination_date', as_of_date()) }}
            as is_active_on_as_of,
        {{ is_ramping_on(
            'versions.hire_date', 'versions.termination_date', 'versions.ramp_end_date', as_of_date()
        ) }} as is_ramping_on_as_of,
        versions.valid_from <= {{ as_of_date() }}
        and (versions.valid_to is null or versions.valid_to >= {{ as_of_date() }})
            as is_as_of_version,
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
