{#
    Every listed column of the model holds a value on every row: dbt's `not_null`, for all of a
    model's required columns in one query.

    One `not_null` test per column is one dbt node per column, and a node costs dbt about 90 ms
    of its own work whatever its SQL (a staging view is even read again per test). A model's
    required columns are checked in one scan here, and a failure still names the column: the
    test returns one row per column that has nulls, with how many, and counts as many failures
    as there are null cells (as one `not_null` per column would).

    dbt's `where` config applies as for any test (the rows a rule applies to, e.g. a close date
    required on open deals only).

    The marts need no such test: their contracts declare `not_null` constraints, which the
    engine enforces when the table is built.
#}
{% test columns_not_null(model, columns) %}
{%- if columns is string or columns | length == 0 -%}
    {{ exceptions.raise_compiler_error(
        "columns_not_null on " ~ model ~ ": `columns` must be a non-empty list of column names") }}
{%- endif %}
{{ config(fail_calc='coalesce(sum(null_rows), 0)') }}
with

counted as (
    select
        {% for column in columns -%}
        sum(case when {{ column }} is null then 1 else 0 end) as nulls_{{ loop.index }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from {{ model }}
),

null_columns as (
    {% for column in columns -%}
    select '{{ column }}' as column_name, nulls_{{ loop.index }} as null_rows
    from counted
    where nulls_{{ loop.index }} > 0
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from null_columns
{% endtest %}
