{#
    `source()` for a raw table that a warehouse loaded before the table joined the landing
    contract may not have yet (the loader creates every contract table, even empty, on its
    next run): the table when it exists, else an empty relation with the given columns, so
    the build works on both. `columns` is a list of (name, type) pairs.
#}
{% macro optional_source(source_name, table_name, columns) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set found = relation -%}
    {%- if execute -%}
        {%- set found = adapter.get_relation(
            database=relation.database, schema=relation.schema, identifier=relation.identifier
        ) -%}
    {%- endif -%}
    {%- if found is none -%}
        (
            select
            {%- for name, type in columns %}
                cast(null as {{ engine_type(type) }}) as {{ name }}{{ "," if not loop.last }}
            {%- endfor %}
            where 1 = 0
        )
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}
