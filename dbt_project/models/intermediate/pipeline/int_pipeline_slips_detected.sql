{#-
    Every deal that was in a fiscal period's pipeline at the period's start (open, close date
    in the period, at the end of the day before it began), and whether it slipped: at the
    period's end (or on the as-of date while the period runs) its close date was no longer
    in the period (doc block kpi_slipped_deal). A deal that closed inside the period
    did not slip; one pushed out and pulled back in did not either. `push_count` counts the
    close-date moves to a later date during the period, `days_slipped` how far the close
    date moved from where it stood at the start.
-#}
with

states as (select * from {{ ref('int_opportunity_states_sequenced') }}),
periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),
period_days as (select * from {{ ref('int_fiscal_period_days_spined') }}),

periods_in_scope as (
    select
        period_id,
        period_type,
        fiscal_period,
        period_start,
        period_end,
        case
            when period_end < {{ as_of_date() }} then period_end
            else {{ as_of_date() }}
        end as window_end
    from periods
    where period_start <= {{ as_of_date() }}
),

start_states as (
    select
        periods_in_scope.*,
        states.opportunity_id,
        states.owner_id,
        states.valuation_rate,
        states.close_date as original_close_date,
        states.stage_name as start_stage_name,
        states.forecast_category as start_forecast_category,
        states.local_amount as start_local_amount
    -- the periods the close date falls in, found by its day (int_fiscal_period_days_spined)
    from states
    inner join period_days
        on states.close_date = period_days.date_day
    inner join periods_in_scope
        on period_days.period_id = periods_in_scope.period_id
    where
        not states.is_closed
        and periods_in_scope.period_start > states.started_date
        and (
            states.next_started_date is null
            or periods_in_scope.period_start <= states.next_started_date
        )
),

end_states as (
    select
        start_states.opportunity_id,
        start_states.period_id,
        states.close_date as end_close_date,
        states.stage_name as end_stage_name,
        states.is_closed as end_is_closed,
        states.is_won as end_is_won,
        states.local_amount as end_local_amount
    from start_states
    inner join states
        on
            start_states.opportunity_id = states.opportunity_id
            and start_states.window_end >= states.started_date
            and (states.next_started_date is null or start_states.window_end < states.next_started_date)
),

pushes as (
    select
        start_states.opportunity_id,
        start_states.period_id,
        count(*) as push_count
    from start_states
    inner join states
        on
            start_states.opportunity_id = states.opportunity_id
            and start_states.period_start <= states.started_date
            and start_states.window_end >= states.started_date
            and states.close_date > states.previous_close_date
    group by start_states.opportunity_id, start_states.period_id
),

final as (
    select
        start_states.opportunity_id || '|' || start_states.period_id as opportunity_period_id,
        start_states.opportunity_id,
        start_states.owner_id,
        start_states.period_id,
        start_states.period_type,
        start_states.fiscal_period,
        start_states.period_start,
        start_states.period_end,
        start_states.window_end as window_end_date,
        start_states.valuation_rate,
        start_states.original_close_date,
        start_states.start_stage_name,
        start_states.start_forecast_category,
        start_states.start_local_amount,
        end_states.end_close_date,
        end_states.end_stage_name,
        end_states.end_is_closed,
        end_states.end_is_won,
        end_states.end_local_amount,
        cast(coalesce(pushes.push_count, 0) as integer) as push_count,
        (
            end_states.end_close_date < start_states.period_start
            or end_states.end_close_date > start_states.period_end
        ) as is_slipped,
        cast({{ days_between('start_states.original_close_date', 'end_states.end_close_date') }} as integer)
            as days_slipped
    from start_states
    inner join end_states
        on
            start_states.opportunity_id = end_states.opportunity_id
            and start_states.period_id = end_states.period_id
    left join pushes
        on
            start_states.opportunity_id = pushes.opportunity_id
            and start_states.period_id = pushes.period_id
)

select * from final
