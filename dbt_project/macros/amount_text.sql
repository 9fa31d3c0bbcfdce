{#-
    An amount in the corporate currency as a reader says it, for plain-language text, with
    the symbol the report site uses (USD $, EUR €, GBP £, JPY ¥; any other code after the
    number): 1234567 -> '$1.2M', 32456 -> '$32k', 4321 -> '$4.3k', 950 -> '$950',
    -9600 -> '-$9.6k'; in CHF, 32456 -> '32k CHF'.
-#}
{% macro amount_text(value) -%}
    {%- set code = var("corporate_currency", "USD") | upper | trim -%}
    {%- set symbol = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}.get(code) -%}
    case when {{ value }} < 0 then '-' else '' end
    {%- if symbol %} || '{{ symbol }}'{% endif %} ||
    case
        when abs({{ value }}) >= 1000000
            then cast(cast(abs({{ value }}) / 1000000.0 as decimal(18, 1)) as {{ dbt.type_string() }}) || 'M'
        when abs({{ value }}) >= 10000
            then {{ whole_text('abs(' ~ value ~ ') / 1000.0') }} || 'k'
        when abs({{ value }}) >= 1000
            then cast(cast(abs({{ value }}) / 1000.0 as decimal(18, 1)) as {{ dbt.type_string() }}) || 'k'
        else {{ whole_text('abs(' ~ value ~ ')') }}
    end
    {%- if not symbol %} || ' {{ code }}'{% endif %}
{%- endmacro %}
