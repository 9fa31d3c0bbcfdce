{#-
    The open deals a manager should review with their owner this week, one row per deal:
    stalled (stalled_deals), slipped out of the current quarter and still open
    (slipped_deals), past due, without a close date, without an amount or without a next
    step (pipeline_hygiene; no next step only when the CRM has the field at all).
    A deal with several problems is one row naming them all, so coaching_priorities counts
    it once and the manager digest lists it once under its owner. Without an activity feed
    (source_coverage) "no activity for 30 days" cannot be known, so no deal is flagged
    stalled, as the digests and pages leave stalled deals out then.
-#}
with

stalled as (select * from {{ ref('stalled_deals') }}),
slipped as (select * from {{ ref('slipped_deals') }}),
hygiene as (select * from {{ ref('pipeline_hygiene') }}),
quarters as (select * from {{ ref('int_fiscal_quarters_ranked') }}),
coverage as (select * from {{ ref('source_coverage') }}),

current_quarter as (
    select fiscal_period
    from quarters
    where quarters_ago = 0
),

activity_feed as (
    select dataset
    from coverage
    where dataset = 'activities' and is_loaded
),

flags as (
    select
        stalled.rep_id,
        stalled.rep_name,
        stalled.opportunity_id,
        stalled.opportunity_name,
        stalled.amount,
        stalled.close_date,
        'stalled' as flag,
        stalled.days_idle
    from stalled
    cross join activity_feed
    union all
    select
        slipped.rep_id,
        slipped.rep_name,
        slipped.opportunity_id,
        slipped.opportunity_name,
        slipped.amount,
        slipped.current_close_date as close_date,
        'slipped' as flag,
        cast(null as integer) as days_idle
    from slipped
    inner join current_quarter
        on slipped.fiscal_period = current_quarter.fiscal_period
    where slipped.period_type = 'quarter' and not slipped.is_closed_now
    union all
    select
        rep_id,
        rep_name,
        opportunity_id,
        opportunity_name,
        amount,
        close_date,
        problem as flag,
        cast(null as integer) as days_idle
    from hygiene
    where problem in ('no_amount', 'undated', 'past_due', 'no_next_step')
),

deals as (
    select
        rep_id,
        opportunity_id,
        max(rep_name) as rep_name,
        max(opportunity_name) as opportunity_name,
        max(amount) as amount,
        max(close_date) as close_date,
        max(days_idle) as days_idle,
        max(case when flag = 'stalled' then 1 else 0 end) = 1 as is_stalled,
        max(case when flag = 'slipped' then 1 else 0 end) = 1 as is_slipped,
        max(case when flag = 'past_due' then 1 else 0 end) = 1 as is_past_due,
        max(case when flag = 'undated' then 1 else 0 end) = 1 as is_undated,
        max(case when flag = 'no_amount' then 1 else 0 end) = 1 as is_amount_missing,
        max(case when flag = 'no_next_step' then 1 else 0 end) = 1 as is_next_step_missing
    from flags
    group by rep_id, opportunity_id
),

described as (
    select
        *,
        concat_ws(
            ', ',
            case when is_stalled then 'stalled ' || {{ whole_text('days_idle') }} || ' days' end,
            case when is_slipped then 'slipped out of the quarter' end,
            case
                when is_past_due
                    then 'close date ' || cast(close_date as {{ dbt.type_string() }}) || ' passed'
            end,
            case when is_undated then 'no close date' end,
            case when is_amount_missing then 'no amount' end,
            case when is_next_step_missing then 'no next step' end
        ) as problems_text
    from deals
),

final as (
    select
        rep_id || '|' || opportunity_id as coaching_review_deal_id,
        rep_id,
        rep_name,
        opportunity_id,
        opportunity_name,
        case when not is_amount_missing then {{ cents('amount') }} end as amount,
        close_date,
        cast(days_idle as integer) as days_idle,
        is_stalled,
        is_slipped,
        is_past_due,
        is_undated,
        is_amount_missing,
        is_next_step_missing,
        problems_text,
        {{ as_of_date() }} as as_of_date
    from described
)

select * from final
