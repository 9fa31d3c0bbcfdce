{#- HubSpot mode (var crm = hubspot): the same columns, mapped from HubSpot. -#}
-- sqlfluff:indentation:template_blocks_indent:false
{% if crm_is_hubspot() %}
select * from {{ ref('stg_hubspot__deal_splits') }}
{% else %}
with

source as (select * from {{ source('crm', 'opportunity_split') }}),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as split_id,
        cast(opportunity_id as {{ dbt.type_string() }}) as opportunity_id,
        cast(split_owner_id as {{ dbt.type_string() }}) as split_owner_id,
        cast(split_percentage as decimal(9, 4)) as split_percentage,
        cast(split_type_id as {{ dbt.type_string() }}) as split_type_id,
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
            partition by split_id
            order by system_modstamp_at desc, dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

latest_not_deleted as (
    select
        split_id,
        opportunity_id,
        split_owner_id,
        split_percentage,
        split_type_id,
        system_modstamp_at
    from ranked
    where version_rank = 1 and not is_deleted
),

final as (select * from latest_not_deleted)

select * from final
{% endif %}
