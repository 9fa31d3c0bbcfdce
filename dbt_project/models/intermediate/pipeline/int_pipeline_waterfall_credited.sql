{#-
    How each rep's pipeline of a fiscal period moved, from the period's start to its end (or
    to the as-of date while it runs). A deal is in a period's pipeline while it is open with
    its close date in the period. Every change of a deal during the period is classified:

    - created: the deal was created into the period's pipeline;
    - moved_in: its close date moved into the period (or it was reopened), valued at the
      amount it came in with;
    - won / lost: it closed with its close date in the period; a deal that closes at once
      from outside the period first moves in, then closes;
    - moved_out: its close date moved out of the period (or it closed with a close date
      outside it), valued at the amount it left with;
    - amount_change: its amount changed while in the pipeline, including the difference
      between a won deal's closing amount and its amount before.

    Every amount is a state's amount x the opportunity's close-date rate x the rep's revenue
    credit share, rounded to cents; each flow adds or removes such a value, so for every row
    start + created + moved_in - won - lost - moved_out + amount_change = end holds exactly
    (tests/pipeline/pipeline_waterfall_balances.sql).
-#}
with

states as (select * from {{ ref('int_opportunity_states_sequenced') }}),
credits as (select * from {{ ref('int_opportunity_credits_split') }}),
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

candidate_pairs as (
    -- a deal can only be in the pipelines of the periods its close dates fall in (found by
    -- the close date's day: int_fiscal_period_days_spined says why)
    select distinct
        states.opportunity_id,
        periods_in_scope.period_id
    from states
    inner join period_days
        on states.close_date = period_days.date_day
    inner join periods_in_scope
        on period_days.period_id = periods_in_scope.period_id
    where states.started_date <= periods_in_scope.window_end
),

windowed as (
    -- the state the deal started the period in, and every state begun during the window
    select
        periods_in_scope.period_id,
        periods_in_scope.period_start,
        periods_in_scope.period_end,
        periods_in_scope.window_end,
        states.*
    from candidate_pairs
    inner join periods_in_scope
        on candidate_pairs.period_id = periods_in_scope.period_id
    inner join states
        on candidate_pairs.opportunity_id = states.opportunity_id
    where
        states.started_date <= periods_in_scope.window_end
        and (
            states.next_started_date is null
            or states.next_started_date >= periods_in_scope.period_start
        )
),

classified as (
    select
        opportunity_id,
        period_id,
        valuation_rate,
        state_sequence,
        is_won,
        coalesce(local_amount, 0) as local_amount,
        coalesce(previous_local_amount, 0) as previous_local_amount,
        started_date < period_start as is_start_state,
        started_date >= period_start as is_window_event,
        next_started_date is null or next_started_date > window_end as is_end_state,
        not is_closed and close_date >= period_start and close_date <= period_end as is_member,
        state_sequence > 1
        and not previous_is_closed
        and previous_close_date >= period_start
        and previous_close_date <= period_end as was_member,
        is_closed
        and not coalesce(previous_is_closed, false)
        and close_date >= period_start
        and close_date <= period_end as closes_in_period
    from windowed
),

movements as (
    select
        opportunity_id,
        period_id,
        valuation_rate,
        'start' as movement,
        local_amount as moved_local_amount,
        1 as direction
    from classified
    where is_start_state and is_member
    union all
    select
        opportunity_id,
        period_id,
        valuation_rate,
        'end' as movement,
        local_amount as moved_local_amount,
        1 as direction
    from classified
    where is_end_state and is_member
    union all
    select
        opportunity_id,
        period_id,
        valuation_rate,
        'created' as movement,
        local_amount as moved_local_amount,
        1 as direction
    from classified
    where is_window_event and state_sequence = 1 and (is_member or closes_in_period)
    union all
    select
        opportunity_id,
        period_id,
        valuation_rate,
        'moved_in' as movement,
        case when closes_in_period then previous_local_amount else local_amount end as moved_local_amount,
        1 as direction
    from classified
    where is_window_event and state_sequence > 1 and not was_member and (is_member or closes_in_period)
    union all
    select
        opportunity_id,
        period_id,
        valuation_rate,
        'won' as movement,
        local_amount as moved_local_amount,
        1 as direction
    from classified
    where is_window_event and closes_in_period and is_won
    union all
    select
        opportunity_id,
        period_id,
        valuation_rate,
        'lost' as movement,
        case when state_sequence = 1 then local_amount else previous_local_amount end as moved_local_amount,
        1 as direction
    from classified
    where is_window_event and closes_in_period and not is_won
    union all
    select
        opportunity_id,
        period_id,
        valuation_rate,
        'moved_out' as movement,
        previous_local_amount as moved_local_amount,
        1 as direction
    from classified
    where is_window_event and was_member and not is_member and not closes_in_period
    union all
    select
        opportunity_id,
        period_id,
        valuation_rate,
        'amount_change' as movement,
        local_amount as moved_local_amount,
        1 as direction
    from classified
    where
        is_window_event
        and ((was_member and is_member) or (closes_in_period and is_won and state_sequence > 1))
    union all
    select
        opportunity_id,
        period_id,
        valuation_rate,
        'amount_change' as movement,
        previous_local_amount as moved_local_amount,
        -1 as direction
    from classified
    where
        is_window_event
        and ((was_member and is_member) or (closes_in_period and is_won and state_sequence > 1))
),

revenue_credits as (
    select
        opportunity_id,
        rep_id,
        credit_share
    from credits
    where credit_type = 'revenue'
),

amounts_to_value as (
    -- each distinct amount of a deal is valued once per credited rep (exact decimals are
    -- costly, and a deal's few amounts recur across periods and movements)
    select distinct
        opportunity_id,
        valuation_rate,
        moved_local_amount
    from movements
),

credited_values as (
    select
        amounts_to_value.opportunity_id,
        amounts_to_value.moved_local_amount,
        revenue_credits.rep_id,
        {{ credited_cents(
            'amounts_to_value.moved_local_amount', 'amounts_to_value.valuation_rate', 'revenue_credits.credit_share'
        ) }} as credited_value
    from amounts_to_value
    inner join revenue_credits
        on amounts_to_value.opportunity_id = revenue_credits.opportunity_id
),

valued as (
    select
        credited_values.rep_id,
        movements.period_id,
        movements.opportunity_id,
        movements.movement,
        movements.direction * credited_values.credited_value as moved_amount
    from movements
    inner join credited_values
        on
            movements.opportunity_id = credited_values.opportunity_id
            and movements.moved_local_amount = credited_values.moved_local_amount
),

by_movement as (
    -- one sum per movement first, so each credited value is computed once
    select
        rep_id,
        period_id,
        movement,
        sum(moved_amount) as moved_amount,
        count(*) as movement_count
    from valued
    group by rep_id, period_id, movement
),

summed as (
    select
        rep_id,
        period_id,
        sum(case when movement = 'start' then moved_amount else 0 end) as start_amount,
        sum(case when movement = 'created' then moved_amount else 0 end) as created_amount,
        sum(case when movement = 'moved_in' then moved_amount else 0 end) as moved_in_amount,
        sum(case when movement = 'won' then moved_amount else 0 end) as won_amount,
        sum(case when movement = 'lost' then moved_amount else 0 end) as lost_amount,
        sum(case when movement = 'moved_out' then moved_amount else 0 end) as moved_out_amount,
        sum(case when movement = 'amount_change' then moved_amount else 0 end) as amount_change,
        sum(case when movement = 'end' then moved_amount else 0 end) as end_amount,
        sum(case when movement = 'start' then movement_count else 0 end) as start_deal_count,
        sum(case when movement = 'end' then movement_count else 0 end) as end_deal_count
    from by_movement
    group by rep_id, period_id
),

final as (
    select
        summed.rep_id || '|' || summed.period_id as rep_period_id,
        summed.rep_id,
        summed.period_id,
        periods_in_scope.period_type,
        periods_in_scope.fiscal_period,
        periods_in_scope.period_start,
        periods_in_scope.period_end,
        periods_in_scope.window_end as window_end_date,
        {{ cents('summed.start_amount') }} as start_amount,
        {{ cents('summed.created_amount') }} as created_amount,
        {{ cents('summed.moved_in_amount') }} as moved_in_amount,
        {{ cents('summed.won_amount') }} as won_amount,
        {{ cents('summed.lost_amount') }} as lost_amount,
        {{ cents('summed.moved_out_amount') }} as moved_out_amount,
        {{ cents('summed.amount_change') }} as amount_change,
        {{ cents('summed.end_amount') }} as end_amount,
        cast(summed.start_deal_count as {{ dbt.type_bigint() }}) as start_deal_count,
        cast(summed.end_deal_count as {{ dbt.type_bigint() }}) as end_deal_count
    from summed
    inner join periods_in_scope
        on summed.period_id = periods_in_scope.period_id
)

select * from final
