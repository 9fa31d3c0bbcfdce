{#
    dbt's `listagg` on Spark keeps the order the models ask for: dbt-spark's own drops the
    `order by` (with a warning), so a list of tiers or payout ids would come out in whatever
    order the shuffle left them. Spark 4 has `listagg ... within group (order by ...)`.
#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error("listagg with a limit is not written for Spark") }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }})
    {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}

{#
    The last non-null value of a column up to the current row of a window (`over` follows the
    call): DuckDB writes `ignore nulls` inside the call, Spark takes it as the second argument.
#}
{% macro last_value_ignore_nulls(expr) -%}
    {{ return(adapter.dispatch('last_value_ignore_nulls', 'spm')(expr)) }}
{%- endmacro %}

{% macro default__last_value_ignore_nulls(expr) -%}
    last_value({{ expr }} ignore nulls)
{%- endmacro %}

{% macro spark__last_value_ignore_nulls(expr) -%}
    last_value({{ expr }}, true)
{%- endmacro %}

{#
    The average of a decimal column as a double, as DuckDB's `avg` gives it (the exact
    decimal sum over the count). Spark's `avg` of a decimal(38, 12) is a decimal that keeps
    only 6 decimals; its exact sum over the count, as a double, is DuckDB's number.
#}
{% macro avg_of_decimal(expr) -%}
    {{ return(adapter.dispatch('avg_of_decimal', 'spm')(expr)) }}
{%- endmacro %}

{% macro default__avg_of_decimal(expr) -%}
    avg({{ expr }})
{%- endmacro %}

{% macro spark__avg_of_decimal(expr) -%}
    cast(sum({{ expr }}) as double) / count({{ expr }})
{%- endmacro %}
