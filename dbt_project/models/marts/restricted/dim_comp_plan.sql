{#-
    Compensation plans (restricted: individual pay lives in marts_restricted only): one row
    per plan, i.e. per rep and fiscal year, with base salary, target variable pay, OTE,
    annual quota and the commission tiers that commission_audit recomputes payouts with.
-#}
with

plans as (select * from {{ ref('stg_compensation__comp_plans') }}),
tiers as (select * from {{ ref('stg_compensation__comp_plan_tiers') }}),
reps as (select * from {{ ref('dim_rep') }}),

tier_summaries as (
    select
        plan_id,
        count(*) as tier_count,
        min(case when tier = 1 then commission_rate end) as base_commission_rate,
        max(commission_rate) as top_commission_rate,
        min(case when tier = 2 then attainment_from end) as accelerator_from_attainment,
        {{ dbt.listagg(
            "cast(cast(round(attainment_from * 100) as integer) as " ~ dbt.type_string() ~ ") || '-' || coalesce(cast(cast(round(attainment_to * 100) as integer) as " ~ dbt.type_string() ~ ") || '%', 'up') || ': ' || cast(cast(commission_rate * 100 as decimal(9, 2)) as " ~ dbt.type_string() ~ ") || '%'",
            "'; '",
            "order by tier"
        ) }} as tiers_description
    from tiers
    group by plan_id
),

final as (
    select
        plans.plan_id,
        plans.rep_id,
        reps.rep_name,
        plans.email,
        plans.fiscal_year,
        plans.effective_from,
        plans.effective_to,
        plans.currency_code,
        plans.base_salary as base_salary_amount,
        plans.target_variable as target_variable_amount,
        plans.ote as ote_amount,
        plans.annual_quota as annual_quota_amount,
        cast(coalesce(tier_summaries.tier_count, 0) as {{ dbt.type_bigint() }}) as tier_count,
        tier_summaries.base_commission_rate,
        tier_summaries.top_commission_rate,
        tier_summaries.accelerator_from_attainment,
        tier_summaries.tiers_description
    from plans
    left join tier_summaries
        on plans.plan_id = tier_summaries.plan_id
    left join reps
        on
            plans.rep_id = reps.rep_id
            and reps.is_current
)

select * from final
