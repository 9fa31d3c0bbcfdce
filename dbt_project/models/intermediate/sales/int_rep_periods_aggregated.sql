{#-
    Rep-month measures summed to every period they belong to (month, quarter, year). Quota
    stays null when no month of the period has one (sum of nulls), and is 0 only when a month
    says 0. The team, role and ramp status of a quarter or year are those of the rep's last
    month in it, the same rule as for a month.
-#}
with

rep_months as (select * from {{ ref('int_rep_months_aggregated') }}),
month_periods as (select * from {{ ref('int_fiscal_month_periods_mapped') }}),

rep_month_periods as (
    select
        rep_months.*,
        month_periods.period_id,
        month_periods.period_type,
        month_periods.fiscal_period,
        row_number() over (
            partition by rep_months.rep_id, month_periods.period_id
            order by rep_months.fiscal_month_start desc
        ) as recency_rank
    from rep_months
    inner join month_periods
        on rep_months.fiscal_month_start = month_periods.fiscal_month_start
),

summed as (
    select
        rep_id,
        period_id,
        period_type,
        fiscal_period,
        sum(quota_amount) as quota_amount,
        sum(bookings_amount) as bookings_amount,
        sum(overlay_credit_amount) as overlay_credit_amount,
        sum(won_count) as won_count,
        sum(lost_count) as lost_count,
        sum(lost_amount) as lost_amount,
        sum(won_cycle_days_sum) as won_cycle_days_sum,
        sum(won_cycle_count) as won_cycle_count,
        sum(pipeline_created_amount) as pipeline_created_amount,
        sum(created_count) as created_count,
        sum(open_pipeline_amount) as open_pipeline_amount,
        sum(weighted_pipeline_amount) as weighted_pipeline_amount,
        sum(open_opportunity_count) as open_opportunity_count,
        sum(activity_count) as activity_count
    from rep_month_periods
    group by rep_id, period_id, period_type, fiscal_period
),

last_months as (
    select
        rep_id,
        period_id,
        team_id,
        role,
        is_ramping
    from rep_month_periods
    where recency_rank = 1
),

final as (
    select
        summed.rep_id || '|' || summed.period_id as rep_period_id,
        summed.rep_id,
        summed.period_id,
        summed.period_type,
        summed.fiscal_period,
        last_months.team_id,
        last_months.role,
        last_months.is_ramping,
        summed.quota_amount,
        summed.bookings_amount,
        summed.overlay_credit_amount,
        cast(summed.won_count as {{ dbt.type_bigint() }}) as won_count,
        cast(summed.lost_count as {{ dbt.type_bigint() }}) as lost_count,
        summed.lost_amount,
        cast(summed.won_cycle_days_sum as {{ dbt.type_bigint() }}) as won_cycle_days_sum,
        cast(summed.won_cycle_count as {{ dbt.type_bigint() }}) as won_cycle_count,
        summed.pipeline_created_amount,
        cast(summed.created_count as {{ dbt.type_bigint() }}) as created_count,
        summed.open_pipeline_amount,
        summed.weighted_pipeline_amount,
        cast(summed.open_opportunity_count as {{ dbt.type_bigint() }}) as open_opportunity_count,
        cast(summed.activity_count as {{ dbt.type_bigint() }}) as activity_count
    from summed
    inner join last_months
        on
            summed.rep_id = last_months.rep_id
            and summed.period_id = last_months.period_id
)

select * from final
