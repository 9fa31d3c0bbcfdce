{#-
    The one rule for an open deal's close date (used by the current state of a deal and by
    its pinned history states alike): an open deal with no close date is 'undated', one whose
    close date is before the as-of date is 'past_due'; both count as pipeline of the as-of
    date's period (pipeline_close_date). A closed deal is always 'dated'.
-#}
{% macro close_date_status(is_closed, close_date) -%}
    case
        when {{ is_closed }} then 'dated'
        when {{ close_date }} is null then 'undated'
        when {{ close_date }} < {{ as_of_date() }} then 'past_due'
        else 'dated'
    end
{%- endmacro %}

{% macro pipeline_close_date(is_closed, close_date) -%}
    case
        when
            not {{ is_closed }}
            and ({{ close_date }} is null or {{ close_date }} < {{ as_of_date() }})
            then {{ as_of_date() }}
        else {{ close_date }}
    end
{%- endmacro %}
