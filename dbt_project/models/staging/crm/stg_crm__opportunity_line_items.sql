with

source as (select * from {{ crm_source('opportunity_line_item') }}),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as line_item_id,
        cast(opportunity_id as {{ dbt.type_string() }}) as opportunity_id,
        cast(product2_id as {{ dbt.type_string() }}) as product_id,
        cast(quantity as decimal(18, 2)) as quantity,
        cast(unit_price as decimal(18, 2)) as unit_price,
        cast(total_price as decimal(18, 2)) as total_price,
        coalesce(cast(is_deleted as {{ dbt.type_boolean() }}), false) as is_deleted,
        {{ utc_timestamp('system_modstamp') }} as system_modstamp_at,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by line_item_id
            order by system_modstamp_at desc, dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

latest_not_deleted as (
    select
        line_item_id,
        opportunity_id,
        product_id,
        quantity,
        unit_price,
        total_price,
        system_modstamp_at
    from ranked
    where version_rank = 1 and not is_deleted
),

final as (select * from latest_not_deleted)

select * from final
