{#
    Rep-level rows repeated once for every node of the hierarchy they roll up to: their team,
    that team's region and the company (a rep carried by a region rolls up to it and to the
    company), the same roll-up as team_performance. `rows` is a CTE with a `team_id` column;
    `teams` is a CTE over int_teams_pathed. Adds `node_id` and `node_level`. Summing the
    result by node gives every node exactly the sum of its reps.
#}
{% macro rollup_to_hierarchy(rows, teams) -%}
    select
        {{ rows }}.*,
        {{ teams }}.team_id as node_id,
        {{ teams }}.hierarchy_level as node_level
    from {{ rows }}
    inner join {{ teams }}
        on {{ rows }}.team_id = {{ teams }}.team_id
    union all
    select
        {{ rows }}.*,
        {{ teams }}.region_id as node_id,
        'region' as node_level
    from {{ rows }}
    inner join {{ teams }}
        on {{ rows }}.team_id = {{ teams }}.team_id
    where {{ teams }}.depth = 2
    union all
    select
        {{ rows }}.*,
        {{ teams }}.company_id as node_id,
        'company' as node_level
    from {{ rows }}
    inner join {{ teams }}
        on {{ rows }}.team_id = {{ teams }}.team_id
    where {{ teams }}.depth in (1, 2)
{%- endmacro %}
