{#-
    Every valid opportunity as it stood at the end of the as-of date: the state it was in
    then (so any past day is rebuilt exactly, whatever changed after it), whether it was
    open, its age, how long it had been in its stage, and its amount in the corporate
    currency at the opportunity's close-date rate (as fct_opportunities values it). Deals
    created after the as-of date are not here.
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
        created_date,
        stage_entered_date,
        started_date as last_change_date,
        currency_code,
        local_amount,
        valuation_rate,
        {{ full_precision('cast(local_amount as decimal(38, 10)) * valuation_rate') }} as opportunity_amount,
        cast({{ days_between('created_date', as_of_date()) }} as integer) as age_days,
        cast({{ days_between('stage_entered_date', as_of_date()) }} as integer) as days_in_stage
    from at_as_of
)

select * from final
