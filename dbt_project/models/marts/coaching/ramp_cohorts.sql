{#-
    How fast new hires ramp
    (doc block kpi_ramp, dbt_project/docs/kpi_definitions.md): every rep hired since the quota
    history began, month by month for their first twelve months (month 1 = the month of the
    hire date), with attainment that month, the months from hire to the first month with a
    win and to the first month at 100% attainment (0 = in the hire month), against the
    median of their cohort (the fiscal quarter they were hired in). Months that have not
    started by the as-of date are left out.
-#}
with

rep_versions as (select * from {{ ref('int_rep_versions_segmented') }}),
rep_months as (select * from {{ ref('int_rep_months_aggregated') }}),
calendar_days as (select * from {{ ref('int_calendar_days_enriched') }}),
reps as (select * from {{ ref('dim_rep') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),

quota_history as (
    select min(fiscal_month_start) as first_quota_month
    from rep_months
    where quota_amount is not null
),

latest_versions as (
    select
        rep_id,
        team_id,
        role,
        hire_date,
        row_number() over (
            partition by rep_id
            order by
                case
                    when
                        valid_from <= {{ as_of_date() }}
                        and (valid_to is null or valid_to >= {{ as_of_date() }})
                        then 0
                    else 1
                end,
                valid_from desc
        ) as version_rank
    from rep_versions
),

hires as (
    select
        latest_versions.rep_id,
        latest_versions.team_id,
        latest_versions.hire_date,
        {{ month_start('latest_versions.hire_date') }} as hire_month_start,
        calendar_days.fiscal_quarter_period as hire_cohort
    from latest_versions
    cross join quota_history
    inner join calendar_days
        on latest_versions.hire_date = calendar_days.date_day
    where
        latest_versions.version_rank = 1
        and latest_versions.role = 'rep'
        and latest_versions.hire_date >= quota_history.first_quota_month
        and latest_versions.hire_date <= {{ as_of_date() }}
),

month_numbers as ({{ dbt.generate_series(12) }}),

hire_months as (
    select
        hires.*,
        cast(month_numbers.generated_number as integer) as months_since_hire,
        {{ add_months('hires.hire_month_start', 'month_numbers.generated_number - 1') }} as month_start
    from hires
    cross join month_numbers
),

started_months as (
    select *
    from hire_months
    where month_start <= {{ as_of_date() }}
),

measured as (
    select
        started_months.*,
        rep_months.quota_amount,
        coalesce(rep_months.bookings_amount, 0) as bookings_amount,
        coalesce(rep_months.won_count, 0) as won_count,
        {{ safe_ratio('rep_months.bookings_amount', 'rep_months.quota_amount') }} as attainment
    from started_months
    left join rep_months
        on
            started_months.rep_id = rep_months.rep_id
            and started_months.month_start = rep_months.fiscal_month_start
),

all_rep_months as (
    -- first win and first 100% month may come after the first twelve months
    select
        hires.rep_id,
        cast(extract(year from rep_months.fiscal_month_start) as integer) * 12
        + cast(extract(month from rep_months.fiscal_month_start) as integer)
        - cast(extract(year from hires.hire_month_start) as integer) * 12
        - cast(extract(month from hires.hire_month_start) as integer)
            as months_after_hire,
        rep_months.won_count,
        {{ safe_ratio('rep_months.bookings_amount', 'rep_months.quota_amount') }} as attainment
    from hires
    inner join rep_months
        on
            hires.rep_id = rep_months.rep_id
            and hires.hire_month_start <= rep_months.fiscal_month_start
            and rep_months.fiscal_month_start <= {{ as_of_date() }}
),

milestones as (
    select
        rep_id,
        min(case when won_count > 0 then months_after_hire end) as months_to_first_win,
        min(case when attainment >= 1 then months_after_hire end) as months_to_first_100
    from all_rep_months
    group by rep_id
),

with_milestones as (
    select
        measured.*,
        milestones.months_to_first_win,
        milestones.months_to_first_100
    from measured
    left join milestones
        on measured.rep_id = milestones.rep_id
),

cohort_month_medians as (
    select
        hire_cohort,
        months_since_hire,
        {{ median('attainment') }} as cohort_median_attainment
    from with_milestones
    group by hire_cohort, months_since_hire
),

cohort_medians as (
    select
        hires.hire_cohort,
        count(*) as cohort_rep_count,
        {{ median('milestones.months_to_first_win') }} as cohort_median_months_to_first_win,
        {{ median('milestones.months_to_first_100') }} as cohort_median_months_to_first_100
    from hires
    left join milestones
        on hires.rep_id = milestones.rep_id
    group by hires.hire_cohort
),

final as (
    select
        with_milestones.rep_id || '|' || cast(with_milestones.months_since_hire as {{ dbt.type_string() }})
            as ramp_cohort_id,
        with_milestones.rep_id,
        reps.rep_name,
        with_milestones.team_id,
        teams.team_name,
        with_milestones.hire_date,
        with_milestones.hire_cohort,
        cast(cohort_medians.cohort_rep_count as {{ dbt.type_bigint() }}) as cohort_rep_count,
        with_milestones.months_since_hire,
        with_milestones.month_start,
        {{ cents('with_milestones.quota_amount') }} as quota_amount,
        {{ cents('with_milestones.bookings_amount') }} as bookings_amount,
        cast(with_milestones.won_count as {{ dbt.type_bigint() }}) as won_count,
        with_milestones.attainment,
        cast(cohort_month_medians.cohort_median_attainment as {{ type_double() }}) as cohort_median_attainment,
        with_milestones.months_to_first_win,
        with_milestones.months_to_first_100,
        cast(cohort_medians.cohort_median_months_to_first_win as {{ type_double() }})
            as cohort_median_months_to_first_win,
        cast(cohort_medians.cohort_median_months_to_first_100 as {{ type_double() }})
            as cohort_median_months_to_first_100,
        {{ as_of_date() }} as as_of_date
    from with_milestones
    inner join cohort_month_medians
        on
            with_milestones.hire_cohort = cohort_month_medians.hire_cohort
            and with_milestones.months_since_hire = cohort_month_medians.months_since_hire
    inner join cohort_medians
        on with_milestones.hire_cohort = cohort_medians.hire_cohort
    left join reps
        on
            with_milestones.rep_id = reps.rep_id
            and reps.is_current
    left join teams
        on with_milestones.team_id = teams.team_id
)

select * from final
