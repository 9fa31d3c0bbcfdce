{#-
    One row per sales activity (call, email, meeting) from the sales analytics events, with
    the rep's team on the activity's day.
-#}
with

activities as (select * from {{ ref('stg_sales_analytics__activities') }}),
rep_versions as (select * from {{ ref('int_rep_versions_segmented') }}),

with_team as (
    select
        activities.*,
        rep_versions.team_id
    from activities
    left join rep_versions
        on
            activities.rep_id = rep_versions.rep_id
            and activities.activity_date >= rep_versions.valid_from
            and activities.activity_date <= coalesce(rep_versions.valid_to, cast('9999-12-31' as date))
),

final as (
    select
        activity_id,
        rep_id,
        team_id,
        opportunity_id,
        account_id,
        activity_type,
        activity_at,
        activity_date,
        duration_seconds,
        direction,
        outcome,
        source_file
    from with_team
)

select * from final
