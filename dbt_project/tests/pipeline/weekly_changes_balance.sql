-- A failure means a row of weekly_changes does not balance: a measure's start plus its
-- causes is not exactly its end (start and end are read from the deals' standings, the
-- causes summed from the deals that changed), so some deal's change was lost, counted twice
-- or valued differently.
{%- set measure_causes = {
    'bookings': ['won', 'lost', 'reopened', 'pushed_out', 'pulled_in', 'amount_increase', 'amount_decrease'],
    'open_pipeline': ['created', 'won', 'lost', 'reopened', 'pushed_out', 'pulled_in', 'amount_increase',
                      'amount_decrease'],
    'commit_pipeline': ['created', 'won', 'lost', 'reopened', 'pushed_out', 'pulled_in', 'category_change',
                        'amount_increase', 'amount_decrease'],
} %}

with

changes as (select * from {{ ref('weekly_changes') }}),

balances as (
    {% for measure, causes in measure_causes.items() %}
        select
            weekly_change_id,
            '{{ measure }}' as measure,
            {{ measure }}_start_amount as start_amount,
            {{ measure }}_end_amount as end_amount,
            {{ measure }}_change_amount as change_amount,
            {{ measure }}_start_amount
            {% for cause in causes %}
                + {{ measure }}_{{ cause }}_amount
            {% endfor %} as balanced_end_amount
        from changes
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    *,
    balanced_end_amount - end_amount as imbalance
from balances
where balanced_end_amount <> end_amount or start_amount + change_amount <> end_amount
