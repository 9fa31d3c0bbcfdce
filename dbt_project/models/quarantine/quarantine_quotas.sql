{{ config(alias='quotas') }}
{#-
    Quota workbook cells that cannot be used, one row per cell and broken rule, with the cell
    (file, sheet row and column) and its values: an email (or, when matched by name, a name)
    that is no known rep, an email or name that matches two users, a negative amount, or two
    cells for the same rep and month. The marts exclude them (int_quotas_mapped).
-#}
with

quota_cells as (select * from {{ ref('int_quota_cells_matched') }}),

unknown_rep_email as (
    select
        quota_cell_id,
        'unknown_rep_email' as rule,
        'Email ''' || email_as_written || ''' matches no CRM user or assignment' as detail
    from quota_cells
    where matched_rep_count = 0 and match_key = 'email'
),

unknown_rep_name as (
    select
        quota_cell_id,
        'unknown_rep_name' as rule,
        'Name ''' || coalesce(rep_name, '(blank)') || ''' matches no CRM user' as detail
    from quota_cells
    where matched_rep_count = 0 and match_key = 'name'
),

ambiguous_rep_email as (
    select
        quota_cell_id,
        'ambiguous_rep_email' as rule,
        'Email ''' || email_as_written || ''' matches ' || cast(matched_rep_count as {{ dbt.type_string() }})
        || ' users' as detail
    from quota_cells
    where matched_rep_count > 1 and match_key = 'email'
),

ambiguous_rep_name as (
    select
        quota_cell_id,
        'ambiguous_rep_name' as rule,
        'Name ''' || rep_name || ''' matches ' || cast(matched_rep_count as {{ dbt.type_string() }})
        || ' CRM users (the CRM has no emails to tell them apart)' as detail
    from quota_cells
    where matched_rep_count > 1 and match_key = 'name'
),

negative_quota as (
    select
        quota_cell_id,
        'negative_quota' as rule,
        'Quota ' || cast(quota_amount as {{ dbt.type_string() }}) || ' is negative' as detail
    from quota_cells
    where quota_amount < 0
),

duplicate_rep_month as (
    select
        quota_cell_id,
        'duplicate_rep_month' as rule,
        'Another workbook cell also gives ' || rep_id || ' a quota for '
        || cast(month_start as {{ dbt.type_string() }}) as detail
    from quota_cells
    where cells_for_rep_month > 1
),

broken_rules as (
    select * from unknown_rep_email
    union all
    select * from ambiguous_rep_email
    union all
    select * from unknown_rep_name
    union all
    select * from ambiguous_rep_name
    union all
    select * from negative_quota
    union all
    select * from duplicate_rep_month
),

final as (
    select
        broken_rules.quota_cell_id || '|' || broken_rules.rule as quarantine_id,
        broken_rules.quota_cell_id,
        broken_rules.rule,
        broken_rules.detail,
        quota_cells.email_as_written,
        quota_cells.email,
        quota_cells.rep_name,
        quota_cells.month_start,
        quota_cells.quota_amount,
        quota_cells.source_file,
        quota_cells.source_row,
        quota_cells.source_column
    from broken_rules
    inner join quota_cells
        on broken_rules.quota_cell_id = quota_cells.quota_cell_id
)

select * from final
