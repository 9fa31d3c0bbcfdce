{#-
    How accurate Commit calls are by week of the period, for reps and for managers: the
    mean accuracy of every scored call (ended periods whose actual is not zero) made in
    that week. Calls get more accurate as the period goes on; the forecast page charts this.
-#}
with

accuracy as (select * from {{ ref('forecast_accuracy') }}),

weekly as (
    select
        submitter_role,
        week_of_period,
        count(commit_accuracy) as scored_call_count,
        -- averaged as decimals: a sum of doubles depends on the order it is added in
        {{ avg_of_decimal('cast(commit_accuracy as decimal(38, 12))') }} as commit_accuracy,
        min(as_of_date) as as_of_date
    from accuracy
    group by submitter_role, week_of_period
),

final as (
    select
        submitter_role || '|' || cast(week_of_period as {{ dbt.type_string() }}) as weekly_accuracy_id,
        submitter_role,
        cast(week_of_period as integer) as week_of_period,
        cast(scored_call_count as {{ dbt.type_bigint() }}) as scored_call_count,
        cast(commit_accuracy as {{ type_double() }}) as commit_accuracy,
        as_of_date
    from weekly
)

select * from final
