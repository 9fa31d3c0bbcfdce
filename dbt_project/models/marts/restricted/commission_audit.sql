{#-
    Are we paying correctly? Every rep-month where the commission paid (fct_payouts, in the
    corporate currency) differs from what the rep's comp plan says (int_commissions_recomputed,
    the LANDING_CONTRACT.md commission rule) by more than one cent, with both figures: an
    overpayment, an underpayment, a payable month with no payout, a payout for a month the
    plan does not pay, or a plan that cannot be recomputed (no positive AnnualQuota).
    Restricted: individual pay lives in marts_restricted only.
-#}
with

expected as (select * from {{ ref('int_commissions_recomputed') }}),
payouts as (select * from {{ ref('fct_payouts') }}),
reps as (select * from {{ ref('dim_rep') }}),

payable as (
    select *
    from expected
    where is_payable
),

paid as (
    select
        rep_id,
        pay_month_start,
        min(email) as email,
        min(plan_id) as paid_plan_id,
        count(*) as payout_count,
        {{ dbt.listagg('payout_id', "', '", "order by payout_id") }} as payout_ids,
        sum(commission_amount) as paid_commission_amount
    from payouts
    group by rep_id, pay_month_start
),

compared as (
    select
        coalesce(payable.rep_id, paid.rep_id) as rep_id,
        coalesce(payable.month_start, paid.pay_month_start) as pay_month_start,
        coalesce(payable.email, paid.email) as email,
        coalesce(payable.plan_id, paid.paid_plan_id) as plan_id,
        payable.fiscal_year,
        payable.annual_quota,
        payable.ytd_bookings_amount,
        payable.ytd_attainment,
        payable.expected_commission_amount,
        payable.plan_id is not null as has_plan_month,
        paid.payout_count,
        paid.payout_ids,
        paid.paid_commission_amount
    from payable
    full outer join paid
        on
            payable.rep_id = paid.rep_id
            and payable.month_start = paid.pay_month_start
),

classified as (
    select
        *,
        case
            when not has_plan_month then 'payout_without_plan_month'
            when expected_commission_amount is null then 'cannot_recompute'
            when paid_commission_amount is null then 'missing_payout'
            when paid_commission_amount > expected_commission_amount then 'overpaid'
            else 'underpaid'
        end as audit_status
    from compared
    where
        not has_plan_month
        or expected_commission_amount is null
        or abs(coalesce(paid_commission_amount, 0) - expected_commission_amount) > 0.01
),

final as (
    select
        classified.rep_id || '|' || cast(classified.pay_month_start as {{ dbt.type_string() }})
            as commission_audit_id,
        classified.rep_id,
        reps.rep_name,
        classified.email,
        classified.plan_id,
        classified.fiscal_year,
        substring(cast(classified.pay_month_start as {{ dbt.type_string() }}), 1, 7) as pay_month,
        classified.pay_month_start,
        cast(classified.annual_quota as decimal(18, 2)) as annual_quota_amount,
        {{ cents('classified.ytd_bookings_amount') }} as ytd_bookings_amount,
        classified.ytd_attainment,
        classified.expected_commission_amount,
        {{ cents('classified.paid_commission_amount') }} as paid_commission_amount,
        {{ cents(
            'coalesce(classified.paid_commission_amount, 0) - coalesce(classified.expected_commission_amount, 0)'
        ) }} as difference_amount,
        cast(coalesce(classified.payout_count, 0) as {{ dbt.type_bigint() }}) as payout_count,
        classified.payout_ids,
        classified.audit_status,
        {{ as_of_date() }} as as_of_date
    from classified
    left join reps
        on
            classified.rep_id = reps.rep_id
            and reps.is_current
)

select * from final
