{#-
    A table, not a view like the other staging models: activities are by far the largest raw
    table (millions of rows), several models and tests read them, and a view would repeat the
    deduplication for each of them.
-#}
{{ config(materialized='table') }}

with

source as (select * from {{ source('sales_analytics', 'activities') }}),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as activity_id,
        lower(trim(type)) as activity_type,
        cast(user_id as {{ dbt.type_string() }}) as rep_id,
        cast(opportunity_id as {{ dbt.type_string() }}) as opportunity_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        {{ utc_timestamp('timestamp') }} as activity_at,
        {{ utc_date('timestamp') }} as activity_date,
        cast(duration_seconds as {{ dbt.type_bigint() }}) as duration_seconds,
        lower(trim(direction)) as direction,
        lower(trim(outcome)) as outcome,
        source_file,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from source
),

ranked as (
    -- the table is append-only: an event delivered twice keeps the version of the latest
    -- day file (paths sort by day), then of the latest load (a corrected file read again);
    -- the load reports an id whose versions differ
    select
        *,
        row_number() over (
            partition by activity_id
            order by source_file desc, dlt_load_id desc, dlt_id asc
        ) as version_rank
    from renamed
),

deduplicated as (
    select
        activity_id,
        activity_type,
        rep_id,
        opportunity_id,
        account_id,
        activity_at,
        activity_date,
        duration_seconds,
        direction,
        outcome,
        source_file
    from ranked
    where version_rank = 1
),

final as (select * from deduplicated)

select * from final
