{#-
    One row per submitter, role and team: how accurate and biased their Commit calls have
    been over every scored week (weeks of ended periods whose actual is not zero), and
    their trailing accuracy on their latest period. The forecast page lists these instead
    of averaging forecast_accuracy itself.
-#}
with

accuracy as (select * from {{ ref('forecast_accuracy') }}),

scores as (
    select
        submitter_id,
        submitter_role,
        team_id,
        max(submitter_name) as submitter_name,
        max(team_name) as team_name,
        count(commit_accuracy) as scored_call_count,
        -- averaged as decimals: a sum of doubles depends on the order it is added in
        {{ avg_of_decimal('cast(commit_accuracy as decimal(38, 12))') }} as commit_accuracy,
        {{ avg_of_decimal('cast(commit_bias as decimal(38, 12))') }} as commit_bias,
        max_by(
            trailing_accuracy,
            case when trailing_accuracy is not null then period_end end
        ) as trailing_accuracy,
        min(as_of_date) as as_of_date
    from accuracy
    group by submitter_id, submitter_role, team_id
),

final as (
    select
        submitter_id || '|' || submitter_role || '|' || coalesce(team_id, '') as submitter_score_id,
        submitter_id,
        submitter_name,
        submitter_role,
        team_id,
        team_name,
        cast(scored_call_count as {{ dbt.type_bigint() }}) as scored_call_count,
        cast(commit_accuracy as {{ type_double() }}) as commit_accuracy,
        cast(commit_bias as {{ type_double() }}) as commit_bias,
        cast(trailing_accuracy as {{ type_double() }}) as trailing_accuracy,
        as_of_date
    from scores
)

select * from final
