{#
    The most common non-null `value` per `key` in the CTE `rows` (ties: the highest value),
    as a select of (key, value): the "typical" value of a group, portable where `mode()` is not.
#}
{% macro most_common(rows, key, value) -%}
    select
        {{ key }},
        {{ value }}
    from (
        select
            {{ key }},
            {{ value }},
            row_number() over (
                partition by {{ key }}
                order by count(*) desc, {{ value }} desc
            ) as value_rank
        from {{ rows }}
        where {{ value }} is not null
        group by {{ key }}, {{ value }}
    ) as counted
    where value_rank = 1
{%- endmacro %}
