{#-
    Quota by rep x fiscal month from the sales-ops workbook (already ramped), with the team
    the rep-month rolls up to and the workbook cell it came from. Months left blank in the
    workbook have no row; quarantined cells are in quarantine.quotas.
-#}
with

quotas as (select * from {{ ref('int_quotas_mapped') }}),
rep_months as (select * from {{ ref('int_rep_months_aggregated') }}),

final as (
    select
        quotas.quota_id,
        quotas.rep_id,
        rep_months.team_id,
        quotas.fiscal_month_start,
        quotas.fiscal_month_period,
        quotas.fiscal_quarter_period,
        quotas.fiscal_year_period,
        quotas.quota_amount,
        quotas.source_file,
        quotas.source_row,
        quotas.source_column
    from quotas
    left join rep_months
        on
            quotas.rep_id = rep_months.rep_id
            and quotas.fiscal_month_start = rep_months.fiscal_month_start
)

select * from final
