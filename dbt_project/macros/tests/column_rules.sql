{#
    A model's column rules in one test: its required columns hold a value on every row
    (`not_null`, dbt's not_null), its key repeats on no row (`unique`: a column, or a list of
    columns each unique on its own; dbt's unique), each foreign key names a row of its parent
    (`references`: dbt's relationships) and each category column holds one of its values
    (`accepted_values`: dbt's accepted_values), in one query.

    One generic test per column and rule is one dbt node each, and a node costs dbt tens of
    milliseconds of its own work whatever its SQL (a staging view is even read again per
    test): the project had 76 relationships and 23 accepted_values tests beside its
    not_null and unique ones. Here a model's rules are one node and its columns one scan (plus
    one anti-join per reference), and a failure still names the column: the test returns one
    row per column and rule that fails, with the problem (`null`, `repeated`, `not in
    <parent>.<field>` or `not an accepted value`) and how many rows. It counts as many
    failures as there are null cells, rows beyond the first of a repeated key, rows whose key
    has no parent and rows outside the accepted values. As in dbt's tests, a null is never a
    repeat, an orphan or an unaccepted value (list the column under `not_null` as well when
    it is required). The rows carry no value of the model, so a failure on a model that holds
    pay can be shown.

    Arguments (at least one):
      not_null:        [column, ...]
      unique:          column | [column, ...]
      references:      [{column: c, to: "ref('parent')", field: parent_key}, ...]
      accepted_values: [{column: c, values: [v, ...]}, ...]   (strings are quoted)

    dbt's `where` config applies to the model's rows as for any test (the rows a rule applies
    to, e.g. a close date required on open deals only); the parents are read whole. A rule
    with another severity or `where` than the model's others is a test of its own.

    The marts need no `not_null` or `unique` here: their contracts declare those constraints,
    which the engine enforces when the table is built.
#}
{% test column_rules(model, not_null=none, unique=none, references=none, accepted_values=none) %}
{%- set required = not_null or [] -%}
{%- set keys = [] if unique is none else ([unique] if unique is string else unique) -%}
{%- set parents = references or [] -%}
{%- set categories = accepted_values or [] -%}
{%- if required is string or not (required or keys or parents or categories) -%}
    {{ exceptions.raise_compiler_error(
        "column_rules on " ~ model ~ ": give at least one of not_null (a list of columns),"
        ~ " unique, references or accepted_values") }}
{%- endif %}
{{ config(fail_calc='coalesce(sum(failing_rows), 0)') }}
with

counted as (
    select
        {% for column in required -%}
        sum(case when {{ column }} is null then 1 else 0 end) as nulls_{{ loop.index }},
        {% endfor -%}
        {% for key in keys -%}
        count({{ key }}) - count(distinct {{ key }}) as repeats_{{ loop.index }},
        {% endfor -%}
        {% for category in categories -%}
        sum(
            case
                when {{ category.column }} not in (
                    {%- for value in category['values'] -%}
                    {{ "'" ~ value | replace("'", "''") ~ "'" if value is string else value }}
                    {%- if not loop.last %}, {% endif -%}
                    {%- endfor -%}
                ) then 1
                else 0
            end
        ) as unaccepted_{{ loop.index }},
        {% endfor -%}
        count(*) as row_count
    from {{ model }}
),

{% for parent in parents -%}
orphans_{{ loop.index }} as (
    select count(*) as failing_rows
    from {{ model }} as child
    where
        child.{{ parent.column }} is not null
        and not exists (
            select 1
            from {{ parent.to }} as parent
            where parent.{{ parent.field }} = child.{{ parent.column }}
        )
),

{% endfor -%}
failing_columns as (
    {% set parts = [] -%}
    {% for column in required -%}
    {% do parts.append(
        "select '" ~ column ~ "' as column_name, 'null' as problem, nulls_" ~ loop.index
        ~ " as failing_rows from counted where nulls_" ~ loop.index ~ " > 0") -%}
    {% endfor -%}
    {% for key in keys -%}
    {% do parts.append(
        "select '" ~ key ~ "' as column_name, 'repeated' as problem, repeats_" ~ loop.index
        ~ " as failing_rows from counted where repeats_" ~ loop.index ~ " > 0") -%}
    {% endfor -%}
    {% for parent in parents -%}
    {% do parts.append(
        "select '" ~ parent.column ~ "' as column_name, 'not in "
        ~ (parent.to.identifier if parent.to.identifier is defined else parent.to)
        ~ "." ~ parent.field ~ "' as problem, failing_rows from orphans_" ~ loop.index
        ~ " where failing_rows > 0") -%}
    {% endfor -%}
    {% for category in categories -%}
    {% do parts.append(
        "select '" ~ category.column ~ "' as column_name, 'not an accepted value' as problem,"
        ~ " unaccepted_" ~ loop.index ~ " as failing_rows from counted where unaccepted_"
        ~ loop.index ~ " > 0") -%}
    {% endfor -%}
    {{ parts | join("\n    union all\n    ") }}
)

select * from failing_columns
{% endtest %}
