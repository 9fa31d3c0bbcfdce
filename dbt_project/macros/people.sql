{#
    Who is in a seat on a given day, and who is ramping: the one definition every mart uses
    (dim_rep for the as-of date, rep_performance and its followers for a period's status
    date), so a page can never call a rep ramping or gone where another page does not.

    Employed on `day`: hired on or before it (an unknown hire date counts as hired) and not
    yet past the termination date (the last working day counts as employed). A rep has left
    from the day after their termination date.

    Ramping on `day`: employed, and `day` falls from the first day of the month of hire up to
    the day before `ramp_end_date` (`ramp_months` months later).
#}
{% macro is_employed_on(hire_date, termination_date, day) -%}
    (
        ({{ hire_date }} is null or {{ hire_date }} <= {{ day }})
        and ({{ termination_date }} is null or {{ termination_date }} >= {{ day }})
    )
{%- endmacro %}

{% macro is_ramping_on(hire_date, termination_date, ramp_end_date, day) -%}
    coalesce(
        {{ is_employed_on(hire_date, termination_date, day) }}
        and {{ day }} >= {{ month_start(hire_date) }}
        and {{ day }} < {{ ramp_end_date }},
        false
    )
{%- endmacro %}
