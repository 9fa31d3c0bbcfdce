{#-
    Who was in which team with which role, and when: the compensation system's effective-dated
    assignments (valid_from/valid_to inclusive, null valid_to = still current),
    `assignment_source` = compensation_assignments. A CRM user with no assignment at all (every
    user, when the company has no assignments file) falls back to the CRM's role tree: their
    current UserRole is their team, valid since ever, as a manager when someone in the CRM
    reports to them (ManagerId), else as a rep; their hire date is the CRM user's CreatedDate
    (`assignment_source` = crm_role_tree).

    An overlay specialist carries no number of their own: a user whose role would be `rep` is
    `overlay` when they hold overlay credit (Overlay splits) on at least one opportunity and
    revenue credit on none, so they are ranked and shown by overlay credit, never against
    quota-carrying reps.
-#}
{%- set ramp_months = var('ramp_months') | int -%}

with

assignments as (select * from {{ ref('stg_compensation__assignments') }}),
users as (select * from {{ ref('stg_crm__users') }}),
credits as (select * from {{ ref('int_opportunity_credits_split') }}),

crm_managers as (
    select distinct manager_id
    from users
    where manager_id is not null
),

assigned_employment as (
    select
        rep_id,
        min(hire_date) as hire_date,
        max(termination_date) as termination_date
    from assignments
    group by rep_id
),

from_compensation as (
    select
        assignment_id,
        rep_id,
        team_id,
        role,
        effective_from as valid_from,
        effective_to as valid_to,
        'compensation_assignments' as assignment_source
    from assignments
),

users_without_assignments as (
    select users.*
    from users
    left join assigned_employment
        on users.user_id = assigned_employment.rep_id
    where assigned_employment.rep_id is null
),

employment as (
    select * from assigned_employment
    union all
    select
        user_id as rep_id,
        created_date as hire_date,
        cast(null as date) as termination_date
    from users_without_assignments
),

from_crm as (
    select
        'crm|' || users_without_assignments.user_id as assignment_id,
        users_without_assignments.user_id as rep_id,
        users_without_assignments.role_id as team_id,
        case when crm_managers.manager_id is not null then 'manager' else 'rep' end as role,
        cast('1900-01-01' as date) as valid_from,
        cast(null as date) as valid_to,
        'crm_role_tree' as assignment_source
    from users_without_assignments
    left join crm_managers
        on users_without_assignments.user_id = crm_managers.manager_id
),

unioned as (
    select * from from_compensation
    union all
    select * from from_crm
),

credit_types as (
    select
        rep_id,
        sum(case when credit_type = 'overlay' then 1 else 0 end) as overlay_credit_count,
        sum(case when credit_type = 'revenue' then 1 else 0 end) as revenue_credit_count
    from credits
    group by rep_id
),

overlay_specialists as (
    select rep_id
    from credit_types
    where overlay_credit_count > 0 and revenue_credit_count = 0
),

final as (
    select
        unioned.assignment_id,
        unioned.rep_id,
        unioned.team_id,
        case
            when unioned.role = 'rep' and overlay_specialists.rep_id is not null then 'overlay'
            else unioned.role
        end as role,
        unioned.valid_from,
        unioned.valid_to,
        unioned.assignment_source,
        employment.hire_date,
        employment.termination_date,
        case
            when employment.hire_date is not null
                then {{ add_months(month_start('employment.hire_date'), ramp_months) }}
        end as ramp_end_date
    from unioned
    left join employment
        on unioned.rep_id = employment.rep_id
    left join overlay_specialists
        on unioned.rep_id = overlay_specialists.rep_id
)

select * from final
