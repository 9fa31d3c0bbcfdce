{#- HubSpot mode (var crm = hubspot): the same columns, mapped from HubSpot. -#}
-- sqlfluff:indentation:template_blocks_indent:false
{% if crm_is_hubspot() %}
select * from {{ ref('stg_hubspot__deal_split_types') }}
{% else %}
with

source as (select * from {{ source('crm', 'opportunity_split_type') }}),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as split_type_id,
        lower(trim(developer_name)) as split_type,
        trim(master_label) as split_type_label,
        cast(is_total_validated as {{ dbt.type_boolean() }}) as is_total_validated,
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
            partition by split_type_id
            order by system_modstamp_at desc, dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

deduplicated as (
    select
        split_type_id,
        split_type,
        split_type_label,
        is_total_validated,
        is_active,
        system_modstamp_at
    from ranked
    where version_rank = 1
),

final as (select * from deduplicated)

select * from final
{% endif %}
