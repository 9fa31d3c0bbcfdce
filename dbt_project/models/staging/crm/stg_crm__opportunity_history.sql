{#- HubSpot mode (var crm = hubspot): the same columns, mapped from HubSpot. -#}
-- sqlfluff:indentation:template_blocks_indent:false
{% if crm_is_hubspot() %}
select * from {{ ref('stg_hubspot__deal_history') }}
{% else %}
with

source as (select * from {{ source('crm', 'opportunity_history') }}),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as opportunity_history_id,
        cast(opportunity_id as {{ dbt.type_string() }}) as opportunity_id,
        trim(stage_name) as stage_name,
        cast(amount as decimal(18, 2)) as amount,
        cast(close_date as date) as close_date,
        cast(probability as decimal(9, 4)) as probability,
        trim(forecast_category) as forecast_category,
        {{ utc_timestamp('created_date') }} as changed_at,
        {{ utc_date('created_date') }} as changed_date,
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
            partition by opportunity_history_id
            order by system_modstamp_at desc, dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

latest_not_deleted as (
    select
        opportunity_history_id,
        opportunity_id,
        stage_name,
        amount,
        close_date,
        probability,
        forecast_category,
        changed_at,
        changed_date,
        system_modstamp_at
    from ranked
    where version_rank = 1 and not is_deleted
),

final as (select * from latest_not_deleted)

select * from final
{% endif %}
