-- A failure means a node of team_pacing does not add up: the company's bookings to date,
-- expected bookings or counted reps differ from the sum of every rep_pacing row of the same
-- period, or the company counts a different number of teams behind pace than the team rows
-- say. Each returned row is a period with both figures.
{{ config(meta={'dagster': {'ref': {'name': 'team_pacing'}}}) }}
with

rep_pacing as (select * from {{ ref('rep_pacing') }}),
team_pacing as (select * from {{ ref('team_pacing') }}),

reps as (
    select
        fiscal_period,
        sum(bookings_to_date_amount) as bookings_to_date_amount,
        sum(expected_to_date_amount) as expected_to_date_amount,
        count(case when is_counted_in_attainment then 1 end) as counted_rep_count
    from rep_pacing
    group by fiscal_period
),

teams as (
    select
        fiscal_period,
        count(case when bookings_to_date_amount < expected_to_date_amount then 1 end)
            as behind_pace_team_count
    from team_pacing
    where hierarchy_level = 'team'
    group by fiscal_period
),

company as (
    select *
    from team_pacing
    where hierarchy_level = 'company'
)

select
    reps.fiscal_period,
    reps.bookings_to_date_amount,
    company.bookings_to_date_amount as company_bookings_to_date_amount,
    reps.expected_to_date_amount,
    company.expected_to_date_amount as company_expected_to_date_amount,
    reps.counted_rep_count,
    company.counted_rep_count as company_counted_rep_count,
    teams.behind_pace_team_count,
    company.behind_pace_team_count as company_behind_pace_team_count
from reps
left join company
    on reps.fiscal_period = company.fiscal_period
left join teams
    on reps.fiscal_period = teams.fiscal_period
where
    company.team_id is null
    or reps.bookings_to_date_amount <> company.bookings_to_date_amount
    or reps.expected_to_date_amount <> company.expected_to_date_amount
    or reps.counted_rep_count <> company.counted_rep_count
    or coalesce(teams.behind_pace_team_count, 0) <> company.behind_pace_team_count
