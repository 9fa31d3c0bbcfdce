{#-
    Quotas by rep x fiscal month: the workbook cells that passed every quarantine rule,
    placed in the fiscal calendar of the run by their calendar month (so the same workbook
    reads right under any fiscal_year_start_month).
-#}
with

quota_cells as (select * from {{ ref('int_quota_cells_matched') }}),
quarantined as (select * from {{ ref('quarantine_quotas') }}),
calendar_days as (select * from {{ ref('int_calendar_days_enriched') }}),

valid_cells as (
    select quota_cells.*
    from quota_cells
    left join quarantined
        on quota_cells.quota_cell_id = quarantined.quota_cell_id
    where quarantined.quota_cell_id is null
),

placed as (
    select
        valid_cells.rep_id || '|' || cast(valid_cells.month_start as {{ dbt.type_string() }})
            as quota_id,
        valid_cells.rep_id,
        calendar_days.fiscal_month_start,
        calendar_days.fiscal_month_period,
        calendar_days.fiscal_quarter_period,
        calendar_days.fiscal_year_period,
        calendar_days.fiscal_year,
        valid_cells.quota_amount,
        valid_cells.quota_cell_id,
        valid_cells.email_as_written,
        valid_cells.source_file,
        valid_cells.source_row,
        valid_cells.source_column
    from valid_cells
    left join calendar_days
        on valid_cells.month_start = calendar_days.date_day
),

final as (select * from placed)

select * from final
