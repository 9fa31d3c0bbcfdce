{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{% if is_incremental() %}{{ delete_where(this, 'snapshot_date > ' ~ as_of_date()) }}{% else %}select 1{% endif %}"
    )
}}
{#-
    The open pipeline as it stood on each snapshot date: one row per opportunity open at the
    end of that day, with its stage, forecast category, close date, amount and age then,
    rebuilt from the opportunity's history (int_opportunity_states_sequenced), so any past
    week can be seen as it was. Snapshot dates are Mondays (var snapshot_cadence 'weekly',
    the default) or every day ('daily'), from the first opportunity's creation to the as-of
    date. Amounts convert at the rate of the snapshot date (the latest on or before it), so
    a snapshot never changes once its day has passed.

    Incremental: a run only appends the snapshot dates after the latest one already in the
    table, up to the as-of date (and first removes any snapshot after the as-of date, when a
    past day is rebuilt), so it never rewrites existing rows. A full refresh gives the same
    rows.
-#}
{%- set cadence = snapshot_cadence() -%}

with

states as (select * from {{ ref('int_opportunity_states_sequenced') }}),
calendar_days as (select * from {{ ref('int_calendar_days_enriched') }}),
fx_rates_daily as (select * from {{ ref('int_fx_rates_daily') }}),

first_day as (
    select min(created_date) as first_created_date
    from states
),

snapshots_so_far as (
    select
        {% if is_incremental() -%}
            (select max(snapshots_so_far.snapshot_date) from {{ this }} as snapshots_so_far)
        {%- else -%}
            cast(null as date)
        {%- endif %} as last_snapshot_date
),

snapshot_dates as (
    select calendar_days.date_day as snapshot_date
    from calendar_days
    cross join first_day
    cross join snapshots_so_far
    where
        calendar_days.date_day >= first_day.first_created_date
        and calendar_days.date_day <= {{ as_of_date() }}
        and ({{ 'calendar_days.iso_day_of_week = 1' if cadence == 'weekly' else 'true' }})
        and (
            snapshots_so_far.last_snapshot_date is null
            or calendar_days.date_day > snapshots_so_far.last_snapshot_date
        )
),

open_states as (
    select
        snapshot_dates.snapshot_date,
        states.*
    from snapshot_dates
    inner join states
        on
            snapshot_dates.snapshot_date >= states.started_date
            and (states.next_started_date is null or snapshot_dates.snapshot_date < states.next_started_date)
    where not states.is_closed
),

converted as (
    select
        open_states.*,
        fx_rates_daily.rate_to_corporate
    from open_states
    left join fx_rates_daily
        on
            open_states.currency_code = fx_rates_daily.currency_code
            and open_states.snapshot_date = fx_rates_daily.date_day
),

final as (
    select
        opportunity_id || '|' || cast(snapshot_date as {{ dbt.type_string() }}) as pipeline_snapshot_id,
        snapshot_date,
        opportunity_id,
        owner_id,
        stage_name,
        forecast_category,
        probability,
        close_date,
        created_date,
        cast({{ days_between('created_date', 'snapshot_date') }} as integer) as age_days,
        stage_entered_date,
        cast({{ days_between('stage_entered_date', 'snapshot_date') }} as integer) as days_in_stage,
        currency_code,
        local_amount,
        rate_to_corporate as fx_rate_to_corporate,
        {{ cents('cast(local_amount as decimal(38, 10)) * rate_to_corporate') }} as amount,
        {{ cents(
            'cast(local_amount as decimal(38, 10)) * rate_to_corporate * probability * cast(0.01 as decimal(3, 2))'
        ) }} as weighted_amount
    from converted
)

select * from final
