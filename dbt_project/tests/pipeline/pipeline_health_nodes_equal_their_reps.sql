-- A failure means a team, region or company row of pipeline_health does not equal the sum of
-- the rep-months that roll up to it: open pipeline was lost or counted twice on the way up
-- the hierarchy (the company must equal every rep's open pipeline of the period).
with

health as (select * from {{ ref('pipeline_health') }}),

rep_totals as (
    select
        period_type,
        fiscal_period,
        sum(open_pipeline_amount) as rep_open_pipeline_amount,
        sum(open_deal_count) as rep_open_deal_count
    from health
    where hierarchy_level = 'rep' and period_type = 'month'
    group by period_type, fiscal_period
),

company_rows as (
    select
        period_type,
        fiscal_period,
        open_pipeline_amount,
        open_deal_count
    from health
    where hierarchy_level = 'company' and period_type = 'month'
)

select
    coalesce(company_rows.fiscal_period, rep_totals.fiscal_period) as fiscal_period,
    company_rows.open_pipeline_amount,
    rep_totals.rep_open_pipeline_amount,
    company_rows.open_deal_count,
    rep_totals.rep_open_deal_count
from company_rows
full outer join rep_totals
    on
        company_rows.period_type = rep_totals.period_type
        and company_rows.fiscal_period = rep_totals.fiscal_period
where
    coalesce(company_rows.open_pipeline_amount, 0) <> coalesce(rep_totals.rep_open_pipeline_amount, 0)
    or coalesce(company_rows.open_deal_count, 0) <> coalesce(rep_totals.rep_open_deal_count, 0)
