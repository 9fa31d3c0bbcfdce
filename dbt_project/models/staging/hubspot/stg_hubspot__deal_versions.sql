{#- Every version of every deal (raw_hubspot.deals is scd2) in the columns of
    stg_crm__opportunity_versions, which selects from here when var crm = hubspot. The stage
    id becomes the stage's label; probability is in percent (HubSpot: a fraction); an
    archived deal is a soft delete; a deal with no currency is in the corporate currency.
    hs_next_step is null when the portal has no such property (unknown), empty text when the
    deal's next step is blank. -#}
with

source as (select * from {{ source('hubspot', 'deals') }}),

deals as (
    -- hs_next_step is optional: a portal without the property never returns it
    select
        *,
        {{ optional_column(source('hubspot', 'deals'), 'hs_next_step', dbt.type_string()) }}
            as raw_next_step
    from source
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
        cast(deals.id as {{ dbt.type_string() }}) as opportunity_id,
        trim(deals.dealname) as opportunity_name,
        cast(null as {{ dbt.type_string() }}) as account_id,
        cast(deals.hubspot_owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(deals.amount as decimal(18, 2)) as amount,
        upper(trim(coalesce(deals.deal_currency_code, '{{ var("corporate_currency") }}')))
            as currency_code,
        coalesce(stages.stage_name, deals.dealstage) as stage_name,
        cast(deals.hs_deal_stage_probability * 100 as decimal(9, 4)) as probability,
        {{ hubspot_forecast_category('deals.hs_forecast_category') }} as forecast_category,
        {{ utc_date('deals.closedate') }} as close_date,
        {{ utc_timestamp('deals.createdate') }} as created_at,
        {{ utc_date('deals.createdate') }} as created_date,
        coalesce(deals.hs_is_closed, stages.is_closed, false) as is_closed,
        coalesce(
            deals.hs_is_closed_won, stages.is_closed and stages.probability >= 1, false
        ) as is_won,
        trim(deals.dealtype) as opportunity_type,
        cast(null as {{ dbt.type_string() }}) as lead_source,
        coalesce(deals.archived, false) as is_deleted,
        {{ utc_timestamp('deals.hs_lastmodifieddate') }} as last_modified_at,
        {{ utc_timestamp('deals.hs_lastmodifieddate') }} as system_modstamp_at,
        {{ next_step_text('deals.raw_next_step') }} as next_step,
        deals.raw_next_step is not null as is_next_step_tracked,
        {{ utc_timestamp('deals._dlt_valid_from') }} as version_valid_from,
        {{ utc_timestamp('deals._dlt_valid_to') }} as version_valid_to,
        deals._dlt_valid_to is null as is_current_version,
        deals._dlt_load_id as dlt_load_id,
        cast(deals._dlt_id as {{ dbt.type_string() }}) as dlt_id
    from deals
    left join stages
        on
            deals.pipeline = stages.pipeline_id
            and deals.dealstage = stages.stage_id
),

final as (select * from renamed)

select * from final
