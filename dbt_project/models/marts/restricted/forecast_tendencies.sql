{#-
    The label each submitter's forecasting earns, with the figure it is read from: the
    trailing bias of forecast_accuracy (the mean bias of their mid-period Commit calls over
    their last four ended periods). Below -15% they call low, above +15% they call high,
    otherwise balanced (doc block kpi_forecast_bias). A judgement of a person, so it is
    restricted (schema marts_restricted): the public pages and marts show the figures only.
-#}
with

accuracy as (select * from {{ ref('forecast_accuracy') }}),

ranked as (
    -- the submitter's latest row carries their current trailing figures and team
    select
        *,
        row_number() over (
            partition by submitter_id, submitter_role, period_type
            order by period_end desc, week_of_period desc
        ) as recency_rank
    from accuracy
),

labelled as (
    select
        *,
        case
            when trailing_bias < -0.15 then 'calls low'
            when trailing_bias > 0.15 then 'calls high'
            else 'balanced'
        end as forecast_tendency
    from ranked
    where recency_rank = 1 and trailing_bias is not null
),

final as (
    select
        submitter_id || '|' || submitter_role || '|' || period_type as forecast_tendency_id,
        submitter_id,
        submitter_name,
        submitter_role,
        team_id,
        team_name,
        period_type,
        trailing_period_count,
        trailing_accuracy,
        trailing_bias,
        forecast_tendency,
        as_of_date
    from labelled
)

select * from final
