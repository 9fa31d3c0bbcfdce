{#-
    Every measure of the KPI reference (dbt_project/docs/kpi_definitions.md) per rep and
    fiscal month, as of `as_of_date`, and the
    team the rep-month rolls up to: the team the rep belonged to on the last day of the month,
    or on their last working day if they left during it. Quarters, years, teams, regions and
    the company are all sums of these rows, so their totals always agree.

    Each credit is rounded to cents before it is summed (int_opportunity_credits_dated), so a
    team is exactly the sum of its reps. A rep with no known team (no assignment and no CRM
    role) rolls up to the company node directly. A rep-month exists when the rep has anything in
    it: a quota, a credit closed, created or due, or an activity.
-#}
with

credits_as_of as (select * from {{ ref('int_opportunity_credits_dated') }}),
quotas as (select * from {{ ref('int_quotas_mapped') }}),
activities as (select * from {{ ref('stg_sales_analytics__activities') }}),
rep_versions as (select * from {{ ref('int_rep_versions_segmented') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),

closed_measures as (
    select
        rep_id,
        close_month_start as fiscal_month_start,
        sum(case when credit_type = 'revenue' and is_won then credited_amount else 0 end)
            as bookings_amount,
        sum(case when credit_type = 'overlay' and is_won then credited_amount else 0 end)
            as overlay_credit_amount,
        sum(case when credit_type = 'revenue' and is_won then 1 else 0 end) as won_count,
        sum(case when credit_type = 'revenue' and not is_won then 1 else 0 end) as lost_count,
        sum(case when credit_type = 'revenue' and not is_won then credited_amount else 0 end)
            as lost_amount,
        sum(case when credit_type = 'revenue' and is_won then sales_cycle_days else 0 end)
            as won_cycle_days_sum,
        sum(case when credit_type = 'revenue' and is_won and sales_cycle_days is not null then 1 else 0 end)
            as won_cycle_count
    from credits_as_of
    where is_closed_as_of
    group by rep_id, close_month_start
),

created_measures as (
    select
        rep_id,
        created_month_start as fiscal_month_start,
        sum(credited_created_amount) as pipeline_created_amount,
        count(*) as created_count
    from credits_as_of
    where credit_type = 'revenue' and is_created_as_of
    group by rep_id, created_month_start
),

open_measures as (
    select
        rep_id,
        close_month_start as fiscal_month_start,
        sum(credited_amount) as open_pipeline_amount,
        sum(credited_weighted_amount) as weighted_pipeline_amount,
        count(*) as open_opportunity_count
    from credits_as_of
    where credit_type = 'revenue' and is_open_as_of
    group by rep_id, close_month_start
),

quota_measures as (
    select
        rep_id,
        fiscal_month_start,
        sum(quota_amount) as quota_amount
    from quotas
    group by rep_id, fiscal_month_start
),

activity_measures as (
    select
        rep_id,
        {{ month_start('activity_date') }} as fiscal_month_start,
        count(*) as activity_count
    from activities
    where activity_date <= {{ as_of_date() }}
    group by rep_id, {{ month_start('activity_date') }}
),

known_reps as (
    select distinct rep_id
    from rep_versions
),

rep_month_keys as (
    select
        rep_id,
        fiscal_month_start
    from closed_measures
    union
    select
        rep_id,
        fiscal_month_start
    from created_measures
    union
    select
        rep_id,
        fiscal_month_start
    from open_measures
    union
    select
        rep_id,
        fiscal_month_start
    from quota_measures
    union
    select
        rep_id,
        fiscal_month_start
    from activity_measures
),

known_rep_month_keys as (
    select rep_month_keys.*
    from rep_month_keys
    inner join known_reps
        on rep_month_keys.rep_id = known_reps.rep_id
),

employment as (
    select
        rep_id,
        max(termination_date) as termination_date,
        max(hire_date) as hire_date,
        max(ramp_end_date) as ramp_end_date
    from rep_versions
    group by rep_id
),

anchored as (
    -- the day whose team the month rolls up to: month end, or the last working day
    select
        known_rep_month_keys.rep_id,
        known_rep_month_keys.fiscal_month_start,
        case
            when
                employment.termination_date is not null
                and employment.termination_date
                < {{ add_days(add_months('known_rep_month_keys.fiscal_month_start', 1), -1) }}
                then employment.termination_date
            else {{ add_days(add_months('known_rep_month_keys.fiscal_month_start', 1), -1) }}
        end as team_anchor_date,
        employment.hire_date,
        employment.ramp_end_date
    from known_rep_month_keys
    inner join employment
        on known_rep_month_keys.rep_id = employment.rep_id
),

version_candidates as (
    select
        anchored.rep_id,
        anchored.fiscal_month_start,
        anchored.team_anchor_date,
        anchored.hire_date,
        anchored.ramp_end_date,
        rep_versions.team_id,
        rep_versions.role,
        row_number() over (
            partition by anchored.rep_id, anchored.fiscal_month_start
            order by
                case
                    when
                        rep_versions.valid_from <= anchored.team_anchor_date
                        and (
                            rep_versions.valid_to is null
                            or rep_versions.valid_to >= anchored.team_anchor_date
                        )
                        then 0
                    else 1
                end,
                rep_versions.valid_from
        ) as version_rank
    from anchored
    inner join rep_versions
        on anchored.rep_id = rep_versions.rep_id
),

company_root as (
    select min(team_id) as company_id
    from teams
    where depth = 0
),

rep_month_teams as (
    select
        version_candidates.rep_id,
        version_candidates.fiscal_month_start,
        version_candidates.team_anchor_date,
        coalesce(version_candidates.team_id, company_root.company_id) as team_id,
        version_candidates.role,
        coalesce(
            version_candidates.hire_date is not null
            and version_candidates.fiscal_month_start
            >= {{ month_start('version_candidates.hire_date') }}
            and version_candidates.fiscal_month_start < version_candidates.ramp_end_date,
            false
        ) as is_ramping
    from version_candidates
    cross join company_root
    where version_candidates.version_rank = 1
),

final as (
    select
        rep_month_teams.rep_id || '|' || cast(rep_month_teams.fiscal_month_start as {{ dbt.type_string() }})
            as rep_month_id,
        rep_month_teams.rep_id,
        rep_month_teams.fiscal_month_start,
        rep_month_teams.team_anchor_date,
        rep_month_teams.team_id,
        rep_month_teams.role,
        rep_month_teams.is_ramping,
        quota_measures.quota_amount,
        coalesce(closed_measures.bookings_amount, 0) as bookings_amount,
        coalesce(closed_measures.overlay_credit_amount, 0) as overlay_credit_amount,
        cast(coalesce(closed_measures.won_count, 0) as {{ dbt.type_bigint() }}) as won_count,
        cast(coalesce(closed_measures.lost_count, 0) as {{ dbt.type_bigint() }}) as lost_count,
        coalesce(closed_measures.lost_amount, 0) as lost_amount,
        cast(coalesce(closed_measures.won_cycle_days_sum, 0) as {{ dbt.type_bigint() }})
            as won_cycle_days_sum,
        cast(coalesce(closed_measures.won_cycle_count, 0) as {{ dbt.type_bigint() }})
            as won_cycle_count,
        coalesce(created_measures.pipeline_created_amount, 0) as pipeline_created_amount,
        cast(coalesce(created_measures.created_count, 0) as {{ dbt.type_bigint() }})
            as created_count,
        coalesce(open_measures.open_pipeline_amount, 0) as open_pipeline_amount,
        coalesce(open_measures.weighted_pipeline_amount, 0) as weighted_pipeline_amount,
        cast(coalesce(open_measures.open_opportunity_count, 0) as {{ dbt.type_bigint() }})
            as open_opportunity_count,
        cast(coalesce(activity_measures.activity_count, 0) as {{ dbt.type_bigint() }})
            as activity_count
    from rep_month_teams
    left join quota_measures
        on
            rep_month_teams.rep_id = quota_measures.rep_id
            and rep_month_teams.fiscal_month_start = quota_measures.fiscal_month_start
    left join closed_measures
        on
            rep_month_teams.rep_id = closed_measures.rep_id
            and rep_month_teams.fiscal_month_start = closed_measures.fiscal_month_start
    left join created_measures
        on
            rep_month_teams.rep_id = created_measures.rep_id
            and rep_month_teams.fiscal_month_start = created_measures.fiscal_month_start
    left join open_measures
        on
            rep_month_teams.rep_id = open_measures.rep_id
            and rep_month_teams.fiscal_month_start = open_measures.fiscal_month_start
    left join activity_measures
        on
            rep_month_teams.rep_id = activity_measures.rep_id
            and rep_month_teams.fiscal_month_start = activity_measures.fiscal_month_start
)

select * from final
