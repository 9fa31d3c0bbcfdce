{#-
    The history of every rep as contiguous versions (SCD2) from their first assignment on:
    team, role, manager, employment and ramp status. A version starts wherever any of these
    can change: an assignment starts or ends, the manager of their team changes, their ramp
    ends, or they leave. Identical consecutive versions are merged. The last version is open
    (valid_to null); a gap between assignments keeps the previous team.

    The manager of a rep is the person assigned as `manager` of the rep's team; the manager of
    a manager is the manager of the parent team (their VP); the CRM's ManagerId when neither
    is known.
-#}
with

assignments as (select * from {{ ref('int_rep_assignments_dated') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),
users as (select * from {{ ref('stg_crm__users') }}),

assignments_with_manager_team as (
    select
        assignments.*,
        case
            when assignments.role = 'manager' then teams.parent_team_id
            else assignments.team_id
        end as manager_team_id
    from assignments
    left join teams
        on assignments.team_id = teams.team_id
),

manager_assignments as (
    select
        rep_id as manager_id,
        team_id,
        valid_from,
        valid_to
    from assignments
    where role = 'manager'
),

manager_overlaps as (
    select
        assignments_with_manager_team.rep_id,
        assignments_with_manager_team.valid_from as assignment_from,
        assignments_with_manager_team.valid_to as assignment_to,
        manager_assignments.valid_from as manager_from,
        manager_assignments.valid_to as manager_to
    from assignments_with_manager_team
    inner join manager_assignments
        on
            assignments_with_manager_team.manager_team_id = manager_assignments.team_id
            and assignments_with_manager_team.rep_id <> manager_assignments.manager_id
            and (
                manager_assignments.valid_to is null
                or assignments_with_manager_team.valid_from <= manager_assignments.valid_to
            )
            and (
                assignments_with_manager_team.valid_to is null
                or assignments_with_manager_team.valid_to >= manager_assignments.valid_from
            )
),

boundary_candidates as (
    select
        rep_id,
        valid_from as boundary_date
    from assignments
    union all
    select
        rep_id,
        {{ add_days('valid_to', 1) }}
    from assignments
    where valid_to is not null
    union all
    select
        rep_id,
        manager_from
    from manager_overlaps
    where manager_from > assignment_from
    union all
    select
        rep_id,
        {{ add_days('manager_to', 1) }}
    from manager_overlaps
    where manager_to is not null and (assignment_to is null or manager_to < assignment_to)
    union all
    select
        rep_id,
        ramp_end_date
    from assignments
    where ramp_end_date is not null
    union all
    select
        rep_id,
        {{ add_days('termination_date', 1) }}
    from assignments
    where termination_date is not null
),

first_starts as (
    select
        rep_id,
        min(valid_from) as first_valid_from
    from assignments
    group by rep_id
),

boundaries as (
    select distinct
        boundary_candidates.rep_id,
        boundary_candidates.boundary_date
    from boundary_candidates
    inner join first_starts
        on boundary_candidates.rep_id = first_starts.rep_id
    where boundary_candidates.boundary_date >= first_starts.first_valid_from
),

segments as (
    select
        rep_id,
        boundary_date as valid_from,
        {{ add_days('lead(boundary_date) over (partition by rep_id order by boundary_date)', -1) }}
            as valid_to
    from boundaries
),

segment_assignment_candidates as (
    select
        segments.rep_id,
        segments.valid_from,
        segments.valid_to,
        assignments_with_manager_team.assignment_id,
        assignments_with_manager_team.team_id,
        assignments_with_manager_team.role,
        assignments_with_manager_team.manager_team_id,
        assignments_with_manager_team.assignment_source,
        assignments_with_manager_team.hire_date,
        assignments_with_manager_team.termination_date,
        assignments_with_manager_team.ramp_end_date,
        row_number() over (
            partition by segments.rep_id, segments.valid_from
            order by assignments_with_manager_team.valid_from desc
        ) as assignment_rank
    from segments
    inner join assignments_with_manager_team
        on
            segments.rep_id = assignments_with_manager_team.rep_id
            and segments.valid_from >= assignments_with_manager_team.valid_from
),

segment_assignments as (
    select *
    from segment_assignment_candidates
    where assignment_rank = 1
),

segment_manager_candidates as (
    select
        segment_assignments.rep_id,
        segment_assignments.valid_from,
        manager_assignments.manager_id,
        row_number() over (
            partition by segment_assignments.rep_id, segment_assignments.valid_from
            order by manager_assignments.valid_from desc, manager_assignments.manager_id asc
        ) as manager_rank
    from segment_assignments
    inner join manager_assignments
        on
            segment_assignments.manager_team_id = manager_assignments.team_id
            and segment_assignments.rep_id <> manager_assignments.manager_id
            and segment_assignments.valid_from >= manager_assignments.valid_from
            and (
                manager_assignments.valid_to is null
                or segment_assignments.valid_from <= manager_assignments.valid_to
            )
),

segment_managers as (
    select *
    from segment_manager_candidates
    where manager_rank = 1
),

segment_attributes as (
    select
        segment_assignments.rep_id,
        segment_assignments.valid_from,
        segment_assignments.valid_to,
        segment_assignments.team_id,
        segment_assignments.role,
        coalesce(segment_managers.manager_id, users.manager_id) as manager_id,
        segment_assignments.assignment_source,
        segment_assignments.hire_date,
        segment_assignments.termination_date,
        segment_assignments.ramp_end_date,
        (
            segment_assignments.termination_date is null
            or segment_assignments.valid_from <= segment_assignments.termination_date
        ) as is_employed,
        coalesce(
            segment_assignments.ramp_end_date is not null
            and segment_assignments.valid_from >= {{ month_start('segment_assignments.hire_date') }}
            and segment_assignments.valid_from < segment_assignments.ramp_end_date,
            false
        ) as is_ramping
    from segment_assignments
    left join segment_managers
        on
            segment_assignments.rep_id = segment_managers.rep_id
            and segment_assignments.valid_from = segment_managers.valid_from
    left join users
        on segment_assignments.rep_id = users.user_id
),

signed as (
    select
        *,
        coalesce(team_id, '') || '|' || coalesce(role, '') || '|' || coalesce(manager_id, '')
        || '|' || assignment_source
        || '|' || case when is_employed then 'e' else '-' end
        || '|' || case when is_ramping then 'r' else '-' end as version_signature
    from segment_attributes
),

change_flagged as (
    select
        *,
        case
            when
                lag(version_signature) over (partition by rep_id order by valid_from)
                = version_signature
                then 0
            else 1
        end as is_new_version
    from signed
),

numbered as (
    select
        *,
        sum(is_new_version) over (
            partition by rep_id order by valid_from rows between unbounded preceding and current row
        ) as version_number
    from change_flagged
),

merged as (
    select
        rep_id,
        version_number,
        min(valid_from) as valid_from,
        max(coalesce(valid_to, cast('9999-12-31' as date))) as valid_to_or_open,
        max(team_id) as team_id,
        max(role) as role,
        max(manager_id) as manager_id,
        max(assignment_source) as assignment_source,
        max(hire_date) as hire_date,
        max(termination_date) as termination_date,
        max(ramp_end_date) as ramp_end_date,
        {{ dbt.bool_or('is_employed') }} as is_employed,
        {{ dbt.bool_or('is_ramping') }} as is_ramping
    from numbered
    group by rep_id, version_number
),

final as (
    select
        rep_id || '|' || cast(valid_from as {{ dbt.type_string() }}) as rep_version_id,
        rep_id,
        cast(version_number as integer) as version_number,
        team_id,
        role,
        manager_id,
        hire_date,
        termination_date,
        ramp_end_date,
        is_employed,
        is_ramping,
        assignment_source,
        valid_from,
        case
            when valid_to_or_open < cast('9999-12-31' as date) then valid_to_or_open
        end as valid_to,
        valid_to_or_open = cast('9999-12-31' as date) as is_current
    from merged
)

select * from final
