{#-
    Achievements worth celebrating, each with the period it was earned in and the day:
    - first_win: the rep's first closed-won deal (revenue credit);
    - club_100_month / club_100_quarter: bookings reached 100% of a positive quota in a fiscal
      month / quarter, earned on the day cumulative bookings crossed the quota;
    - three_month_streak: three consecutive fiscal months at or above 100%, earned once per
      streak, in its third month;
    - biggest_deal_quarter: the largest won opportunity (corporate currency) of the quarter
      in the team, to each rep credited with it in that team (ties: all of them).
    Only deals closed on or before `as_of_date` count.
-#}
with

credits as (select * from {{ ref('int_opportunity_credits_dated') }}),
opportunities as (select * from {{ ref('int_opportunities_validated') }}),
rep_months as (select * from {{ ref('int_rep_months_aggregated') }}),
month_periods as (select * from {{ ref('int_fiscal_month_periods_mapped') }}),
periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),
rep_performance as (select * from {{ ref('rep_performance') }}),

won_credits as (
    select *
    from credits
    where credit_type = 'revenue' and is_won and is_closed_as_of
),

first_win_ranked as (
    select
        rep_id,
        opportunity_id,
        close_date,
        close_month_start,
        credited_amount,
        row_number() over (partition by rep_id order by close_date, opportunity_id) as win_rank
    from won_credits
),

first_wins as (
    select
        first_win_ranked.rep_id,
        'first_win' as badge_type,
        'First win' as badge_name,
        month_periods.period_id,
        first_win_ranked.close_date as earned_date,
        first_win_ranked.opportunity_id,
        first_win_ranked.credited_amount as amount,
        cast(null as {{ type_double() }}) as attainment
    from first_win_ranked
    inner join month_periods
        on
            first_win_ranked.close_month_start = month_periods.fiscal_month_start
            and month_periods.period_type = 'month'
    where first_win_ranked.win_rank = 1
),

daily_bookings as (
    select
        rep_id,
        close_date,
        close_month_start,
        sum(credited_amount) as bookings_amount
    from won_credits
    group by rep_id, close_date, close_month_start
),

club_periods as (
    select *
    from rep_performance
    where period_type in ('month', 'quarter') and attainment >= 1
),

club_cumulative as (
    select
        club_periods.rep_id,
        club_periods.period_type,
        club_periods.fiscal_period,
        club_periods.period_start,
        club_periods.quota_amount,
        club_periods.bookings_amount as period_bookings_amount,
        club_periods.attainment,
        daily_bookings.close_date,
        sum(daily_bookings.bookings_amount) over (
            partition by club_periods.rep_id, club_periods.period_type, club_periods.fiscal_period
            order by daily_bookings.close_date
            rows between unbounded preceding and current row
        ) as cumulative_bookings_amount
    from club_periods
    inner join daily_bookings
        on
            club_periods.rep_id = daily_bookings.rep_id
            and club_periods.period_start <= daily_bookings.close_date
            and club_periods.period_end >= daily_bookings.close_date
),

club_crossings as (
    select
        rep_id,
        period_type,
        fiscal_period,
        period_start,
        period_bookings_amount,
        attainment,
        min(close_date) as earned_date
    from club_cumulative
    where cumulative_bookings_amount >= quota_amount
    group by rep_id, period_type, fiscal_period, period_start, period_bookings_amount, attainment
),

club_badges as (
    select
        rep_id,
        'club_100_' || period_type as badge_type,
        case when period_type = 'month' then '100% club (month)' else '100% club (quarter)' end
            as badge_name,
        period_type || '|' || fiscal_period as period_id,
        earned_date,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        period_bookings_amount as amount,
        attainment
    from club_crossings
),

club_months as (
    select
        club_crossings.*,
        cast(extract(year from club_crossings.period_start) as integer) * 12
        + cast(extract(month from club_crossings.period_start) as integer) as month_index
    from club_crossings
    where club_crossings.period_type = 'month'
),

club_month_streaks as (
    select
        *,
        month_index - row_number() over (partition by rep_id order by month_index) as streak_id
    from club_months
),

club_month_streak_positions as (
    select
        *,
        row_number() over (partition by rep_id, streak_id order by month_index) as streak_position
    from club_month_streaks
),

streak_badges as (
    select
        rep_id,
        'three_month_streak' as badge_type,
        'Three months at 100%' as badge_name,
        'month|' || fiscal_period as period_id,
        earned_date,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        period_bookings_amount as amount,
        attainment
    from club_month_streak_positions
    where streak_position = 3
),

team_quarter_deals as (
    select
        won_credits.rep_id,
        won_credits.opportunity_id,
        won_credits.close_date,
        rep_months.team_id,
        month_periods.period_id,
        {{ cents('opportunities.opportunity_amount') }} as deal_amount
    from won_credits
    inner join opportunities
        on won_credits.opportunity_id = opportunities.opportunity_id
    inner join rep_months
        on
            won_credits.rep_id = rep_months.rep_id
            and won_credits.close_month_start = rep_months.fiscal_month_start
    inner join month_periods
        on
            won_credits.close_month_start = month_periods.fiscal_month_start
            and month_periods.period_type = 'quarter'
),

team_quarter_ranked as (
    select
        *,
        rank() over (partition by team_id, period_id order by deal_amount desc) as deal_rank
    from team_quarter_deals
),

deal_badges as (
    select
        rep_id,
        'biggest_deal_quarter' as badge_type,
        'Biggest deal of the quarter in the team' as badge_name,
        period_id,
        close_date as earned_date,
        opportunity_id,
        deal_amount as amount,
        cast(null as {{ type_double() }}) as attainment
    from team_quarter_ranked
    where deal_rank = 1
),

badges as (
    select * from first_wins
    union all
    select * from club_badges
    union all
    select * from streak_badges
    union all
    select * from deal_badges
),

final as (
    select
        badges.rep_id || '|' || badges.badge_type || '|' || badges.period_id
        || coalesce('|' || badges.opportunity_id, '') as badge_id,
        badges.rep_id,
        rep_names.rep_name,
        rep_names.team_id,
        rep_names.team_name,
        badges.badge_type,
        badges.badge_name,
        periods.period_type,
        periods.fiscal_period,
        periods.period_start,
        periods.period_end,
        badges.earned_date,
        badges.opportunity_id,
        {{ cents('badges.amount') }} as amount,
        badges.attainment
    from badges
    inner join periods
        on badges.period_id = periods.period_id
    left join rep_performance as rep_names
        on
            badges.rep_id = rep_names.rep_id
            and badges.period_id = rep_names.period_type || '|' || rep_names.fiscal_period
)

select * from final
