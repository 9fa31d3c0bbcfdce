{#-
    The inputs of forecast_projection, published so the forecast is a glass box: for each
    projected quarter, the historical win rate of every open stage x forecast category x
    age bucket, the observations behind it, and which level of detail was used
    (int_projection_win_rates_estimated explains how they are learned).
-#}
with

win_rates as (select * from {{ ref('int_projection_win_rates_estimated') }}),
quarters as (select * from {{ ref('int_fiscal_quarters_ranked') }}),

final as (
    select
        win_rates.win_rate_id,
        win_rates.fiscal_period,
        quarters.period_start,
        case when win_rates.quarters_ago = 0 then 'current' else 'backtest' end as projection_type,
        {{ add_months('quarters.period_start', -12) }} as history_start,
        win_rates.stage_name,
        win_rates.stage_order,
        win_rates.forecast_category,
        win_rates.age_bucket,
        win_rates.age_bucket_order,
        win_rates.cell_observation_count,
        win_rates.cell_won_count,
        win_rates.stage_age_observation_count,
        win_rates.stage_age_won_count,
        win_rates.stage_observation_count,
        win_rates.stage_won_count,
        win_rates.rate_level,
        win_rates.win_rate,
        {{ as_of_date() }} as as_of_date
    from win_rates
    inner join quarters
        on win_rates.period_id = quarters.period_id
)

select * from final
