{#-
    Rankings by attainment for every period that has started (period start on or before
    `as_of_date`), ties broken by bookings (equal on both = same rank). Three boards: the
    whole company, each team, and the ramping reps on their own, so new hires are compared
    with each other as well as with everyone. Reps without a quota (null attainment) are not
    ranked.
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

ranked_reps as (
    select *
    from rep_performance
    where attainment is not null and period_start <= {{ as_of_date() }}
),

company_board as (
    select
        'company' as board,
        company_root.company_id as board_id,
        company_root.company_name as board_name,
        ranked_reps.*,
        ranked_reps.rank_in_company as board_rank,
        count(*) over (partition by ranked_reps.period_type, ranked_reps.fiscal_period)
            as board_size
    from ranked_reps
    cross join company_root
),

team_board as (
    select
        'team' as board,
        ranked_reps.team_id as board_id,
        ranked_reps.team_name as board_name,
        ranked_reps.*,
        ranked_reps.rank_in_team as board_rank,
        count(*)
            over (partition by ranked_reps.period_type, ranked_reps.fiscal_period, ranked_reps.team_id)
            as board_size
    from ranked_reps
),

ramping_board as (
    select
        'ramping' as board,
        'ramping' as board_id,
        'Ramping reps' as board_name,
        ranked_reps.*,
        rank() over (
            partition by ranked_reps.period_type, ranked_reps.fiscal_period
            order by ranked_reps.attainment desc, ranked_reps.bookings_amount desc
        ) as board_rank,
        count(*) over (partition by ranked_reps.period_type, ranked_reps.fiscal_period) as board_size
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
        period_type,
        fiscal_period,
        period_start,
        period_end,
        is_current_period,
        rep_id,
        rep_name,
        team_id,
        team_name,
        is_ramping,
        quota_amount,
        bookings_amount,
        attainment,
        cast(board_rank as integer) as board_rank,
        cast(board_size as integer) as board_size,
        as_of_date
    from boards
)

select * from final
