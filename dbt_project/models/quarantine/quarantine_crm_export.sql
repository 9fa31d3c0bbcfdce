{{ config(alias='crm_export') }}
{#-
    Deals of a mapped CRM CSV export that were set aside at load because a cell could not be
    read, one row per cell, with the file, row and field so the user can fix the export: a
    date not in the mapping's date_format, an amount that is not a number, a blank id, owner
    or stage. These deals are in no mart (they never reached the raw opportunity table).
-#}
with

rejects as (select * from {{ ref('stg_crm__export_rejects') }}),

classified as (
    select
        *,
        case
            when reason like '% is blank' then 'blank_required_cell'
            else 'unreadable_cell'
        end as rule
    from rejects
),

final as (
    select
        file_name || '|' || cast(file_row as {{ dbt.type_string() }}) || '|'
        || coalesce(field_name, '') as quarantine_id,
        deal_id,
        rule,
        file_name || ', row ' || cast(file_row as {{ dbt.type_string() }})
        || coalesce(', field ' || field_name, '') || ': ' || reason
        || coalesce(' (''' || cell_value || ''')', '') as detail,
        file_name,
        file_row,
        field_name,
        cell_value,
        reason
    from classified
)

select * from final
