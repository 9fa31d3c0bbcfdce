{#- Every version of every deal (raw_hubspot.deals is scd2) in the columns of
    stg_crm__opportunity_versions, which selects from here when var crm = hubspot. The stage
    id becomes the stage's label; probability is in percent (HubSpot: a fraction); an
    archived deal is a soft delete; a deal with no currency is in the corporate currency.
    hs_next_step is null when the portal has no such property (unknown), empty text when the
    deal's next step is blank. -#}
with

source as (
    select
        *,
        {{ optional_column(source('hubspot', 'deals'), 'hs_next_step', dbt.type_string()) }}
            as raw_next_step
    from {{ source('hubspot', 'deals') }}
),

stages as (
    select
        cast(pipeline_id as {{ dbt.type_string() }}) as pipeline_id,
        cast(stage_id as {{ dbt.type_string() }}) as stage_id,
        trim(label) as stage_name,
        is_closed,
        probability
    from {{ source('hubspot', 'deal_stages') }}
),

renamed as (
    select
        cast(source.id as {{ dbt.type_string() }}) as opportunity_id,
        trim(source.dealname) as opportunity_name,
        cast(null as {{ dbt.type_string() }}) as account_id,
        cast(source.hubspot_owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(source.amount as decimal(18, 2)) as amount,
        upper(trim(coalesce(source.deal_currency_code, '{{ var("corporate_currency") }}')))
            as currency_code,
        coalesce(stages.stage_name, source.dealstage) as stage_name,
        cast(source.hs_deal_stage_probability * 100 as decimal(9, 4)) as probability,
        {{ hubspot_forecast_category('source.hs_forecast_category') }} as forecast_category,
        {{ utc_date('source.closedate') }} as close_date,
        {{ utc_timestamp('source.createdate') }} as created_at,
        {{ utc_date('source.createdate') }} as created_date,
        coalesce(source.hs_is_closed, stages.is_closed, false) as is_closed,
        coalesce(
            source.hs_is_closed_won, stages.is_closed and stages.probability >= 1, false
        ) as is_won,
        trim(source.dealtype) as opportunity_type,
        cast(null as {{ dbt.type_string() }}) as lead_source,
        coalesce(source.archived, false) as is_deleted,
        {{ utc_timestamp('source.hs_lastmodifieddate') }} as last_modified_at,
        {{ utc_timestamp('source.hs_lastmodifieddate') }} as system_modstamp_at,
        {{ next_step_text('source.raw_next_step') }} as next_step,
        source.raw_next_step is not null as is_next_step_tracked,
        {{ utc_timestamp('source._dlt_valid_from') }} as version_valid_from,
        {{ utc_timestamp('source._dlt_valid_to') }} as version_valid_to,
        source._dlt_valid_to is null as is_current_version,
        source._dlt_load_id as dlt_load_id,
        cast(source._dlt_id as {{ dbt.type_string() }}) as dlt_id
    from source
    left join stages
        on
            source.pipeline = stages.pipeline_id
            and source.dealstage = stages.stage_id
),

final as (select * from renamed)

select * from final
