{#
    A cast that yields null instead of failing on a value that does not convert.
    `dbt.safe_cast` compiles to a plain cast on DuckDB, so the staging models use this one and
    put a not_null test on the result: a bad value then fails a test that names the column
    instead of aborting the whole build (or vanishing silently).
#}
{% macro try_cast(field, type) -%}
    {{ return(adapter.dispatch('try_cast', 'spm')(field, type)) }}
{%- endmacro %}

{% macro default__try_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro duckdb__try_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro spark__try_cast(field, type) -%}
    try_cast({{ field }} as {{ spm.engine_type(type) }})
{%- endmacro %}

{% macro postgres__try_cast(field, type) -%}
    {#- PostgreSQL has no try_cast: accept the text only when the target type's input
        function does (pg_input_is_valid, PostgreSQL 16+), else null. -#}
    case
        when pg_input_is_valid(cast({{ field }} as text), '{{ type }}')
            then cast(cast({{ field }} as text) as {{ type }})
    end
{%- endmacro %}
