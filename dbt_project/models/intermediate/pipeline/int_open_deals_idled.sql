{#-
    How long each deal open at the end of the as-of date has been idle: the days since the
    later of its last stage change (entering its current stage; its creation if it never
    changed stage) and its last activity (a call, email or meeting linked to it, on or
    before the as-of date). It is stalled when idle for `stalled_after_days` days or more
    (doc block kpi_stalled_deal: open, no stage change and no activity for that long).
-#}
{%- set stalled_days = stalled_after_days() -%}

with

pinned as (select * from {{ ref('int_opportunity_states_pinned') }}),
activities as (select * from {{ ref('stg_sales_analytics__activities') }}),

last_activities as (
    select
        opportunity_id,
        max(activity_date) as last_activity_date,
        count(*) as activity_count
    from activities
    where opportunity_id is not null and activity_date <= {{ as_of_date() }}
    group by opportunity_id
),

touched as (
    select
        pinned.*,
        last_activities.last_activity_date,
        coalesce(last_activities.activity_count, 0) as activity_count,
        case
            when last_activities.last_activity_date > pinned.stage_entered_date
                then last_activities.last_activity_date
            else pinned.stage_entered_date
        end as last_touch_date
    from pinned
    left join last_activities
        on pinned.opportunity_id = last_activities.opportunity_id
    where pinned.is_open
),

final as (
    select
        opportunity_id,
        owner_id,
        stage_name,
        forecast_category,
        close_date,
        created_date,
        age_days,
        days_in_stage,
        currency_code,
        local_amount,
        opportunity_amount,
        stage_entered_date as last_stage_change_date,
        last_activity_date,
        cast(activity_count as {{ dbt.type_bigint() }}) as activity_count,
        last_touch_date,
        cast({{ days_between('last_touch_date', as_of_date()) }} as integer) as days_idle,
        {{ days_between('last_touch_date', as_of_date()) }} >= {{ stalled_days }} as is_stalled
    from touched
)

select * from final
