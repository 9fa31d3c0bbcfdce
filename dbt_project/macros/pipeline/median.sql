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

{#-
    The median of an amount in cents (decimal(18, 2)) as DuckDB gives it: the midpoint of the
    two middle amounts floored to the cent (36983.95 and 36983.96 -> 36983.95). Spark's
    `percentile` is a double (36983.955), which rounds to the other cent; on Spark the two
    middle amounts are taken exactly (`percentile_disc` both ways) and the midpoint floored
    in decimals.
-#}
{% macro median_of_cents(expr) -%}
    {{ return(adapter.dispatch('median_of_cents', 'spm')(expr)) }}
{%- endmacro %}

{% macro default__median_of_cents(expr) -%}
    {{ spm.median(expr) }}
{%- endmacro %}

{% macro spark__median_of_cents(expr) -%}
    {%- set lower_middle = 'cast(percentile_disc(0.5) within group (order by ' ~ expr ~ ') as decimal(18, 2))' -%}
    {%- set upper_middle = 'cast(percentile_disc(0.5) within group (order by ' ~ expr ~ ' desc) as decimal(18, 2))' -%}
    cast(
        {{ lower_middle }}
        + cast(floor(({{ upper_middle }} - {{ lower_middle }}) * 50) as decimal(18, 0)) / 100
        as decimal(18, 2)
    )
{%- endmacro %}
