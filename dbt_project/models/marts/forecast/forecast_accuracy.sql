{#-
    How far each submitter's forecast calls can be trusted: per submitter (rep or manager),
    fiscal period and week of the period, their latest Commit and Best Case call at the end
    of that week (int_forecast_calls_carried) against the actual bookings of the period
    (doc blocks kpi_forecast_accuracy and kpi_forecast_bias):
    accuracy = max(0, 1 - |actual - call| / actual), bias = (call - actual) / actual,
    both null when the actual is zero (never an error or infinite). A rep
    calls their own credited bookings (rep_performance); a manager the bookings of the node
    they carry (team_performance: their team, region or the company). The actual is known
    once the period has ended on the as-of date; before that it is null.

    Trailing accuracy and bias judge the submitter's mid-period Commit call over their last
    four ended periods; the label they earn (calls low, calls high, balanced) is kept out of
    the public marts, in marts_restricted.forecast_tendencies.
-#}
with

calls as (select * from {{ ref('int_forecast_calls_carried') }}),
rep_performance as (select * from {{ ref('rep_performance') }}),
team_performance as (select * from {{ ref('team_performance') }}),
reps as (select * from {{ ref('dim_rep') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),

with_actuals as (
    select
        calls.*,
        calls.period_end <= {{ as_of_date() }} as is_period_closed,
        case
            when calls.period_end <= {{ as_of_date() }}
                then coalesce(
                    case
                        when calls.submitter_role = 'manager' then team_performance.bookings_amount
                        else rep_performance.bookings_amount
                    end,
                    0
                )
        end as actual_amount
    from calls
    -- Equality joins only, each to at most one row (one per rep or node and period); the case
    -- above picks the manager's node or the rep. A role test in these conditions made DuckDB
    -- join by nested loops, quadratic in the calls: 15 s at 1,000 reps, 323 s at 5,000.
    left join rep_performance
        on
            calls.submitter_id = rep_performance.rep_id
            and calls.period_type = rep_performance.period_type
            and calls.fiscal_period = rep_performance.fiscal_period
    left join team_performance
        on
            calls.team_id = team_performance.team_id
            and calls.period_type = team_performance.period_type
            and calls.fiscal_period = team_performance.fiscal_period
),

scored as (
    select
        *,
        case
            when actual_amount > 0 and commit_call_amount is not null
                then greatest(0, 1 - {{ divide('abs(actual_amount - commit_call_amount)', 'actual_amount') }})
        end as commit_accuracy,
        {{ safe_ratio('commit_call_amount - actual_amount', 'actual_amount') }} as commit_bias,
        case
            when actual_amount > 0 and best_case_call_amount is not null
                then greatest(0, 1 - {{ divide('abs(actual_amount - best_case_call_amount)', 'actual_amount') }})
        end as best_case_accuracy,
        {{ safe_ratio('best_case_call_amount - actual_amount', 'actual_amount') }} as best_case_bias
    from with_actuals
),

mid_period_calls as (
    select
        submitter_id,
        submitter_role,
        commit_accuracy,
        commit_bias,
        row_number() over (
            partition by submitter_id, submitter_role, period_type
            order by period_end desc
        ) as recency_rank,
        period_type
    from scored
    where checkpoint_type = 'mid_period' and is_period_closed and commit_accuracy is not null
),

trailing_results as (
    select
        submitter_id,
        submitter_role,
        period_type,
        count(*) as trailing_period_count,
        -- averaged as decimals: a sum of doubles depends on the order it is added in
        cast({{ avg_of_decimal('cast(commit_accuracy as decimal(38, 12))') }} as {{ type_double() }})
            as trailing_accuracy,
        cast({{ avg_of_decimal('cast(commit_bias as decimal(38, 12))') }} as {{ type_double() }}) as trailing_bias
    from mid_period_calls
    where recency_rank <= 4
    group by submitter_id, submitter_role, period_type
),

final as (
    select
        scored.forecast_checkpoint_id as forecast_accuracy_id,
        scored.submitter_id,
        reps.rep_name as submitter_name,
        scored.submitter_role,
        scored.team_id,
        teams.team_name,
        scored.period_type,
        scored.fiscal_period,
        scored.period_start,
        scored.period_end,
        scored.is_period_closed,
        scored.week_of_period,
        scored.week_start,
        scored.checkpoint_date as week_end,
        {{ cents('scored.commit_call_amount') }} as commit_call_amount,
        {{ cents('scored.best_case_call_amount') }} as best_case_call_amount,
        {{ cents('scored.pipeline_call_amount') }} as pipeline_call_amount,
        {{ cents('scored.actual_amount') }} as actual_amount,
        cast(scored.commit_accuracy as {{ type_double() }}) as commit_accuracy,
        cast(scored.commit_bias as {{ type_double() }}) as commit_bias,
        cast(scored.best_case_accuracy as {{ type_double() }}) as best_case_accuracy,
        cast(scored.best_case_bias as {{ type_double() }}) as best_case_bias,
        cast(coalesce(trailing_results.trailing_period_count, 0) as integer) as trailing_period_count,
        cast(trailing_results.trailing_accuracy as {{ type_double() }}) as trailing_accuracy,
        cast(trailing_results.trailing_bias as {{ type_double() }}) as trailing_bias,
        {{ as_of_date() }} as as_of_date
    from scored
    left join trailing_results
        on
            scored.submitter_id = trailing_results.submitter_id
            and scored.submitter_role = trailing_results.submitter_role
            and scored.period_type = trailing_results.period_type
    left join reps
        on
            scored.submitter_id = reps.rep_id
            and reps.is_current
    left join teams
        on scored.team_id = teams.team_id
    where scored.checkpoint_type = 'week'
)

select * from final
