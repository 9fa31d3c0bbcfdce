-- A failure means a team's row in team_performance is not the sum of its reps: for a month,
-- the rep_performance month rows carrying that team; for a quarter or year, the team's own
-- month rows in it. Reps' numbers then disagree with their team's on the pages and emails.
-- (Rows of people placed directly in a region or the company, such as a regional VP, are
-- reconciled by the region and company tests.)
-- Each returned row is a team, period and measure with both figures.
{{ config(meta={'dagster': {'ref': {'name': 'team_performance'}}}) }}
with

team_performance as (select * from {{ ref('team_performance') }}),
rep_performance as (select * from {{ ref('rep_performance') }}),

{% set measures = ['quota_amount', 'bookings_amount', 'overlay_credit_amount', 'won_count', 'lost_count',
                   'lost_amount', 'pipeline_created_amount', 'open_pipeline_amount',
                   'weighted_pipeline_amount', 'open_opportunity_count', 'activity_count'] %}

teams as (
    select *
    from team_performance
    where hierarchy_level = 'team'
),

rep_month_sums as (
    select
        team_id,
        fiscal_period,
        {% for m in measures %}sum({{ m }}) as {{ m }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from rep_performance
    where
        period_type = 'month'
        and team_id in (select team_id from teams)
    group by team_id, fiscal_period
),

team_month_sums as (
    select
        periods.team_id,
        periods.fiscal_period,
        {% for m in measures %}sum(months.{{ m }}) as {{ m }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from teams as periods
    inner join teams as months
        on periods.team_id = months.team_id
        and months.period_type = 'month'
        and months.period_start >= periods.period_start
        and months.period_end <= periods.period_end
    where periods.period_type in ('quarter', 'year')
    group by periods.team_id, periods.fiscal_period
),

expected as (
    select * from rep_month_sums
    union all
    select * from team_month_sums
),

compared as (
    {% for m in measures %}
    select
        coalesce(teams.team_id, expected.team_id) as team_id,
        coalesce(teams.fiscal_period, expected.fiscal_period) as fiscal_period,
        '{{ m }}' as measure,
        cast(teams.{{ m }} as decimal(38, 2)) as team_value,
        cast(expected.{{ m }} as decimal(38, 2)) as sum_value
    from teams
    full outer join expected
        on teams.team_id = expected.team_id
        and teams.fiscal_period = expected.fiscal_period
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select *
from compared
where
    coalesce(team_value, -1) <> coalesce(sum_value, -1)
    or (team_value is null) <> (sum_value is null)
