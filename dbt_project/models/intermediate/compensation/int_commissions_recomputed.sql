{#-
    Each rep's commission per month, recomputed from their comp plan with the rule of
    ingestion/LANDING_CONTRACT.md ("Commission rule"):
    - B = fiscal-year-to-date credited bookings (revenue credit of closed-won deals, in the
      corporate currency at the close date's rate, full precision) through the month;
    - C(B) = sum over the plan's tiers of rate x max(0, min(B, to x Q) - from x Q), with Q
      the plan's AnnualQuota and `to` blank for the open top tier (rates above tier 1 are
      the accelerators);
    - commission of month m = C(B through m) - C(B through m-1), rounded to cents.
    One row per plan and month of the plan's fiscal year in its effective range, for months
    ended by the as-of date (a month is paid once it is over). Bookings count from the
    fiscal year's first day, also before the plan's effective date.
-#}
with

plans as (select * from {{ ref('stg_compensation__comp_plans') }}),
tiers as (select * from {{ ref('stg_compensation__comp_plan_tiers') }}),
credits as (select * from {{ ref('int_opportunity_credits_split') }}),
periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),

fiscal_years as (
    select
        fiscal_year,
        period_start as fiscal_year_start,
        period_end as fiscal_year_end
    from periods
    where period_type = 'year'
),

months as (
    select
        period_start as month_start,
        period_end as month_end
    from periods
    where period_type = 'month'
),

plan_months as (
    select
        plans.plan_id,
        plans.rep_id,
        plans.email,
        plans.fiscal_year,
        plans.annual_quota,
        plans.effective_from,
        plans.effective_to,
        fiscal_years.fiscal_year_start,
        months.month_start,
        months.month_end
    from plans
    inner join fiscal_years
        on plans.fiscal_year = fiscal_years.fiscal_year
    inner join months
        on
            fiscal_years.fiscal_year_start <= months.month_start
            and fiscal_years.fiscal_year_end >= months.month_end
),

won_credits as (
    select
        rep_id,
        close_date,
        credited_amount
    from credits
    where credit_type = 'revenue' and is_won and close_date <= {{ as_of_date() }}
),

plan_month_bookings as (
    select
        plan_months.plan_id,
        plan_months.month_start,
        coalesce(sum(won_credits.credited_amount), 0) as month_bookings_amount
    from plan_months
    left join won_credits
        on
            plan_months.rep_id = won_credits.rep_id
            and plan_months.month_start <= won_credits.close_date
            and plan_months.month_end >= won_credits.close_date
    group by plan_months.plan_id, plan_months.month_start
),

cumulative as (
    select
        plan_months.*,
        plan_month_bookings.month_bookings_amount,
        sum(plan_month_bookings.month_bookings_amount) over (
            partition by plan_months.plan_id
            order by plan_months.month_start
            rows between unbounded preceding and current row
        ) as ytd_bookings_amount
    from plan_months
    inner join plan_month_bookings
        on
            plan_months.plan_id = plan_month_bookings.plan_id
            and plan_months.month_start = plan_month_bookings.month_start
),

tiered as (
    select
        cumulative.plan_id,
        cumulative.month_start,
        sum(
            tiers.commission_rate * greatest(
                0,
                case
                    when
                        tiers.attainment_to is null
                        or cumulative.ytd_bookings_amount < tiers.attainment_to * cumulative.annual_quota
                        then cumulative.ytd_bookings_amount
                    else tiers.attainment_to * cumulative.annual_quota
                end
                - tiers.attainment_from * cumulative.annual_quota
            )
        ) as commission_through_month,
        sum(
            tiers.commission_rate * greatest(
                0,
                case
                    when
                        tiers.attainment_to is null
                        or cumulative.ytd_bookings_amount - cumulative.month_bookings_amount
                        < tiers.attainment_to * cumulative.annual_quota
                        then cumulative.ytd_bookings_amount - cumulative.month_bookings_amount
                    else tiers.attainment_to * cumulative.annual_quota
                end
                - tiers.attainment_from * cumulative.annual_quota
            )
        ) as commission_before_month,
        count(*) as tier_count
    from cumulative
    inner join tiers
        on cumulative.plan_id = tiers.plan_id
    where cumulative.annual_quota > 0
    group by cumulative.plan_id, cumulative.month_start
),

final as (
    select
        cumulative.plan_id || '|' || cast(cumulative.month_start as {{ dbt.type_string() }})
            as plan_month_id,
        cumulative.plan_id,
        cumulative.rep_id,
        cumulative.email,
        cumulative.fiscal_year,
        cumulative.month_start,
        cumulative.month_end,
        cumulative.annual_quota,
        cumulative.month_bookings_amount,
        cumulative.ytd_bookings_amount,
        {{ safe_ratio('cumulative.ytd_bookings_amount', 'cumulative.annual_quota') }} as ytd_attainment,
        tiered.commission_through_month,
        tiered.commission_before_month,
        {{ cents('tiered.commission_through_month - tiered.commission_before_month') }}
            as expected_commission_amount,
        cumulative.month_start >= {{ month_start('cumulative.effective_from') }}
        and (cumulative.effective_to is null or cumulative.month_start <= cumulative.effective_to)
        and cumulative.month_end <= {{ as_of_date() }} as is_payable
    from cumulative
    left join tiered
        on
            cumulative.plan_id = tiered.plan_id
            and cumulative.month_start = tiered.month_start
)

select * from final
