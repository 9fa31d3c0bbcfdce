-- A failure means a node's forecast roll-up in forecast_calls is not the sum of the calls
-- shown one level down (a region's teams, the company's regions), or the call shown is
-- neither the owner's call nor, without one, the roll-up: a leader would quote a number
-- that counts deals twice or drops a child. A node where a rep placed directly in it called
-- (their call is in the roll-up too) is compared only on the call shown.
{{ config(meta={'dagster': {'ref': {'name': 'forecast_calls'}}}) }}
with

calls as (select * from {{ ref('forecast_calls') }}),

children as (
    select
        parent_team_id as team_id,
        period_type,
        fiscal_period,
        week_of_period,
        forecast_category,
        sum(call_amount) as child_call_amount,
        count(call_amount) as child_called_count
    from calls
    where parent_team_id is not null
    group by parent_team_id, period_type, fiscal_period, week_of_period, forecast_category
),

compared as (
    select
        calls.forecast_call_id,
        calls.owner_call_amount,
        calls.roll_up_amount,
        calls.call_amount,
        calls.call_source,
        children.child_call_amount,
        calls.roll_up_called_count,
        children.child_called_count
    from calls
    left join children
        on
            calls.team_id = children.team_id
            and calls.period_type = children.period_type
            and calls.fiscal_period = children.fiscal_period
            and calls.week_of_period = children.week_of_period
            and calls.forecast_category = children.forecast_category
)

select *
from compared
where
    (
        child_called_count is not null
        and roll_up_called_count = child_called_count
        and roll_up_amount is distinct from child_call_amount
    )
    or call_amount is distinct from coalesce(owner_call_amount, roll_up_amount)
    or (call_source = 'owner') <> (owner_call_amount is not null)
