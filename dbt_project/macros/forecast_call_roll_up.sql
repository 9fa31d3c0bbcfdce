{#-
    One level of the forecast-call roll-up (forecast_calls): the nodes of `depth` with the
    sum of their children's shown calls (`child_sums`: per parent, period, week and category)
    plus their own reps' calls, and how many of those called. A node with no call below it
    has no roll-up (null), not zero.
-#}
{% macro forecast_call_roll_up(child_sums, depth) -%}
    select
        node_calls.*,
        case
            when {{ child_sums }}.child_call_amount is not null or node_calls.rep_call_amount is not null
                then coalesce({{ child_sums }}.child_call_amount, 0) + coalesce(node_calls.rep_call_amount, 0)
        end as roll_up_amount,
        coalesce({{ child_sums }}.child_called_count, 0) + node_calls.rep_called_count as roll_up_called_count,
        coalesce({{ child_sums }}.child_count, 0) + node_calls.rep_count as roll_up_count
    from node_calls
    left join {{ child_sums }}
        on
            node_calls.team_id = {{ child_sums }}.parent_team_id
            and node_calls.period_id = {{ child_sums }}.period_id
            and node_calls.week_of_period = {{ child_sums }}.week_of_period
            and node_calls.forecast_category = {{ child_sums }}.forecast_category
    where node_calls.depth = {{ depth }}
{%- endmacro %}

{#- The sums of one level's shown calls per parent node, for the level above. -#}
{% macro forecast_call_child_sums(level) -%}
    select
        parent_team_id,
        period_id,
        week_of_period,
        forecast_category,
        sum(call_amount) as child_call_amount,
        count(call_amount) as child_called_count,
        count(*) as child_count
    from {{ level }}
    group by parent_team_id, period_id, week_of_period, forecast_category
{%- endmacro %}
