{#- HubSpot mode (var crm = hubspot): the same columns, mapped from HubSpot. -#}
-- sqlfluff:indentation:template_blocks_indent:false
{% if crm_is_hubspot() %}
select * from {{ ref('stg_hubspot__owners') }}
{% else %}
with

source as (select * from {{ source('crm', 'user') }}),

current_versions as (
    select *
    from source
    where _dlt_valid_to is null
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as user_id,
        trim(name) as user_name,
        lower(trim(email)) as email,
        trim(title) as title,
        cast(user_role_id as {{ dbt.type_string() }}) as role_id,
        cast(manager_id as {{ dbt.type_string() }}) as manager_id,
        cast(is_active as {{ dbt.type_boolean() }}) as is_active,
        {{ utc_timestamp('created_date') }} as created_at,
        {{ utc_date('created_date') }} as created_date,
        {{ utc_timestamp('system_modstamp') }} as system_modstamp_at,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from current_versions
),

ranked as (
    select
        *,
        row_number() over (
            partition by user_id
            order by system_modstamp_at desc, dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

deduplicated as (
    select
        user_id,
        user_name,
        email,
        title,
        role_id,
        manager_id,
        is_active,
        created_at,
        created_date,
        system_modstamp_at
    from ranked
    where version_rank = 1
),

final as (select * from deduplicated)

select * from final
{% endif %}
