{#
    The median of a column as an aggregate (use with group by). DuckDB has `median`;
    PostgreSQL and Snowflake the ordered-set `percentile_cont`; Spark `percentile`.
#}
{% macro median(expr) -%}
    {{ return(adapter.dispatch('median', 'spm')(expr)) }}
{%- endmacro %}

{% macro default__median(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}

{% macro duckdb__median(expr) -%}
    median({{ expr }})
{%- endmacro %}

{% macro spark__median(expr) -%}
    percentile({{ expr }}, 0.5)
{%- endmacro %}

{#- A ratio as a whole percentage for plain-language text: 0.384 -> '38%'. -#}
{% macro percent_text(ratio) -%}
    cast(cast(round({{ ratio }} * 100) as integer) as {{ dbt.type_string() }}) || '%'
{%- endmacro %}

{#- A number rounded to a whole for plain-language text: 12345.67 -> '12346'. -#}
{% macro whole_text(value) -%}
    cast(cast(round({{ value }}) as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }})
{%- endmacro %}

{#- A percentile (0..1, interpolated) of a column as an aggregate, per engine. -#}
{% macro percentile(expr, fraction) -%}
    {{ return(adapter.dispatch('percentile', 'spm')(expr, fraction)) }}
{%- endmacro %}

{% macro default__percentile(expr, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expr }})
{%- endmacro %}

{% macro duckdb__percentile(expr, fraction) -%}
    quantile_cont({{ expr }}, {{ fraction }})
{%- endmacro %}

{% macro spark__percentile(expr, fraction) -%}
    percentile({{ expr }}, {{ fraction }})
{%- endmacro %}
