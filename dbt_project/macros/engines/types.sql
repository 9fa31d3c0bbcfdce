{#
    A type name as the engine spells it. The models, the contracts of the mart YAML and the
    empty relations of `optional_source` / `crm_source` write DuckDB's (and PostgreSQL's) names
    (`varchar`, `timestamp with time zone`, `double precision`); Spark has no `varchar` without a
    length and no zoned timestamp type (its `timestamp` is an instant shown in the session time
    zone, UTC in the `spark` target), so those names are translated there. Any other name
    (`date`, `boolean`, `bigint`, `decimal(18,2)`, ...) is the same on every engine.
#}
{% macro engine_type(type) -%}
    {{ return(adapter.dispatch('engine_type', 'spm')(type)) }}
{%- endmacro %}

{% macro default__engine_type(type) -%}
    {{ return(type) }}
{%- endmacro %}

{% macro spark__engine_type(type) -%}
    {%- set spelled = type | trim | lower -%}
    {%- set spelled = modules.re.sub('\\s+', ' ', spelled) -%}
    {%- set renamed = {
        'varchar': 'string',
        'text': 'string',
        'timestamp with time zone': 'timestamp',
        'timestamptz': 'timestamp',
        'double precision': 'double',
    } -%}
    {{ return(renamed.get(spelled, type)) }}
{%- endmacro %}

{#
    dbt's `cast` on Spark, through `engine_type`: dbt casts every contract column of a mart
    to its YAML `data_type` (`cast(null as varchar)`) to compare the model's columns with the
    contract, so the YAML's type names work on both engines unchanged.
#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spm.engine_type(type) }})
{%- endmacro %}

{#
    A division that gives a double, as `/` does on DuckDB whenever a decimal is involved.
    Spark divides decimals exactly (a decimal of scale 6 or more), so an average of money or
    an accuracy would round differently at a half cent, or carry only 6 decimals: on Spark the
    numerator is cast to double first, which gives DuckDB's result to the last bit.
#}
{% macro divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('divide', 'spm')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__divide(numerator, denominator) -%}
    ({{ numerator }}) / ({{ denominator }})
{%- endmacro %}

{% macro spark__divide(numerator, denominator) -%}
    cast({{ numerator }} as double) / ({{ denominator }})
{%- endmacro %}
