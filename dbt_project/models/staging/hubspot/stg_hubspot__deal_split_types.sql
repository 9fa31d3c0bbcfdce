{#- The split types of a HubSpot portal in the columns of stg_crm__opportunity_split_types,
    which selects from here when var crm = hubspot. HubSpot has one kind of deal split, credit
    that sums to 100% of the deal: Salesforce's Revenue type. It has no Overlay type, so a
    company on HubSpot has no overlay credit. No raw table: the type is HubSpot's, not the
    portal's. -#}
with

revenue as (
    select
        cast('revenue' as {{ dbt.type_string() }}) as split_type_id,
        cast('revenue' as {{ dbt.type_string() }}) as split_type,
        cast('Revenue (HubSpot deal splits)' as {{ dbt.type_string() }}) as split_type_label,
        true as is_total_validated,
        true as is_active,
        cast(null as {{ dbt.type_timestamp() }}) as system_modstamp_at
),

final as (select * from revenue)

select * from final
