{#
    Every listed column of the model holds a value on every row, and the model's key (`unique`:
    a column, or a list of columns each unique on its own) repeats on no row: dbt's `not_null`
    for all of a model's required columns and its `unique` for the key, in one query.

    One `not_null` or `unique` test per column is one dbt node per column, and a node costs dbt
    about 90 ms of its own work whatever its SQL (a staging view is even read again per test).
    A model's required columns and its key are checked in one scan here, and a failure still
    names the column: the test returns one row per column that fails, with the problem (`null`
    or `repeated`) and how many rows; it counts as many failures as there are null cells and
    rows beyond the first of a repeated key. As dbt's `unique`, a null key is not a repeat (list
    the key among `columns` as well, which every model does). The rows carry no value of the
    model, so a failure on a model that holds pay can be shown.

    dbt's `where` config applies as for any test (the rows a rule applies to, e.g. a close date
    required on open deals only).

    The marts need no such test: their contracts declare `not_null` constraints, which the
    engine enforces when the table is built.
#}
{% test columns_not_null(model, columns, unique=none) %}
{%- if columns is string or columns | length == 0 -%}
    {{ exceptions.raise_compiler_error(
        "columns_not_null on " ~ model ~ ": `columns` must be a non-empty list of column names") }}
{%- endif %}
{%- set keys = [] if unique is none else ([unique] if unique is string else unique) -%}
{{ config(fail_calc='coalesce(sum(failing_rows), 0)') }}
with

counted as (
    select
        {% for column in columns -%}
        sum(case when {{ column }} is null then 1 else 0 end) as nulls_{{ loop.index }},
        {% endfor -%}
        {% for key in keys -%}
        count({{ key }}) - count(distinct {{ key }}) as repeats_{{ loop.index }},
        {% endfor -%}
        count(*) as row_count
    from {{ model }}
),

failing_columns as (
    {% for column in columns -%}
    select '{{ column }}' as column_name, 'null' as problem, nulls_{{ loop.index }} as failing_rows
    from counted
    where nulls_{{ loop.index }} > 0
    {% if not loop.last or keys %}union all{% endif %}
    {% endfor -%}
    {% for key in keys -%}
    select '{{ key }}' as column_name, 'repeated' as problem, repeats_{{ loop.index }} as failing_rows
    from counted
    where repeats_{{ loop.index }} > 0
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from failing_columns
{% endtest %}
