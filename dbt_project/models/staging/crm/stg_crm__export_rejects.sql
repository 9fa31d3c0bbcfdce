{#- HubSpot mode (var crm = hubspot): no export, so no rejects; the same columns, empty. -#}
-- sqlfluff:indentation:template_blocks_indent:false
{% if crm_is_hubspot() %}
select
    cast(null as {{ dbt.type_string() }}) as file_name,
    cast(null as {{ dbt.type_bigint() }}) as file_row,
    cast(null as {{ dbt.type_string() }}) as field_name,
    cast(null as {{ dbt.type_string() }}) as cell_value,
    cast(null as {{ dbt.type_string() }}) as reason,
    cast(null as {{ dbt.type_string() }}) as deal_id
where false
{% else %}
with

-- only the file path writes this table (empty for Salesforce files); an API load has none
source as (
    select *
    from {{ optional_source('crm', 'crm_export_rejects', [
        ('file_name', 'varchar'), ('file_row', 'bigint'), ('field_name', 'varchar'),
        ('cell_value', 'varchar'), ('reason', 'varchar'), ('deal_id', 'varchar'),
    ]) }}
),

renamed as (
    select
        cast(file_name as {{ dbt.type_string() }}) as file_name,
        cast(file_row as {{ dbt.type_bigint() }}) as file_row,
        cast(field_name as {{ dbt.type_string() }}) as field_name,
        cast(cell_value as {{ dbt.type_string() }}) as cell_value,
        cast(reason as {{ dbt.type_string() }}) as reason,
        cast(deal_id as {{ dbt.type_string() }}) as deal_id
    from source
),

final as (select * from renamed)

select * from final
{% endif %}
