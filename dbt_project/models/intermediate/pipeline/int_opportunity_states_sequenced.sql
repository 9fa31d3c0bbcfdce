{#-
    The history of every valid opportunity as a sequence of distinct states (stage, amount,
    close date, forecast category, probability), oldest first: states from OpportunityHistory
    and from the scd2 versions are ordered by time (OpportunityHistory first on a tie) and a
    state equal to the one before it is dropped, so each row is a real change. The first
    state starts at the opportunity's creation.

    Each state carries the state before it (`previous_*`), when it started and when the next
    one started, and when the deal entered its current stage. The state of a deal at the end
    of day D is the row with started_date <= D and (next_started_date is null or
    next_started_date > D); a state replaced on the day it started is never an end-of-day
    state. Amounts are in the opportunity's currency; `valuation_rate` is the rate every
    pipeline mart converts them with (the close date's rate, as in fct_opportunities).
-#}
with

states as (select * from {{ ref('int_opportunity_states_unioned') }}),
opportunities as (select * from {{ ref('int_opportunities_validated') }}),
stages as (select * from {{ ref('int_crm_stages_resolved') }}),

ordered as (
    select
        *,
        row_number() over (
            partition by opportunity_id
            order by state_at, source_rank, source_row_id
        ) as raw_sequence
    from states
),

signed as (
    select
        *,
        coalesce(stage_name, '') || '|' || coalesce(cast(local_amount as {{ dbt.type_string() }}), '')
        || '|' || coalesce(cast(close_date as {{ dbt.type_string() }}), '')
        || '|' || coalesce(forecast_category, '')
        || '|' || coalesce(cast(probability as {{ dbt.type_string() }}), '') as state_signature
    from ordered
),

repeat_flagged as (
    select
        *,
        coalesce(
            lag(state_signature) over (partition by opportunity_id order by raw_sequence)
            = state_signature,
            false
        ) as is_repeat
    from signed
),

distinct_states as (
    select
        opportunity_id,
        stage_name,
        local_amount,
        close_date,
        forecast_category,
        probability,
        state_at,
        state_source,
        row_number() over (partition by opportunity_id order by raw_sequence) as state_sequence
    from repeat_flagged
    where not is_repeat
),

with_stage as (
    select
        distinct_states.*,
        stages.stage_order,
        coalesce(cast(stages.is_closed as {{ dbt.type_boolean() }}), false) as is_closed,
        coalesce(cast(stages.is_won as {{ dbt.type_boolean() }}), false) as is_won,
        coalesce(distinct_states.probability, stages.default_probability) as effective_probability
    from distinct_states
    left join stages
        on distinct_states.stage_name = stages.stage_name
),

started as (
    select
        with_stage.*,
        case
            when with_stage.state_sequence = 1 and opportunities.created_at < with_stage.state_at
                then opportunities.created_at
            else with_stage.state_at
        end as started_at
    from with_stage
    inner join opportunities
        on with_stage.opportunity_id = opportunities.opportunity_id
),

linked as (
    select
        *,
        lead(started_at) over (partition by opportunity_id order by state_sequence) as next_started_at,
        lag(stage_name) over (partition by opportunity_id order by state_sequence) as previous_stage_name,
        lag(local_amount) over (partition by opportunity_id order by state_sequence)
            as previous_local_amount,
        lag(close_date) over (partition by opportunity_id order by state_sequence)
            as previous_close_date,
        lag(forecast_category) over (partition by opportunity_id order by state_sequence)
            as previous_forecast_category,
        lag(effective_probability) over (partition by opportunity_id order by state_sequence)
            as previous_probability,
        lag(is_closed) over (partition by opportunity_id order by state_sequence)
            as previous_is_closed,
        lag(is_won) over (partition by opportunity_id order by state_sequence) as previous_is_won
    from started
),

stage_runs as (
    select
        *,
        sum(
            case
                when previous_stage_name is null or previous_stage_name <> stage_name then 1
                else 0
            end
        ) over (
            partition by opportunity_id
            order by state_sequence
            rows between unbounded preceding and current row
        ) as stage_run_number
    from linked
),

stage_entries as (
    select
        *,
        min(started_at) over (partition by opportunity_id, stage_run_number) as stage_entered_at
    from stage_runs
),

final as (
    select
        stage_entries.opportunity_id || '|' || cast(stage_entries.state_sequence as {{ dbt.type_string() }})
            as opportunity_state_id,
        stage_entries.opportunity_id,
        cast(stage_entries.state_sequence as integer) as state_sequence,
        stage_entries.state_source,
        stage_entries.started_at,
        cast(stage_entries.started_at as date) as started_date,
        stage_entries.next_started_at,
        cast(stage_entries.next_started_at as date) as next_started_date,
        stage_entries.next_started_at is null as is_latest_state,
        stage_entries.stage_name,
        cast(stage_entries.stage_order as integer) as stage_order,
        stage_entries.is_closed,
        stage_entries.is_won,
        stage_entries.forecast_category,
        stage_entries.effective_probability as probability,
        stage_entries.close_date,
        stage_entries.local_amount,
        stage_entries.previous_stage_name,
        stage_entries.previous_is_closed,
        stage_entries.previous_is_won,
        stage_entries.previous_forecast_category,
        stage_entries.previous_probability,
        stage_entries.previous_close_date,
        stage_entries.previous_local_amount,
        stage_entries.stage_entered_at,
        cast(stage_entries.stage_entered_at as date) as stage_entered_date,
        opportunities.owner_id,
        opportunities.currency_code,
        opportunities.created_date,
        opportunities.close_rate_to_corporate as valuation_rate
    from stage_entries
    inner join opportunities
        on stage_entries.opportunity_id = opportunities.opportunity_id
)

select * from final
