{#-
    Every valid opportunity as it stood at the end of the as-of date: the state it was in
    then (so any past day is rebuilt exactly, whatever changed after it), whether it was
    open, its age, how long it had been in its stage, and its amount in the corporate
    currency at the opportunity's close-date rate (as fct_opportunities values it). Deals
    created after the as-of date are not here.

    An open deal whose amount was blank counts with amount 0 (`is_amount_missing`); one whose
    close date was blank (`undated`) or before the as-of date (`past_due`) is pipeline of the
    current period: its `pipeline_close_date` is the as-of date.
-#}
with

states as (select * from {{ ref('int_opportunity_states_sequenced') }}),

at_as_of as (
    select *
    from states
    where
        started_date <= {{ as_of_date() }}
        and (next_started_date is null or next_started_date > {{ as_of_date() }})
),

final as (
    select
        opportunity_id,
        opportunity_state_id,
        owner_id,
        stage_name,
        stage_order,
        forecast_category,
        probability,
        is_closed,
        is_won,
        not is_closed as is_open,
        close_date,
        {{ close_date_status('is_closed', 'close_date') }} as close_date_status,
        {{ pipeline_close_date('is_closed', 'close_date') }} as pipeline_close_date,
        created_date,
        stage_entered_date,
        started_date as last_change_date,
        currency_code,
        case when not is_closed then coalesce(local_amount, 0) else local_amount end as local_amount,
        local_amount is null as is_amount_missing,
        valuation_rate,
        {{ full_precision(
            'cast(case when not is_closed then coalesce(local_amount, 0) else local_amount end'
            ~ ' as decimal(38, 10)) * valuation_rate'
        ) }} as opportunity_amount,
        cast({{ days_between('created_date', as_of_date()) }} as integer) as age_days,
        cast({{ days_between('stage_entered_date', as_of_date()) }} as integer) as days_in_stage
    from at_as_of
)

select * from final
