{#-
    For each rep and each open period (the fiscal month, quarter and year containing
    `as_of_date`): bookings to date against the straight-line pace of their quota over the
    period's selling days (the as-of day counts as elapsed), the gap, the run rate needed per
    remaining selling day, and the attainment the current run rate would end at.

    The people columns (ramping, left, counted in attainment) are rep_performance's for the
    same row, read on the as-of date: a rep who left keeps their row, so team and company
    pace still add up, and the lists to act on keep only `is_active_on_as_of`.
-#}
with

rep_periods as (select * from {{ ref('int_rep_periods_aggregated') }}),
periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),
calendar_days as (select * from {{ ref('int_calendar_days_enriched') }}),
reps as (select * from {{ ref('dim_rep') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),
rep_performance as (select * from {{ ref('rep_performance') }}),

open_periods as (
    select *
    from periods
    where period_start <= {{ as_of_date() }} and period_end >= {{ as_of_date() }}
),

elapsed_days as (
    select
        open_periods.period_id,
        sum(case when calendar_days.is_selling_day then 1 else 0 end) as selling_days_elapsed
    from open_periods
    inner join calendar_days
        on
            open_periods.period_start <= calendar_days.date_day
            and calendar_days.date_day <= {{ as_of_date() }}
    group by open_periods.period_id
),

paced as (
    select
        rep_periods.*,
        open_periods.fiscal_year,
        open_periods.period_start,
        open_periods.period_end,
        open_periods.selling_days as selling_days_in_period,
        elapsed_days.selling_days_elapsed,
        open_periods.selling_days - elapsed_days.selling_days_elapsed as selling_days_remaining
    from rep_periods
    inner join open_periods
        on rep_periods.period_id = open_periods.period_id
    inner join elapsed_days
        on rep_periods.period_id = elapsed_days.period_id
),

measured as (
    select
        *,
        {{ cents(divide('quota_amount * selling_days_elapsed', 'selling_days_in_period')) }}
            as expected_to_date_amount
    from paced
),

final as (
    select
        measured.rep_period_id as rep_pacing_id,
        measured.rep_id,
        reps.rep_name,
        measured.team_id,
        teams.team_name,
        measured.period_type,
        measured.fiscal_period,
        cast(measured.fiscal_year as integer) as fiscal_year,
        measured.period_start,
        measured.period_end,
        {{ as_of_date() }} as as_of_date,
        cast(measured.selling_days_in_period as integer) as selling_days_in_period,
        cast(measured.selling_days_elapsed as integer) as selling_days_elapsed,
        cast(measured.selling_days_remaining as integer) as selling_days_remaining,
        {{ cents('measured.quota_amount') }} as quota_amount,
        {{ cents('measured.bookings_amount') }} as bookings_to_date_amount,
        measured.expected_to_date_amount,
        {{ cents('measured.bookings_amount - measured.expected_to_date_amount') }} as pace_gap_amount,
        case
            when measured.quota_amount is not null and measured.selling_days_remaining > 0
                then {{ cents(divide(
                    'greatest(measured.quota_amount - measured.bookings_amount, 0)',
                    'measured.selling_days_remaining'
                )) }}
        end as required_run_rate_amount,
        {{ safe_ratio('measured.bookings_amount', 'measured.quota_amount') }} as attainment_to_date,
        case
            when measured.selling_days_elapsed > 0
                then {{ cents(divide(
                    'measured.bookings_amount * measured.selling_days_in_period',
                    'measured.selling_days_elapsed'
                )) }}
        end as projected_bookings_amount,
        {{ safe_ratio(
            'measured.bookings_amount * measured.selling_days_in_period',
            'measured.quota_amount * measured.selling_days_elapsed'
        ) }} as projected_attainment,
        case
            when measured.quota_amount is not null
                then measured.bookings_amount >= measured.expected_to_date_amount
        end as on_pace,
        measured.role,
        coalesce(rep_performance.is_ramping, false) as is_ramping,
        coalesce(rep_performance.is_counted_in_attainment, false) as is_counted_in_attainment,
        coalesce(rep_performance.has_left, false) as has_left,
        rep_performance.left_on,
        coalesce(rep_performance.is_active_on_as_of, true) as is_active_on_as_of
    from measured
    left join rep_performance
        on measured.rep_period_id = rep_performance.rep_period_id
    left join reps
        on
            measured.rep_id = reps.rep_id
            and reps.is_current
    left join teams
        on measured.team_id = teams.team_id
)

select * from final
