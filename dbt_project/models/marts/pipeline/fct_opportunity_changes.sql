{#-
    Every change of an opportunity's stage, amount, close date or forecast category, with the
    values before and after and when it happened, from the CRM's OpportunityHistory and the
    warehouse's own scd2 versions of the opportunity (int_opportunity_states_sequenced). One
    row per change event; the flags say which of the four fields changed (several can change
    at once). The creation is not a change. Amounts in the corporate currency use the rate
    of the change's date.
-#}
with

states as (select * from {{ ref('int_opportunity_states_sequenced') }}),
fx_rates_daily as (select * from {{ ref('int_fx_rates_daily') }}),

flagged as (
    select
        *,
        {{ is_changed('stage_name', 'previous_stage_name') }} as is_stage_change,
        {{ is_changed('local_amount', 'previous_local_amount') }} as is_amount_change,
        {{ is_changed('close_date', 'previous_close_date') }} as is_close_date_change,
        {{ is_changed('forecast_category', 'previous_forecast_category') }} as is_forecast_category_change
    from states
    where state_sequence > 1
),

changes as (
    select *
    from flagged
    where is_stage_change or is_amount_change or is_close_date_change or is_forecast_category_change
),

converted as (
    select
        changes.*,
        fx_rates_daily.rate_to_corporate as change_rate_to_corporate
    from changes
    left join fx_rates_daily
        on
            changes.currency_code = fx_rates_daily.currency_code
            and changes.started_date = fx_rates_daily.date_day
),

final as (
    select
        opportunity_state_id as opportunity_change_id,
        opportunity_id,
        cast(state_sequence as integer) as change_sequence,
        started_at as changed_at,
        started_date as changed_date,
        state_source as change_source,
        is_stage_change,
        is_amount_change,
        is_close_date_change,
        is_forecast_category_change,
        previous_stage_name,
        stage_name as new_stage_name,
        previous_forecast_category,
        forecast_category as new_forecast_category,
        previous_close_date,
        close_date as new_close_date,
        cast({{ days_between('previous_close_date', 'close_date') }} as integer) as close_date_shift_days,
        close_date > previous_close_date as is_push,
        currency_code,
        previous_local_amount,
        local_amount as new_local_amount,
        change_rate_to_corporate as fx_rate_to_corporate,
        {{ cents('cast(previous_local_amount as decimal(38, 10)) * change_rate_to_corporate') }}
            as previous_amount,
        {{ cents('cast(local_amount as decimal(38, 10)) * change_rate_to_corporate') }} as new_amount,
        {{ cents(
            cents('cast(local_amount as decimal(38, 10)) * change_rate_to_corporate')
            ~ ' - '
            ~ cents('cast(previous_local_amount as decimal(38, 10)) * change_rate_to_corporate')
        ) }} as amount_change
    from converted
)

select * from final
