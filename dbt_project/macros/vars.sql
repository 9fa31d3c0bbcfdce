{#
    The business parameters as SQL literals. `as_of_date` is the "today" of every
    period-to-date number: the var when set (YYYY-MM-DD), else the environment variable
    `SPM_AS_OF` (how `spm run` passes it), else the date the run started, so any past day can
    be rebuilt exactly by passing it.

    Why the environment and not a var: dbt parses the whole project again whenever a var
    changes, and the as-of date changes every day. Read only while executing (`execute`), the
    variable never reaches the parse, so the next day's run keeps the parse of the day before.
    Nothing parsed depends on the date (refs, configs and tests do not), only compiled SQL.
#}
{% macro as_of_date_value() -%}
    {%- set raw = var('as_of_date', none) -%}
    {%- set given_as = 'var as_of_date' -%}
    {%- if (raw is none or (raw | string | trim) == '') and execute -%}
        {%- set raw = env_var('SPM_AS_OF', '') -%}
        {%- set given_as = 'SPM_AS_OF' -%}
    {%- endif -%}
    {%- if raw is none or (raw | string | trim) == '' -%}
        {{ return(run_started_at.date()) }}
    {%- endif -%}
    {%- set text = raw | string | trim -%}
    {%- set valid = modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
    {%- if valid -%}
        {%- set year, month, day = text[0:4] | int, text[5:7] | int, text[8:10] | int -%}
        {%- set days_in_month = [31, 29 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28,
                                 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
        {%- set valid = 1 <= month <= 12 and 1 <= day <= days_in_month[month - 1] -%}
    {%- endif -%}
    {%- if not valid -%}
        {{ exceptions.raise_compiler_error(given_as ~ "=" ~ text ~ " is not a date, expected YYYY-MM-DD") }}
    {%- endif -%}
    {{ return(modules.datetime.date(year, month, day)) }}
{%- endmacro %}

{% macro as_of_date() -%}
    cast('{{ as_of_date_value().isoformat() }}' as date)
{%- endmacro %}

{% macro fiscal_year_start_month() -%}
    {%- set month = var('fiscal_year_start_month', 1) | int -%}
    {%- if month < 1 or month > 12 -%}
        {{ exceptions.raise_compiler_error("var fiscal_year_start_month=" ~ month ~ " is out of range 1..12") }}
    {%- endif -%}
    {{ return(month) }}
{%- endmacro %}

{% macro corporate_currency() -%}
    '{{ var("corporate_currency", "USD") | upper | trim }}'
{%- endmacro %}

{#- Amounts in marts are money: rounded to cents, half away from zero. -#}
{% macro cents(expr) -%}
    {{ return(adapter.dispatch('cents', 'spm')(expr)) }}
{%- endmacro %}

{% macro default__cents(expr) -%}
    cast(round({{ expr }}, 2) as decimal(18, 2))
{%- endmacro %}

{#- Spark rounds a double at its shortest decimal form (17866.045 -> 17866.05); DuckDB
    rounds the double times 100 (17866.044999... -> 17866.04). A double is rounded DuckDB's
    way here, a decimal (exact on both) as it is. -#}
{% macro spark__cents(expr) -%}
    case
        when typeof({{ expr }}) = 'double'
            then cast(round(({{ expr }}) * 100, 0) / 100 as decimal(18, 2))
        else cast(round({{ expr }}, 2) as decimal(18, 2))
    end
{%- endmacro %}

{#- Full-precision money in facts: an amount (2 dp) times an FX rate (8 dp) is exact at 10 dp. -#}
{% macro full_precision(expr) -%}
    cast({{ expr }} as decimal(38, 10))
{%- endmacro %}

{#- A ratio that is null, never infinite, when its denominator is zero or null. -#}
{% macro safe_ratio(numerator, denominator) -%}
    case
        when {{ denominator }} is not null and {{ denominator }} <> 0
            then cast({{ numerator }} as {{ type_double() }}) / cast({{ denominator }} as {{ type_double() }})
    end
{%- endmacro %}

{#- A 64-bit float: `dbt.type_float()` is a 32-bit `float` on DuckDB, too coarse for ratios. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'spm')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
