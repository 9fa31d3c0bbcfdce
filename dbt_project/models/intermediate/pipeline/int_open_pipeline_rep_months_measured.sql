{#-
    The open pipeline on the as-of date per credited rep and pipeline month: every deal open at
    the end of the as-of date counts, for each rep of its revenue credit, in the fiscal month
    of its pipeline close date (its close date; the as-of date when it is undated or past
    due), as open pipeline does in int_rep_months_aggregated, valued at the close-date rate x
    credit share in cents. Also the counts by age bucket, the hygiene counts (undated, past
    due, no amount, no next step) and the day sums that averages are computed from, so every measure adds
    up over months, reps and teams. The same by stage: int_open_pipeline_rep_month_stages_measured.
-#}
with

open_credits as (select * from {{ ref('int_open_pipeline_credits_valued') }}),

final as (
    select
        rep_id || '|' || cast(fiscal_month_start as {{ dbt.type_string() }}) as rep_month_id,
        rep_id,
        fiscal_month_start,
        sum(open_amount) as open_pipeline_amount,
        sum(weighted_amount) as weighted_pipeline_amount,
        sum(case when forecast_category = 'Commit' then open_amount else 0 end) as commit_pipeline_amount,
        sum(case when forecast_category = 'Best Case' then open_amount else 0 end)
            as best_case_pipeline_amount,
        count(*) as open_deal_count,
        sum(case when age_days <= 30 then 1 else 0 end) as deals_0_30_count,
        sum(case when age_days > 30 and age_days <= 60 then 1 else 0 end) as deals_31_60_count,
        sum(case when age_days > 60 and age_days <= 90 then 1 else 0 end) as deals_61_90_count,
        sum(case when age_days > 90 then 1 else 0 end) as deals_90_plus_count,
        sum(age_days) as age_days_sum,
        sum(case when close_date_status = 'undated' then 1 else 0 end) as undated_deal_count,
        sum(case when close_date_status = 'past_due' then 1 else 0 end) as past_due_deal_count,
        sum(case when is_amount_missing then 1 else 0 end) as no_amount_deal_count,
        sum(case when is_next_step_missing then 1 else 0 end) as no_next_step_deal_count,
        sum(days_in_stage) as days_in_stage_sum
    from open_credits
    group by rep_id, fiscal_month_start
)

select * from final
