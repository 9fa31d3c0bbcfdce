{#-
    How often the projection's low-high range held in the back-test: of every back-test
    projection (each node, quarter and week), the share whose actual bookings fell within
    the range. One row per range method; an 80% range should hold about 80% of the time.
-#}
with

projections as (select * from {{ ref('forecast_projection') }}),

backtest as (
    select
        range_method,
        count(*) as backtest_projection_count,
        count(case when is_actual_within_range then 1 end) as within_range_count,
        min(as_of_date) as as_of_date
    from projections
    where projection_type = 'backtest'
    group by range_method
),

final as (
    select
        range_method,
        cast(backtest_projection_count as {{ dbt.type_bigint() }}) as backtest_projection_count,
        cast(within_range_count as {{ dbt.type_bigint() }}) as within_range_count,
        {{ safe_ratio('within_range_count', 'backtest_projection_count') }} as share_within_range,
        as_of_date
    from backtest
)

select * from final
