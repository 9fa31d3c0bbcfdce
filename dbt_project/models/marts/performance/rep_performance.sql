{#-
    How each rep is doing against quota, per fiscal month, quarter and year, with every KPI
    of the KPI reference, dbt_project/docs/kpi_definitions.md (as of `as_of_date`). Quarters and years are sums of the rep's
    months; ratios are computed from the sums and are null, never infinite, when their
    denominator is zero or missing. Ranks order the reps counted in attainment (below) by
    attainment, ties broken by bookings (equal on both = same rank), so a rep who left or an
    overlay specialist never takes a place from the reps a page lists.

    The people columns of a row (ramping, employed, counted in attainment) are read on its
    status date: the period's last day, or `as_of_date` when that comes first (an open or a
    future period), with the one rule of macros/people.sql that dim_rep uses for today. A
    row is counted in attainment ("N of M reps at quota") when the rep carries a quota in
    the period (role rep, quota above 0) and is employed on its status date.
-#}
with

rep_periods as (select * from {{ ref('int_rep_periods_aggregated') }}),
periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),
reps as (select * from {{ ref('dim_rep') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),
rep_versions as (select * from {{ ref('int_rep_versions_segmented') }}),

employment as (
    select
        rep_id,
        min(hire_date) as hire_date,
        max(termination_date) as termination_date,
        max(ramp_end_date) as ramp_end_date
    from rep_versions
    group by rep_id
),

measured as (
    select
        rep_periods.*,
        periods.fiscal_year,
        periods.period_start,
        periods.period_end,
        {{ safe_ratio('rep_periods.bookings_amount', 'rep_periods.quota_amount') }} as attainment,
        {{ safe_ratio('rep_periods.won_count', 'rep_periods.won_count + rep_periods.lost_count') }}
            as win_rate,
        {{ safe_ratio('rep_periods.bookings_amount', 'rep_periods.bookings_amount + rep_periods.lost_amount') }}
            as win_rate_value,
        case
            when rep_periods.won_count > 0
                then {{ cents(divide('rep_periods.bookings_amount', 'rep_periods.won_count')) }}
        end as avg_deal_size,
        {{ safe_ratio('rep_periods.won_cycle_days_sum', 'rep_periods.won_cycle_count') }}
            as avg_sales_cycle_days,
        rep_periods.won_count - rep_periods.won_cycle_count as cycle_excluded_count,
        case
            when rep_periods.quota_amount - rep_periods.bookings_amount > 0
                then {{ safe_ratio(
                    'rep_periods.open_pipeline_amount',
                    'rep_periods.quota_amount - rep_periods.bookings_amount'
                ) }}
        end as coverage
    from rep_periods
    inner join periods
        on rep_periods.period_id = periods.period_id
),

status_dated as (
    select
        measured.*,
        employment.hire_date,
        employment.termination_date,
        employment.ramp_end_date,
        case
            when measured.period_end < {{ as_of_date() }} then measured.period_end
            else {{ as_of_date() }}
        end as status_date
    from measured
    left join employment
        on measured.rep_id = employment.rep_id
),

counted as (
    select
        *,
        {{ is_employed_on('hire_date', 'termination_date', 'status_date') }}
            as is_employed_on_status_date,
        coalesce(
            role = 'rep'
            and quota_amount > 0
            and {{ is_employed_on('hire_date', 'termination_date', 'status_date') }},
            false
        ) as is_counted_in_attainment
    from status_dated
),

ranked as (
    select
        *,
        case
            when attainment is not null and is_counted_in_attainment
                then rank() over (
                    partition by period_id, attainment is null or not is_counted_in_attainment
                    order by attainment desc, bookings_amount desc
                )
        end as rank_in_company,
        case
            when attainment is not null and is_counted_in_attainment
                then rank() over (
                    partition by period_id, team_id, attainment is null or not is_counted_in_attainment
                    order by attainment desc, bookings_amount desc
                )
        end as rank_in_team
    from counted
),

final as (
    select
        ranked.rep_period_id,
        ranked.rep_id,
        reps.rep_name,
        ranked.role,
        ranked.team_id,
        teams.team_name,
        teams.region_id,
        teams.region_name,
        ranked.period_type,
        ranked.fiscal_period,
        cast(ranked.fiscal_year as integer) as fiscal_year,
        ranked.period_start,
        ranked.period_end,
        ranked.period_start <= {{ as_of_date() }} and ranked.period_end >= {{ as_of_date() }}
            as is_current_period,
        ranked.period_end < {{ as_of_date() }} as is_closed_period,
        {{ cents('ranked.quota_amount') }} as quota_amount,
        {{ cents('ranked.bookings_amount') }} as bookings_amount,
        {{ cents('ranked.overlay_credit_amount') }} as overlay_credit_amount,
        ranked.attainment,
        ranked.won_count,
        ranked.lost_count,
        {{ cents('ranked.lost_amount') }} as lost_amount,
        ranked.win_rate,
        ranked.win_rate_value,
        ranked.avg_deal_size,
        ranked.won_cycle_days_sum,
        ranked.avg_sales_cycle_days,
        cast(ranked.cycle_excluded_count as {{ dbt.type_bigint() }}) as cycle_excluded_count,
        {{ cents('ranked.pipeline_created_amount') }} as pipeline_created_amount,
        ranked.created_count,
        {{ cents('ranked.open_pipeline_amount') }} as open_pipeline_amount,
        {{ cents('ranked.weighted_pipeline_amount') }} as weighted_pipeline_amount,
        ranked.open_opportunity_count,
        ranked.coverage,
        ranked.activity_count,
        {{ is_ramping_on(
            'ranked.hire_date', 'ranked.termination_date', 'ranked.ramp_end_date', 'ranked.status_date'
        ) }} as is_ramping,
        ranked.status_date,
        ranked.is_employed_on_status_date,
        ranked.is_counted_in_attainment,
        coalesce(ranked.termination_date < {{ as_of_date() }}, false) as has_left,
        case
            when ranked.termination_date < {{ as_of_date() }} then ranked.termination_date
        end as left_on,
        {{ is_employed_on('ranked.hire_date', 'ranked.termination_date', as_of_date()) }}
            as is_active_on_as_of,
        cast(ranked.rank_in_team as integer) as rank_in_team,
        cast(ranked.rank_in_company as integer) as rank_in_company,
        {{ as_of_date() }} as as_of_date
    from ranked
    left join reps
        on
            ranked.rep_id = reps.rep_id
            and reps.is_current
    left join teams
        on ranked.team_id = teams.team_id
)

select * from final
