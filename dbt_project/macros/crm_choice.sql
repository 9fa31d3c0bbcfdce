{#-
    Which CRM feeds the warehouse (var `crm`: salesforce | hubspot | csv).

    Salesforce (export files or REST API) and a mapped CSV export land in raw_crm; HubSpot lands
    in raw_hubspot, and the stg_crm__ models then select from the stg_hubspot__ models. The
    raw_crm source is disabled in HubSpot mode and raw_hubspot in every other mode, so dbt
    never reads a raw table that no load writes.
-#}
{% macro crm_is_hubspot() -%}
    {{ return(var('crm', 'salesforce') == 'hubspot') }}
{%- endmacro %}

{#-
    A raw_crm table that HubSpot has no counterpart for (accounts, products, line items; deal
    splits have one: stg_hubspot__deal_splits): in HubSpot mode an empty relation with the
    raw table's columns, so its staging model builds, empty; otherwise the source table.
-#}
{% macro crm_source(table) -%}
    {%- if crm_is_hubspot() -%}
        {%- set columns = {
            'account': [
                ('id', 'varchar'), ('name', 'varchar'), ('industry', 'varchar'),
                ('billing_country', 'varchar'), ('owner_id', 'varchar'),
                ('created_date', 'timestamp with time zone'), ('is_deleted', 'boolean'),
            ],
            'product2': [
                ('id', 'varchar'), ('name', 'varchar'), ('family', 'varchar'),
                ('is_active', 'boolean'),
            ],
            'opportunity_line_item': [
                ('id', 'varchar'), ('opportunity_id', 'varchar'), ('product2_id', 'varchar'),
                ('quantity', 'decimal(18, 2)'), ('unit_price', 'decimal(18, 2)'),
                ('total_price', 'decimal(18, 2)'), ('is_deleted', 'boolean'),
            ],
        }[table] + [
            ('system_modstamp', 'timestamp with time zone'),
            ('_dlt_load_id', 'varchar'),
            ('_dlt_id', 'varchar'),
        ] -%}
        (
            select
            {%- for name, type in columns %}
                cast(null as {{ engine_type(type) }}) as {{ name }}{{ ',' if not loop.last }}
            {%- endfor %}
            where false
        )
    {%- else -%}
        {{ source('crm', table) }}
    {%- endif -%}
{%- endmacro %}

{#- HubSpot's forecast category codes as the CRM's category names (Salesforce's). -#}
{% macro hubspot_forecast_category(code) -%}
    case upper(trim({{ code }}))
        when 'PIPELINE' then 'Pipeline'
        when 'BEST_CASE' then 'Best Case'
        when 'COMMIT' then 'Commit'
        when 'CLOSED' then 'Closed'
        when 'OMIT' then 'Omitted'
        else trim({{ code }})
    end
{%- endmacro %}
