{#-
    The CRM's stage picklist (OpportunityStage), one row per stage. Empty when the company
    did not export it: int_crm_stages_resolved then derives the stages from the opportunities.
-#}
{#- HubSpot mode (var crm = hubspot): the deal stages of its pipelines, same columns. -#}
-- sqlfluff:indentation:template_blocks_indent:false
{% if crm_is_hubspot() %}
with

hubspot_stages as (select * from {{ ref('stg_hubspot__deal_stages') }}),

final as (
    select
        cast(stage_name as {{ dbt.type_string() }}) as stage_id,
        stage_name,
        stage_name as stage_label,
        true as is_active,
        cast(stage_order as integer) as sort_order,
        is_closed,
        is_won,
        cast(default_probability as decimal(9, 4)) as default_probability,
        forecast_category,
        cast(null as {{ engine_type('timestamp with time zone') }}) as system_modstamp_at
    from hubspot_stages
)

select * from final
{% else %}
with

source as (
    select *
    from {{ optional_source('crm', 'opportunity_stage', [
        ('id', 'varchar'), ('master_label', 'varchar'), ('api_name', 'varchar'),
        ('is_active', 'boolean'), ('sort_order', 'bigint'), ('is_closed', 'boolean'),
        ('is_won', 'boolean'), ('default_probability', 'decimal(9, 4)'),
        ('forecast_category_name', 'varchar'), ('system_modstamp', 'timestamp with time zone'),
        ('_dlt_load_id', 'varchar'), ('_dlt_id', 'varchar'),
    ]) }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as stage_id,
        coalesce(nullif(trim(api_name), ''), trim(master_label)) as stage_name,
        coalesce(nullif(trim(master_label), ''), trim(api_name)) as stage_label,
        coalesce(cast(is_active as {{ dbt.type_boolean() }}), true) as is_active,
        cast(sort_order as integer) as sort_order,
        coalesce(cast(is_closed as {{ dbt.type_boolean() }}), false) as is_closed,
        coalesce(cast(is_won as {{ dbt.type_boolean() }}), false) as is_won,
        cast(default_probability as decimal(9, 4)) as default_probability,
        trim(forecast_category_name) as forecast_category,
        {{ utc_timestamp('system_modstamp') }} as system_modstamp_at,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from source
),

ranked as (
    -- a stage exported twice (or re-exported after an edit): the latest modstamp wins
    select
        *,
        row_number() over (
            partition by stage_name
            order by system_modstamp_at desc, dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
    where stage_name is not null and stage_name <> ''
),

deduplicated as (
    select
        stage_id,
        stage_name,
        stage_label,
        is_active,
        sort_order,
        is_closed,
        is_won,
        default_probability,
        forecast_category,
        system_modstamp_at
    from ranked
    where version_rank = 1
),

final as (select * from deduplicated)

select * from final
{% endif %}
