{#-
    Each open stage each opportunity entered (its first entry into that stage), and what
    became of the deal after it, as known at the end of the as-of date:
    - advanced: it later reached a later open stage or was won (skipping a stage counts:
      "reached the next stage or beyond");
    - lost: it did not advance and was closed lost;
    - open: it is still open and has not advanced (undecided).
    And whether the deal was eventually won or lost, for the win rate from each stage.
-#}
with

states as (select * from {{ ref('int_opportunity_states_sequenced') }}),

known_states as (
    select *
    from states
    where started_date <= {{ as_of_date() }}
),

progressed as (
    select
        *,
        max(case when not is_closed or is_won then stage_order end) over (
            partition by opportunity_id
            order by state_sequence
            rows between 1 following and unbounded following
        ) as later_max_stage_order
    from known_states
),

entries as (
    select
        *,
        row_number() over (
            partition by opportunity_id, stage_name
            order by state_sequence
        ) as entry_rank
    from progressed
    where
        not is_closed
        and (previous_stage_name is null or previous_stage_name <> stage_name)
),

latest_states as (
    select
        opportunity_id,
        is_closed,
        is_won
    from known_states
    where next_started_date is null or next_started_date > {{ as_of_date() }}
),

final as (
    select
        entries.opportunity_id || '|' || entries.stage_name as stage_entry_id,
        entries.opportunity_id,
        entries.stage_name,
        entries.stage_order,
        entries.started_at as entered_at,
        entries.started_date as entered_date,
        case
            when entries.later_max_stage_order > entries.stage_order then 'advanced'
            when latest_states.is_closed and not latest_states.is_won then 'lost'
            else 'open'
        end as outcome,
        latest_states.is_closed and latest_states.is_won as is_won_eventually,
        latest_states.is_closed and not latest_states.is_won as is_lost_eventually
    from entries
    inner join latest_states
        on entries.opportunity_id = latest_states.opportunity_id
    where entries.entry_rank = 1
)

select * from final
