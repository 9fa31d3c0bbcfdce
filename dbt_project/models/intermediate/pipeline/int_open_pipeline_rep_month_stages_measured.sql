{#-
    The open pipeline on the as-of date per credited rep, pipeline month and stage: deal
    count, open and weighted amount (cents per credit), the long-table form pipeline_by_stage
    rolls up (one row per stage, whatever stages the company has).
-#}
with

open_credits as (select * from {{ ref('int_open_pipeline_credits_valued') }}),

final as (
    select
        rep_id || '|' || cast(fiscal_month_start as {{ dbt.type_string() }}) || '|' || stage_name
            as rep_month_stage_id,
        rep_id,
        fiscal_month_start,
        stage_name,
        count(*) as deal_count,
        sum(open_amount) as open_amount,
        sum(weighted_amount) as weighted_amount
    from open_credits
    group by rep_id, fiscal_month_start, stage_name
)

select * from final
