-- A failure means the deals weekly_change_deals names behind a cause do not add up to that
-- cause's amount in weekly_changes (or name a cause weekly_changes has no column for), so a
-- page listing the deals behind a number would not explain it.
{{ config(meta={'dagster': {'ref': {'name': 'weekly_change_deals'}}}) }}
{%- set measure_causes = {
    'bookings': ['won', 'lost', 'reopened', 'pushed_out', 'pulled_in', 'amount_increase', 'amount_decrease'],
    'open_pipeline': ['created', 'won', 'lost', 'reopened', 'pushed_out', 'pulled_in', 'amount_increase',
                      'amount_decrease'],
    'commit_pipeline': ['created', 'won', 'lost', 'reopened', 'pushed_out', 'pulled_in', 'category_change',
                        'amount_increase', 'amount_decrease'],
} %}

with

deals as (select * from {{ ref('weekly_change_deals') }}),
changes as (select * from {{ ref('weekly_changes') }}),

deal_sums as (
    select
        team_id,
        fiscal_period,
        week_of_period,
        measure,
        change_cause,
        sum(change_amount) as deal_change_amount
    from deals
    group by team_id, fiscal_period, week_of_period, measure, change_cause
),

cause_amounts as (
    {% for measure, causes in measure_causes.items() %}
        {% set outer_loop = loop %}
        {% for cause in causes %}
            select
                team_id,
                fiscal_period,
                week_of_period,
                '{{ measure }}' as measure,
                '{{ cause }}' as change_cause,
                {{ measure }}_{{ cause }}_amount as cause_amount
            from changes
            {% if not (loop.last and outer_loop.last) %}union all{% endif %}
        {% endfor %}
    {% endfor %}
)

select
    coalesce(deal_sums.team_id, cause_amounts.team_id) as team_id,
    coalesce(deal_sums.fiscal_period, cause_amounts.fiscal_period) as fiscal_period,
    coalesce(deal_sums.week_of_period, cause_amounts.week_of_period) as week_of_period,
    coalesce(deal_sums.measure, cause_amounts.measure) as measure,
    coalesce(deal_sums.change_cause, cause_amounts.change_cause) as change_cause,
    deal_sums.deal_change_amount,
    cause_amounts.cause_amount
from deal_sums
full outer join cause_amounts
    on
        deal_sums.team_id = cause_amounts.team_id
        and deal_sums.fiscal_period = cause_amounts.fiscal_period
        and deal_sums.week_of_period = cause_amounts.week_of_period
        and deal_sums.measure = cause_amounts.measure
        and deal_sums.change_cause = cause_amounts.change_cause
where
    coalesce(deal_sums.deal_change_amount, 0) <> coalesce(cause_amounts.cause_amount, 0)
    or cause_amounts.cause_amount is null
