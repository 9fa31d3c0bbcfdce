{#-
    The open pipeline on the as-of date per credited rep and close month: every deal open at
    the end of the as-of date counts, for each rep of its revenue credit, in the fiscal month
    of its close date (as open pipeline does in int_rep_months_aggregated), valued at the
    close-date rate x credit share in cents. Also the counts by age bucket and by stage and
    the day sums that averages are computed from, so every measure adds up over months,
    reps and teams.
-#}
{%- set open_stages = open_stage_names() -%}

with

pinned as (select * from {{ ref('int_opportunity_states_pinned') }}),
credits as (select * from {{ ref('int_opportunity_credits_split') }}),

open_credits as (
    select
        credits.rep_id,
        {{ month_start('pinned.close_date') }} as fiscal_month_start,
        pinned.opportunity_id,
        pinned.stage_name,
        pinned.forecast_category,
        pinned.age_days,
        pinned.days_in_stage,
        {{ credited_cents('pinned.local_amount', 'pinned.valuation_rate', 'credits.credit_share') }}
            as open_amount,
        {{ cents(full_precision('cast(pinned.local_amount as decimal(38, 10)) * pinned.valuation_rate')
            ~ ' * credits.credit_share * pinned.probability * cast(0.01 as decimal(3, 2))') }}
            as weighted_amount
    from pinned
    inner join credits
        on pinned.opportunity_id = credits.opportunity_id
    where pinned.is_open and credits.credit_type = 'revenue'
),

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
        {% for stage in open_stages %}
            sum(case when stage_name = '{{ stage }}' then 1 else 0 end) as {{ stage_column_stem(stage) }}_deal_count,
            sum(case when stage_name = '{{ stage }}' then open_amount else 0 end)
                as {{ stage_column_stem(stage) }}_amount,
        {% endfor %}
        sum(days_in_stage) as days_in_stage_sum
    from open_credits
    group by rep_id, fiscal_month_start
)

select * from final
