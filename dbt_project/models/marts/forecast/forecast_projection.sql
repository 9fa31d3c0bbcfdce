{#-
    A glass-box statistical forecast per node of the hierarchy (team, region, company) and
    fiscal quarter, and a back-test of the same method:

        projected = closed to date + sum over open deals of credited amount x win rate

    where the win rate is the historical rate of deals in the same stage, forecast category
    and age bucket (int_projection_win_rates_estimated, known on the quarter's first day).

    The range is learned from the back-test, because deals are not independent (a good or
    bad quarter moves them together) and the method cannot see deals created later in the
    quarter: at week w of a quarter, low/high = projected x (1 + the 10th/90th percentile
    of (actual - projected) / projected over the back-test projections made at week w of
    the OTHER back-test quarters), so every row, back-test included, is judged out of
    sample. Low is never below closed to date; the projection always lies inside its range.
    With fewer than `min_calibration_count` such projections (a young warehouse, a 14th
    week), the range falls back to treating deals as independent wins: projected -/+
    1.2816 x sqrt(sum of amount^2 x p x (1 - p)), within closed .. closed + all open.
    `range_method` says which one a row used.

    `current`: the quarter of the as-of date, projected on the as-of date. `weekly`: each
    Monday of that quarter before the as-of date, projected from that Monday's pipeline
    snapshot, so the running quarter's projection can be followed week by week
    (weekly_changes reads its change). `backtest`: each Monday of the four complete quarters
    before it, projected the same way, next to what the quarter actually booked, so users see
    how far to trust it. `is_latest_in_week` marks the one projection per week that readers
    take for that week (the latest made in it).
    Closed-to-date and actual are credited bookings (closed won, close date in the quarter,
    up to the projection date), a rep's quarter rolling up to the team they were in at the
    quarter's end.
-#}
{%- set min_calibration_count = 8 -%}

with

deals as (select * from {{ ref('int_projection_deals_weighted') }}),
credits as (select * from {{ ref('int_opportunity_credits_split') }}),
quarters as (select * from {{ ref('int_fiscal_quarters_ranked') }}),
rep_period_teams as (select * from {{ ref('int_rep_period_teams_anchored') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),
team_performance as (select * from {{ ref('team_performance') }}),

projected_quarters as (
    select *
    from quarters
    where quarters_ago between 0 and 4
),

points as (
    select distinct
        period_id,
        projection_type,
        projection_date
    from deals
    union
    select
        period_id,
        'current' as projection_type,
        {{ as_of_date() }} as projection_date
    from projected_quarters
    where quarters_ago = 0
),

deal_rows as (
    select
        deals.*,
        rep_period_teams.team_id
    from deals
    inner join rep_period_teams
        on
            deals.rep_id = rep_period_teams.rep_id
            and deals.period_id = rep_period_teams.period_id
),

node_deal_rows as (
    {{ rollup_to_hierarchy('deal_rows', 'teams') }}
),

node_deals as (
    select
        node_id,
        node_level,
        period_id,
        projection_type,
        projection_date,
        opportunity_id,
        sum(credited_amount) as open_amount,
        max(win_rate) as win_rate
    from node_deal_rows
    group by node_id, node_level, period_id, projection_type, projection_date, opportunity_id
),

node_open as (
    select
        node_id,
        node_level,
        period_id,
        projection_type,
        projection_date,
        count(*) as open_deal_count,
        sum(open_amount) as open_pipeline_amount,
        -- each deal's term is fixed to decimals before summing: a sum of doubles depends on
        -- the order DuckDB's threads add them in, and would differ between identical runs
        sum({{ full_precision('open_amount * win_rate') }}) as expected_from_open_amount,
        sum(cast(open_amount * open_amount * win_rate * (1 - win_rate) as decimal(38, 6)))
            as projection_variance
    from node_deals
    group by node_id, node_level, period_id, projection_type, projection_date
),

won_credits as (
    select
        rep_id,
        close_date,
        {{ cents('credited_amount') }} as won_amount
    from credits
    where credit_type = 'revenue' and is_won and close_date <= {{ as_of_date() }}
),

rep_closed as (
    select
        points.period_id,
        points.projection_type,
        points.projection_date,
        won_credits.rep_id,
        rep_period_teams.team_id,
        sum(case when won_credits.close_date <= points.projection_date then won_credits.won_amount else 0 end)
            as closed_to_date_amount,
        sum(won_credits.won_amount) as quarter_won_amount
    from points
    inner join projected_quarters
        on points.period_id = projected_quarters.period_id
    inner join won_credits
        on
            projected_quarters.period_start <= won_credits.close_date
            and projected_quarters.period_end >= won_credits.close_date
    inner join rep_period_teams
        on
            won_credits.rep_id = rep_period_teams.rep_id
            and points.period_id = rep_period_teams.period_id
    group by
        points.period_id,
        points.projection_type,
        points.projection_date,
        won_credits.rep_id,
        rep_period_teams.team_id
),

node_closed_rows as (
    {{ rollup_to_hierarchy('rep_closed', 'teams') }}
),

node_closed as (
    select
        node_id,
        node_level,
        period_id,
        projection_type,
        projection_date,
        sum(closed_to_date_amount) as closed_to_date_amount,
        sum(quarter_won_amount) as quarter_won_amount
    from node_closed_rows
    group by node_id, node_level, period_id, projection_type, projection_date
),

node_keys as (
    select
        node_id,
        node_level,
        period_id,
        projection_type,
        projection_date
    from node_open
    union
    select
        node_id,
        node_level,
        period_id,
        projection_type,
        projection_date
    from node_closed
),

combined as (
    select
        node_keys.*,
        coalesce(node_closed.closed_to_date_amount, 0) as closed_to_date_amount,
        coalesce(node_closed.quarter_won_amount, 0) as quarter_won_amount,
        coalesce(node_open.open_deal_count, 0) as open_deal_count,
        coalesce(node_open.open_pipeline_amount, 0) as open_pipeline_amount,
        coalesce(node_open.expected_from_open_amount, 0) as expected_from_open_amount,
        coalesce(node_open.projection_variance, 0) as projection_variance
    from node_keys
    left join node_open
        on
            node_keys.node_id = node_open.node_id
            and node_keys.node_level = node_open.node_level
            and node_keys.period_id = node_open.period_id
            and node_keys.projection_type = node_open.projection_type
            and node_keys.projection_date = node_open.projection_date
    left join node_closed
        on
            node_keys.node_id = node_closed.node_id
            and node_keys.node_level = node_closed.node_level
            and node_keys.period_id = node_closed.period_id
            and node_keys.projection_type = node_closed.projection_type
            and node_keys.projection_date = node_closed.projection_date
),

ranged as (
    select
        combined.*,
        combined.closed_to_date_amount + combined.expected_from_open_amount as projected_amount,
        1.2816 * sqrt(cast(combined.projection_variance as {{ type_double() }})) as range_half_width,
        cast(
            floor({{ days_between('projected_quarters.period_start', 'combined.projection_date') }} / 7.0) + 1
            as integer
        ) as week_of_period
    from combined
    inner join projected_quarters
        on combined.period_id = projected_quarters.period_id
),

backtest_errors as (
    -- where each back-test projection landed against the quarter's actual, relative to it
    select
        period_id,
        week_of_period,
        {{ safe_ratio('quarter_won_amount - projected_amount', 'projected_amount') }} as relative_error
    from ranged
    where projection_type = 'backtest' and projected_amount > 0
),

projection_weeks as (
    select distinct
        period_id,
        week_of_period
    from ranged
),

calibration as (
    -- out of sample: a quarter's range is learned from the other quarters' back-test only
    select
        projection_weeks.period_id,
        projection_weeks.week_of_period,
        count(*) as calibration_count,
        {{ percentile('backtest_errors.relative_error', 0.1) }} as error_low,
        {{ percentile('backtest_errors.relative_error', 0.9) }} as error_high
    from projection_weeks
    inner join backtest_errors
        on
            projection_weeks.week_of_period = backtest_errors.week_of_period
            and projection_weeks.period_id <> backtest_errors.period_id
    group by projection_weeks.period_id, projection_weeks.week_of_period
),

calibrated as (
    select
        ranged.*,
        coalesce(calibration.calibration_count, 0) as calibration_count,
        coalesce(calibration.calibration_count, 0) >= {{ min_calibration_count }} as is_calibrated,
        calibration.error_low,
        calibration.error_high
    from ranged
    left join calibration
        on
            ranged.period_id = calibration.period_id
            and ranged.week_of_period = calibration.week_of_period
),

bounded as (
    select
        *,
        case
            when is_calibrated
                then
                    greatest(
                        closed_to_date_amount,
                        least(projected_amount, projected_amount * (1 + error_low))
                    )
            else greatest(closed_to_date_amount, projected_amount - range_half_width)
        end as low_amount,
        case
            when is_calibrated
                then greatest(projected_amount, projected_amount * (1 + error_high))
            else
                least(
                    closed_to_date_amount + open_pipeline_amount,
                    projected_amount + range_half_width
                )
        end as high_amount
    from calibrated
),

final as (
    select
        ranged.node_id || '|' || ranged.period_id || '|' || ranged.projection_type || '|'
        || cast(ranged.projection_date as {{ dbt.type_string() }}) as forecast_projection_id,
        ranged.node_level as hierarchy_level,
        ranged.node_id as team_id,
        teams.team_name,
        'quarter' as period_type,
        projected_quarters.fiscal_period,
        projected_quarters.period_start,
        projected_quarters.period_end,
        ranged.projection_type,
        ranged.projection_date,
        ranged.week_of_period,
        {{ cents('ranged.closed_to_date_amount') }} as closed_to_date_amount,
        cast(ranged.open_deal_count as {{ dbt.type_bigint() }}) as open_deal_count,
        {{ cents('ranged.open_pipeline_amount') }} as open_pipeline_amount,
        {{ cents('ranged.expected_from_open_amount') }} as expected_from_open_amount,
        {{ cents('ranged.projected_amount') }} as projected_amount,
        {{ cents('ranged.low_amount') }} as projected_low_amount,
        {{ cents('ranged.high_amount') }} as projected_high_amount,
        case
            when ranged.projection_type = 'backtest' then {{ cents('ranged.quarter_won_amount') }}
        end as actual_amount,
        case
            when ranged.projection_type = 'backtest'
                then {{ safe_ratio(
                    'ranged.projected_amount - ranged.quarter_won_amount', 'ranged.quarter_won_amount'
                ) }}
        end as projection_error,
        case
            when ranged.projection_type = 'backtest'
                then
                    ranged.quarter_won_amount
                    between {{ cents('ranged.low_amount') }} and {{ cents('ranged.high_amount') }}
        end as is_actual_within_range,
        case when ranged.is_calibrated then 'backtest_calibrated' else 'independent_deals' end
            as range_method,
        cast(ranged.calibration_count as {{ dbt.type_bigint() }}) as range_calibration_count,
        team_performance.quota_amount,
        row_number() over (
            partition by ranged.node_id, ranged.period_id, ranged.week_of_period
            order by ranged.projection_date desc
        ) = 1 as is_latest_in_week,
        {{ as_of_date() }} as as_of_date
    from bounded as ranged
    inner join projected_quarters
        on ranged.period_id = projected_quarters.period_id
    inner join teams
        on ranged.node_id = teams.team_id
    left join team_performance
        on
            ranged.node_id = team_performance.team_id
            and team_performance.period_type = 'quarter'
            and projected_quarters.fiscal_period = team_performance.fiscal_period
)

select * from final
