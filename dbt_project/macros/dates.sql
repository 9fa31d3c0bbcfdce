{#
    Date helpers on top of dbt's cross-database macros. On DuckDB `dbt.dateadd` and
    `dbt.date_trunc` return timestamps even for dates, so every helper casts back to date:
    a date column stays a date, and comparisons and joins on dates stay exact.
#}
{% macro add_days(date_expr, days) -%}
    cast({{ dbt.dateadd('day', days, date_expr) }} as date)
{%- endmacro %}

{% macro add_months(date_expr, months) -%}
    cast({{ dbt.dateadd('month', months, date_expr) }} as date)
{%- endmacro %}

{% macro month_start(date_expr) -%}
    cast({{ dbt.date_trunc('month', date_expr) }} as date)
{%- endmacro %}

{#- Whole days from start_date to end_date (dates): date subtraction is days on DuckDB and
    PostgreSQL; Spark has datediff. -#}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between', 'spm')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    cast(({{ end_date }}) - ({{ start_date }}) as integer)
{%- endmacro %}

{% macro spark__days_between(start_date, end_date) -%}
    datediff({{ end_date }}, {{ start_date }})
{%- endmacro %}

{#- ISO day of week: Monday = 1 ... Sunday = 7 (selling days are 1-5). -#}
{% macro iso_day_of_week(date_expr) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'spm')(date_expr)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expr) -%}
    cast(extract(isodow from {{ date_expr }}) as integer)
{%- endmacro %}

{% macro spark__iso_day_of_week(date_expr) -%}
    ((dayofweek({{ date_expr }}) + 5) % 7 + 1)
{%- endmacro %}

{#-
    A raw `timestamp with time zone` as a naive UTC timestamp (the `<event>_at` convention),
    independent of the session time zone; `utc_date` is its UTC calendar date.
-#}
{% macro utc_timestamp(ts_expr) -%}
    {{ return(adapter.dispatch('utc_timestamp', 'spm')(ts_expr)) }}
{%- endmacro %}

{% macro default__utc_timestamp(ts_expr) -%}
    cast(({{ ts_expr }} at time zone 'UTC') as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro spark__utc_timestamp(ts_expr) -%}
    to_utc_timestamp({{ ts_expr }}, current_timezone())
{%- endmacro %}

{% macro utc_date(ts_expr) -%}
    cast({{ utc_timestamp(ts_expr) }} as date)
{%- endmacro %}
