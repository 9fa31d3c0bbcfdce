{#- HubSpot mode (var crm = hubspot): the same columns, mapped from HubSpot. -#}
-- sqlfluff:indentation:template_blocks_indent:false
{% if crm_is_hubspot() %}
select * from {{ ref('stg_hubspot__teams') }}
{% else %}
with

source as (select * from {{ source('crm', 'user_role') }}),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as role_id,
        trim(name) as role_name,
        cast(parent_role_id as {{ dbt.type_string() }}) as parent_role_id,
        {{ utc_timestamp('system_modstamp') }} as system_modstamp_at,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by role_id
            order by system_modstamp_at desc, dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

deduplicated as (
    select
        role_id,
        role_name,
        parent_role_id,
        system_modstamp_at
    from ranked
    where version_rank = 1
),

final as (select * from deduplicated)

select * from final
{% endif %}
