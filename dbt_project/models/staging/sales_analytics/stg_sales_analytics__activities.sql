{#-
    A table, not a view like the other staging models: activities are by far the largest raw
    table (millions of rows), several models and tests read them, and a view would repeat the
    deduplication for each of them.

    Incremental, because a day's run adds one day of events to years of them. The rebuild
    rule: a run re-ranks every id that the loads since the last build delivered, over all of
    that id's raw rows (not only the new ones), and replaces those ids' rows (delete+insert
    on activity_id). The raw table is append-only, so an id no new load touched keeps its
    row, and the result equals a full rebuild of the same raw table; a test builds both and
    compares them. On Spark's Parquet tables, which cannot delete rows, the model is rebuilt
    in full (macro replaceable_incremental). A table built before `dlt_load_id` was kept gets
    the column, empty, so its first incremental build re-ranks every id.
    `dbt build --full-refresh` rebuilds all.
-#}
{{
    config(
        materialized=replaceable_incremental(),
        unique_key='activity_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns'
    )
}}

with

source as (select * from {{ source('sales_analytics', 'activities') }}),

delivered as (
    -- every raw row of the ids the loads since the last build delivered (all rows on a full build)
    select source.*
    from source
    {%- if is_incremental() and 'dlt_load_id' in adapter.get_columns_in_relation(this)
        | map(attribute='name') | map('lower') | list %}
        where cast(source.id as {{ dbt.type_string() }}) in (
            select cast(since_last_build.id as {{ dbt.type_string() }})
            from source as since_last_build
            where since_last_build._dlt_load_id > (
                select coalesce(max(built.dlt_load_id), '') from {{ this }} as built
            )
        )
    {%- endif %}
),

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
    from delivered
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
        source_file,
        dlt_load_id
    from ranked
    where version_rank = 1
),

final as (select * from deduplicated)

select * from final
