{#- HubSpot deal splits in the columns of stg_crm__opportunity_splits, which selects from
    here when var crm = hubspot. HubSpot's splits are revenue splits (they sum to 100% of the
    deal): every row gets split type `revenue` (stg_hubspot__deal_split_types). The share is
    a fraction in HubSpot and a percentage here, as Salesforce's SplitPercentage. The raw
    table holds each deal's current split set only (the load replaces it per deal; the row
    that clears a deal's set is a hard delete dlt never stores, dropped here all the same). -#}
with

source as (select * from {{ source('hubspot', 'deal_splits') }}),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as split_id,
        cast(deal_id as {{ dbt.type_string() }}) as opportunity_id,
        cast(hubspot_owner_id as {{ dbt.type_string() }}) as split_owner_id,
        cast(hs_deal_split_percentage * 100 as decimal(9, 4)) as split_percentage,
        cast('revenue' as {{ dbt.type_string() }}) as split_type_id,
        coalesce(deal_splits_removed, false) as is_removal,
        {{ utc_timestamp('coalesce(updated_at, created_at)') }} as system_modstamp_at,
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

current_splits as (
    select
        split_id,
        opportunity_id,
        split_owner_id,
        split_percentage,
        split_type_id,
        system_modstamp_at
    from ranked
    where version_rank = 1 and not is_removal
),

final as (select * from current_splits)

select * from final
