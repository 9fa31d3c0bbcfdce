{#- HubSpot mode (var crm = hubspot): the same columns, mapped from HubSpot. -#}
-- sqlfluff:indentation:template_blocks_indent:false
{% if crm_is_hubspot() %}
select * from {{ ref('stg_hubspot__deal_versions') }}
{% else %}
{#-
    Every version of every opportunity the loads have seen (dlt keeps raw_crm.opportunity as
    an scd2 table), renamed and typed once: stg_crm__opportunities takes the current
    versions from here, and the pipeline history (int_opportunity_states_unioned) takes
    all of them, so no model downstream reads the raw table. Duplicates and soft-deleted
    versions are kept: what they mean depends on the reader.
-#}
with

source as (select * from {{ source('crm', 'opportunity') }}),

next_steps as (
    -- NextStep is optional: null when the export or org has no such field
    select
        *,
        {{ optional_column(source('crm', 'opportunity'), 'next_step', dbt.type_string()) }}
            as raw_next_step
    from source
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as opportunity_id,
        trim(name) as opportunity_name,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(amount as decimal(18, 2)) as amount,
        upper(trim(currency_iso_code)) as currency_code,
        trim(stage_name) as stage_name,
        cast(probability as decimal(9, 4)) as probability,
        trim(forecast_category_name) as forecast_category,
        cast(close_date as date) as close_date,
        {{ utc_timestamp('created_date') }} as created_at,
        {{ utc_date('created_date') }} as created_date,
        coalesce(cast(is_closed as {{ dbt.type_boolean() }}), false) as is_closed,
        coalesce(cast(is_won as {{ dbt.type_boolean() }}), false) as is_won,
        trim(type) as opportunity_type,
        trim(lead_source) as lead_source,
        coalesce(cast(is_deleted as {{ dbt.type_boolean() }}), false) as is_deleted,
        {{ utc_timestamp('last_modified_date') }} as last_modified_at,
        {{ utc_timestamp('system_modstamp') }} as system_modstamp_at,
        {{ next_step_text('raw_next_step') }} as next_step,
        raw_next_step is not null as is_next_step_tracked,
        {{ utc_timestamp('_dlt_valid_from') }} as version_valid_from,
        {{ utc_timestamp('_dlt_valid_to') }} as version_valid_to,
        _dlt_valid_to is null as is_current_version,
        _dlt_load_id as dlt_load_id,
        cast(_dlt_id as {{ dbt.type_string() }}) as dlt_id
    from next_steps
),

final as (select * from renamed)

select * from final
{% endif %}
