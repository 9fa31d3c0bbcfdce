{#-
    Activities per opportunity for each rep and fiscal quarter: the rep's calls, emails and
    meetings linked to an opportunity during the quarter (up to the as-of date), divided by
    the number of distinct opportunities they touched.
-#}
with

activities as (select * from {{ ref('stg_sales_analytics__activities') }}),
calendar_days as (select * from {{ ref('int_calendar_days_enriched') }}),

final as (
    select
        activities.rep_id || '|quarter|' || calendar_days.fiscal_quarter_period as rep_period_id,
        activities.rep_id,
        'quarter|' || calendar_days.fiscal_quarter_period as period_id,
        calendar_days.fiscal_quarter_period as fiscal_period,
        count(*) as opportunity_activity_count,
        count(distinct activities.opportunity_id) as touched_opportunity_count,
        {{ safe_ratio('count(*)', 'count(distinct activities.opportunity_id)') }}
            as activities_per_opportunity
    from activities
    inner join calendar_days
        on activities.activity_date = calendar_days.date_day
    where activities.opportunity_id is not null and activities.activity_date <= {{ as_of_date() }}
    group by activities.rep_id, calendar_days.fiscal_quarter_period
)

select * from final
