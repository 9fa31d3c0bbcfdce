{#-
    Each submitter's forecast call for a fiscal period as it stood at the end of every week
    of that period: the latest Commit, Best Case and Pipeline call submitted on or before the
    week's last day (doc block kpi_forecast_call, dbt_project/docs/kpi_definitions.md).
    Weeks are those of int_fiscal_period_weeks_spined (week k = days 7(k-1) to 7k-1 of the
    period; the last week may be short); weeks that have not started by the as-of date are
    left out. Also the call standing at
    mid-period (the period's middle day), which the submitter's trailing accuracy and
    tendency are judged on, as the demo generator's realism figures are.
-#}
with

submissions as (select * from {{ ref('fct_forecast_submissions') }}),
periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),
period_weeks as (select * from {{ ref('int_fiscal_period_weeks_spined') }}),

submitter_periods as (
    select
        submissions.submitter_id,
        submissions.submitter_role,
        periods.period_id,
        periods.period_type,
        periods.fiscal_period,
        periods.period_start,
        periods.period_end,
        periods.calendar_days
    from submissions
    inner join periods
        on
            submissions.period_type = periods.period_type
            and submissions.fiscal_period = periods.fiscal_period
    group by
        submissions.submitter_id,
        submissions.submitter_role,
        periods.period_id,
        periods.period_type,
        periods.fiscal_period,
        periods.period_start,
        periods.period_end,
        periods.calendar_days
),

started_weeks as (
    select
        submitter_periods.*,
        period_weeks.week_of_period,
        period_weeks.week_start,
        period_weeks.week_end
    from submitter_periods
    inner join period_weeks
        on submitter_periods.period_id = period_weeks.period_id
),

checkpoints as (
    select
        submitter_id,
        submitter_role,
        period_id,
        period_type,
        fiscal_period,
        period_start,
        period_end,
        'week' as checkpoint_type,
        week_of_period,
        week_start,
        week_end as checkpoint_date
    from started_weeks
    union all
    select
        submitter_id,
        submitter_role,
        period_id,
        period_type,
        fiscal_period,
        period_start,
        period_end,
        'mid_period' as checkpoint_type,
        cast(null as integer) as week_of_period,
        cast(null as date) as week_start,
        {{ add_days(
            'period_start', 'cast(floor(' ~ days_between('period_start', 'period_end') ~ ' / 2.0) as integer)'
        ) }} as checkpoint_date
    from submitter_periods
),

ranked_calls as (
    select
        checkpoints.submitter_id,
        checkpoints.submitter_role,
        checkpoints.period_id,
        checkpoints.checkpoint_type,
        checkpoints.checkpoint_date,
        submissions.forecast_category,
        submissions.call_amount,
        submissions.team_id,
        submissions.submitted_at,
        row_number() over (
            partition by
                checkpoints.submitter_id,
                checkpoints.submitter_role,
                checkpoints.period_id,
                checkpoints.checkpoint_type,
                checkpoints.checkpoint_date,
                submissions.forecast_category
            order by submissions.submitted_at desc, submissions.submission_id desc
        ) as call_rank
    from checkpoints
    inner join submissions
        on
            checkpoints.submitter_id = submissions.submitter_id
            and checkpoints.submitter_role = submissions.submitter_role
            and checkpoints.period_type = submissions.period_type
            and checkpoints.fiscal_period = submissions.fiscal_period
            and checkpoints.checkpoint_date >= submissions.submitted_date
),

latest_calls as (
    select
        submitter_id,
        submitter_role,
        period_id,
        checkpoint_type,
        checkpoint_date,
        max(case when forecast_category = 'Commit' then call_amount end) as commit_call_amount,
        max(case when forecast_category = 'Best Case' then call_amount end) as best_case_call_amount,
        max(case when forecast_category = 'Pipeline' then call_amount end) as pipeline_call_amount,
        max(case when forecast_category = 'Commit' then submitted_at end) as commit_submitted_at
    from ranked_calls
    where call_rank = 1
    group by submitter_id, submitter_role, period_id, checkpoint_type, checkpoint_date
),

ranked_teams as (
    -- the team the submitter called for: the team on their latest submission for the period
    select
        submitter_id,
        submitter_role,
        period_id,
        team_id,
        row_number() over (
            partition by submitter_id, submitter_role, period_id
            order by submitted_at desc
        ) as team_rank
    from ranked_calls
    where call_rank = 1
),

period_teams as (
    select
        submitter_id,
        submitter_role,
        period_id,
        team_id
    from ranked_teams
    where team_rank = 1
),

final as (
    select
        checkpoints.submitter_id || '|' || checkpoints.submitter_role || '|' || checkpoints.period_id
        || '|' || coalesce(cast(checkpoints.week_of_period as {{ dbt.type_string() }}), 'mid')
            as forecast_checkpoint_id,
        checkpoints.submitter_id,
        checkpoints.submitter_role,
        period_teams.team_id,
        checkpoints.period_id,
        checkpoints.period_type,
        checkpoints.fiscal_period,
        checkpoints.period_start,
        checkpoints.period_end,
        checkpoints.checkpoint_type,
        checkpoints.week_of_period,
        checkpoints.week_start,
        checkpoints.checkpoint_date,
        latest_calls.commit_call_amount,
        latest_calls.best_case_call_amount,
        latest_calls.pipeline_call_amount,
        latest_calls.commit_submitted_at
    from checkpoints
    left join latest_calls
        on
            checkpoints.submitter_id = latest_calls.submitter_id
            and checkpoints.submitter_role = latest_calls.submitter_role
            and checkpoints.period_id = latest_calls.period_id
            and checkpoints.checkpoint_type = latest_calls.checkpoint_type
            and checkpoints.checkpoint_date = latest_calls.checkpoint_date
    left join period_teams
        on
            checkpoints.submitter_id = period_teams.submitter_id
            and checkpoints.submitter_role = period_teams.submitter_role
            and checkpoints.period_id = period_teams.period_id
)

select * from final
