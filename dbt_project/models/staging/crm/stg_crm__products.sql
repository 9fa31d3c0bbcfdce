with

source as (select * from {{ crm_source('product2') }}),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as product_id,
        trim(name) as product_name,
        trim(family) as product_family,
        cast(is_active as {{ dbt.type_boolean() }}) as is_active,
        {{ utc_timestamp('system_modstamp') }} as system_modstamp_at,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by product_id
            order by system_modstamp_at desc, dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

deduplicated as (
    select
        product_id,
        product_name,
        product_family,
        is_active,
        system_modstamp_at
    from ranked
    where version_rank = 1
),

final as (select * from deduplicated)

select * from final
