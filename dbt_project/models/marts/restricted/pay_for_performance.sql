{#-
    Are we paying for performance? Per rep and fiscal year of a comp plan (restricted:
    individual pay lives in marts_restricted only): attainment, the variable pay received
    (commission payouts of the year's months, fct_payouts) and what the plan says it should
    have been (int_commissions_recomputed), the base salary earned (the plan's annual base
    prorated over the days of the fiscal year in its effective range, up to the as-of date),
    total pay, the effective commission rate (variable pay / bookings) and the cost of sales
    (total pay / bookings); and per team and year, the correlation between attainment and
    variable pay across the team's reps (near 1: pay follows performance). A rep's year
    belongs to the team they were in at the year's end.
-#}
with

comp_plans as (select * from {{ ref('dim_comp_plan') }}),
commissions as (select * from {{ ref('int_commissions_recomputed') }}),
payouts as (select * from {{ ref('fct_payouts') }}),
rep_performance as (select * from {{ ref('rep_performance') }}),
periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),
rep_period_teams as (select * from {{ ref('int_rep_period_teams_anchored') }}),
fx_rates_daily as (select * from {{ ref('int_fx_rates_daily') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),
reps as (select * from {{ ref('dim_rep') }}),

plans as (
    select
        plan_id,
        rep_id,
        fiscal_year,
        effective_from,
        effective_to,
        currency_code,
        base_salary_amount as base_salary,
        target_variable_amount as target_variable
    from comp_plans
),

plan_years as (
    select
        plans.*,
        periods.period_id,
        periods.fiscal_period,
        periods.period_start as fiscal_year_start,
        periods.period_end as fiscal_year_end,
        periods.calendar_days as fiscal_year_days,
        case
            when plans.effective_to is null or plans.effective_to > {{ as_of_date() }}
                then {{ as_of_date() }}
            else plans.effective_to
        end as base_paid_through
    from plans
    inner join periods
        on
            periods.period_type = 'year'
            and plans.fiscal_year = periods.fiscal_year
),

paid_by_plan_year as (
    select
        plan_years.plan_id,
        sum(payouts.commission_amount) as variable_pay_amount,
        count(*) as payout_count
    from plan_years
    inner join payouts
        on
            plan_years.rep_id = payouts.rep_id
            and plan_years.fiscal_year_start <= payouts.pay_month_start
            and plan_years.fiscal_year_end >= payouts.pay_month_start
    group by plan_years.plan_id
),

expected_by_plan_year as (
    select
        plan_id,
        sum(expected_commission_amount) as expected_variable_pay_amount
    from commissions
    where is_payable
    group by plan_id
),

measured as (
    select
        plan_years.plan_id,
        plan_years.rep_id,
        plan_years.fiscal_year,
        plan_years.period_id,
        plan_years.fiscal_period,
        rep_period_teams.team_id,
        rep_performance.quota_amount,
        coalesce(rep_performance.bookings_amount, 0) as bookings_amount,
        rep_performance.attainment,
        plan_years.base_salary,
        plan_years.target_variable,
        case
            when plan_years.base_paid_through < plan_years.effective_from then 0
            else
                plan_years.base_salary * fx_rates_daily.rate_to_corporate
                * ({{ days_between('plan_years.effective_from', 'plan_years.base_paid_through') }} + 1)
                / plan_years.fiscal_year_days
        end as base_salary_earned,
        coalesce(paid_by_plan_year.variable_pay_amount, 0) as variable_pay_amount,
        coalesce(paid_by_plan_year.payout_count, 0) as payout_count,
        expected_by_plan_year.expected_variable_pay_amount
    from plan_years
    left join rep_performance
        on
            plan_years.rep_id = rep_performance.rep_id
            and rep_performance.period_type = 'year'
            and plan_years.fiscal_period = rep_performance.fiscal_period
    left join rep_period_teams
        on
            plan_years.rep_id = rep_period_teams.rep_id
            and plan_years.period_id = rep_period_teams.period_id
    left join fx_rates_daily
        on
            plan_years.currency_code = fx_rates_daily.currency_code
            and plan_years.base_paid_through = fx_rates_daily.date_day
    left join paid_by_plan_year
        on plan_years.plan_id = paid_by_plan_year.plan_id
    left join expected_by_plan_year
        on plan_years.plan_id = expected_by_plan_year.plan_id
),

team_sums as (
    -- Pearson's r from exact sums: each term is fixed to decimals before it is added, as
    -- corr() adds doubles in whatever order DuckDB's threads deliver them and two identical
    -- runs would publish different last digits
    select
        team_id,
        fiscal_year,
        count(*) as pair_count,
        sum(cast(attainment as decimal(38, 10))) as sum_x,
        sum(cast(variable_pay_amount as decimal(38, 2))) as sum_y,
        sum(cast(attainment * variable_pay_amount as decimal(38, 6))) as sum_xy,
        sum(cast(attainment * attainment as decimal(38, 10))) as sum_xx,
        sum(cast(variable_pay_amount * variable_pay_amount as decimal(38, 4))) as sum_yy
    from measured
    where attainment is not null
    group by team_id, fiscal_year
),

team_correlations as (
    select
        team_id,
        fiscal_year,
        case
            when pair_count >= 2
                then
                    (
                        pair_count * cast(sum_xy as {{ type_double() }})
                        - cast(sum_x as {{ type_double() }}) * cast(sum_y as {{ type_double() }})
                    )
                    / nullif(
                        sqrt(
                            (
                                pair_count * cast(sum_xx as {{ type_double() }})
                                - cast(sum_x as {{ type_double() }}) * cast(sum_x as {{ type_double() }})
                            )
                            * (
                                pair_count * cast(sum_yy as {{ type_double() }})
                                - cast(sum_y as {{ type_double() }}) * cast(sum_y as {{ type_double() }})
                            )
                        ),
                        0
                    )
        end as team_attainment_pay_correlation
    from team_sums
),

final as (
    select
        measured.plan_id || '|' || cast(measured.fiscal_year as {{ dbt.type_string() }})
            as pay_for_performance_id,
        measured.plan_id,
        measured.rep_id,
        reps.rep_name,
        measured.team_id,
        teams.team_name,
        measured.fiscal_year,
        measured.fiscal_period,
        {{ cents('measured.quota_amount') }} as quota_amount,
        {{ cents('measured.bookings_amount') }} as bookings_amount,
        measured.attainment,
        {{ cents('measured.base_salary_earned') }} as base_salary_amount,
        {{ cents('measured.variable_pay_amount') }} as variable_pay_amount,
        {{ cents('measured.expected_variable_pay_amount') }} as expected_variable_pay_amount,
        {{ cents('measured.target_variable') }} as target_variable_amount,
        {{ cents('measured.base_salary_earned + measured.variable_pay_amount') }} as total_pay_amount,
        cast(measured.payout_count as {{ dbt.type_bigint() }}) as payout_count,
        {{ safe_ratio('measured.variable_pay_amount', 'measured.bookings_amount') }}
            as effective_commission_rate,
        {{ safe_ratio('measured.base_salary_earned + measured.variable_pay_amount', 'measured.bookings_amount') }}
            as cost_of_sales,
        cast(team_correlations.team_attainment_pay_correlation as {{ type_double() }})
            as team_attainment_pay_correlation,
        {{ as_of_date() }} as as_of_date
    from measured
    left join team_correlations
        on
            measured.team_id = team_correlations.team_id
            and measured.fiscal_year = team_correlations.fiscal_year
    left join teams
        on measured.team_id = teams.team_id
    left join reps
        on
            measured.rep_id = reps.rep_id
            and reps.is_current
)

select * from final
