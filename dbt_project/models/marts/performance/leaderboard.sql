{#-
    Rankings for every period that has started (period start on or before `as_of_date`).
    Reps with a quota in the period are ranked by attainment, ties broken by bookings (equal on
    both = same rank). Reps without one (a company with no quotas yet, or reps the quota
    workbook leaves out) are ranked on a board of their own by bookings, ties broken by win
    rate: `ranked_by` says which. Three boards each: the whole company, each team, and the
    ramping reps on their own, so new hires are compared with each other as well as with
    everyone. Win rate and deal counts are on every row.

    Overlay specialists (role overlay) carry no number: they form a group of their own
    (`leaderboard_group` overlay, ranked by overlay credit), never ranked against
    quota-carrying reps. Reps who left stay on the boards with `has_left` (their year and past
    periods still count); the current boards of the pages keep `is_active_on_as_of` only.
-#}
with

rep_performance as (select * from {{ ref('rep_performance') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),

company_root as (
    select
        min(team_id) as company_id,
        min(team_name) as company_name
    from teams
    where depth = 0
),

grouped_reps as (
    select
        *,
        case
            when role = 'overlay' then 'overlay'
            when attainment is not null then 'quota'
            else 'no_quota'
        end as leaderboard_group
    from rep_performance
    where period_start <= {{ as_of_date() }}
),

ranked_reps as (
    select
        *,
        case leaderboard_group
            when 'overlay' then 'overlay_credit'
            when 'quota' then 'attainment'
            else 'bookings'
        end as ranked_by
    from grouped_reps
),

{%- set board_order -%}
    order by
        case when ranked_reps.ranked_by = 'attainment' then ranked_reps.attainment end desc nulls last,
        case when ranked_reps.ranked_by = 'overlay_credit' then ranked_reps.overlay_credit_amount end desc nulls last,
        ranked_reps.bookings_amount desc,
        case when ranked_reps.ranked_by = 'bookings' then ranked_reps.win_rate end desc nulls last
{%- endset %}

company_board as (
    select
        'company' as board,
        company_root.company_id as board_id,
        company_root.company_name as board_name,
        ranked_reps.*,
        rank() over (
            partition by ranked_reps.period_type, ranked_reps.fiscal_period, ranked_reps.ranked_by
            {{ board_order }}
        ) as board_rank,
        count(*) over (
            partition by ranked_reps.period_type, ranked_reps.fiscal_period, ranked_reps.ranked_by
        ) as board_size
    from ranked_reps
    cross join company_root
),

team_board as (
    select
        'team' as board,
        ranked_reps.team_id as board_id,
        ranked_reps.team_name as board_name,
        ranked_reps.*,
        rank() over (
            partition by
                ranked_reps.period_type, ranked_reps.fiscal_period, ranked_reps.team_id,
                ranked_reps.ranked_by
            {{ board_order }}
        ) as board_rank,
        count(*) over (
            partition by
                ranked_reps.period_type, ranked_reps.fiscal_period, ranked_reps.team_id,
                ranked_reps.ranked_by
        ) as board_size
    from ranked_reps
),

ramping_board as (
    select
        'ramping' as board,
        'ramping' as board_id,
        'Ramping reps' as board_name,
        ranked_reps.*,
        rank() over (
            partition by ranked_reps.period_type, ranked_reps.fiscal_period, ranked_reps.ranked_by
            {{ board_order }}
        ) as board_rank,
        count(*) over (
            partition by ranked_reps.period_type, ranked_reps.fiscal_period, ranked_reps.ranked_by
        ) as board_size
    from ranked_reps
    where ranked_reps.is_ramping
),

boards as (
    select * from company_board
    union all
    select * from team_board
    union all
    select * from ramping_board
),

final as (
    select
        board || '|' || coalesce(board_id, '') || '|' || period_type || '|' || fiscal_period
        || '|' || rep_id as leaderboard_entry_id,
        board,
        board_id,
        board_name,
        leaderboard_group,
        ranked_by,
        period_type,
        fiscal_period,
        period_start,
        period_end,
        is_current_period,
        rep_id,
        rep_name,
        team_id,
        team_name,
        role,
        is_ramping,
        has_left,
        left_on,
        is_active_on_as_of,
        quota_amount,
        bookings_amount,
        overlay_credit_amount,
        attainment,
        won_count,
        lost_count,
        win_rate,
        cast(board_rank as integer) as board_rank,
        cast(board_size as integer) as board_size,
        as_of_date
    from boards
)

select * from final
