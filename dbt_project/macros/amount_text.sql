{#-
    An amount in the corporate currency as a reader says it, for plain-language text:
    1234567 -> '1.2M USD', 32456 -> '32k USD', 4321 -> '4.3k USD', 950 -> '950 USD'.
-#}
{% macro amount_text(value) -%}
    case
        when abs({{ value }}) >= 1000000
            then cast(cast({{ value }} / 1000000.0 as decimal(18, 1)) as {{ dbt.type_string() }}) || 'M'
        when abs({{ value }}) >= 10000
            then {{ whole_text(value ~ ' / 1000.0') }} || 'k'
        when abs({{ value }}) >= 1000
            then cast(cast({{ value }} / 1000.0 as decimal(18, 1)) as {{ dbt.type_string() }}) || 'k'
        else {{ whole_text(value) }}
    end || ' ' || {{ corporate_currency() }}
{%- endmacro %}
