{#
    A raw column that joined the landing contract after a warehouse was first loaded, selected
    by name when the raw table has it, else a typed null: the loads add the column on the
    next load that carries the field, and until then the build must not break. `relation` is
    a source(); the column name is dlt's snake_case of the field.
#}
{% macro optional_column(relation, column, type) -%}
    {%- set found = false -%}
    {%- if execute -%}
        {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name')
            | map('lower') | list -%}
        {%- set found = column | lower in names -%}
    {%- endif -%}
    {%- if found -%}
        cast({{ column }} as {{ engine_type(type) }})
    {%- else -%}
        cast(null as {{ engine_type(type) }})
    {%- endif -%}
{%- endmacro %}

{#
    The next step of a CRM record from a raw column that is null when the CRM does not have
    the field (unknown) and empty text when the record's next step is blank: the trimmed
    text, null when blank or unknown.
#}
{% macro next_step_text(raw) -%}
    nullif(trim({{ raw }}), '')
{%- endmacro %}
