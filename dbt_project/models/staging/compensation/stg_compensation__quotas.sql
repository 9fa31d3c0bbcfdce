with

source as (select * from {{ source('compensation', 'quotas') }}),

current_versions as (
    select *
    from source
    where _dlt_valid_to is null
),

renamed as (
    select
        cast(email as {{ dbt.type_string() }}) as email_as_written,
        nullif(lower(trim(email)), '') as email,
        trim(name) as rep_name,
        cast(fiscal_year as integer) as workbook_fiscal_year,
        cast(month as date) as month_start,
        cast(quota_amount as decimal(18, 2)) as quota_amount,
        source_file,
        cast(source_row as integer) as source_row,
        source_column,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from current_versions
),

ranked as (
    -- the raw key is (email as written, month), the name when the email is blank; keep one
    -- version of each cell
    select
        *,
        row_number() over (
            partition by coalesce(email_as_written, 'name:' || rep_name), month_start
            order by dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

deduplicated as (
    select
        coalesce(nullif(email_as_written, ''), 'name:' || rep_name) || '|'
        || cast(month_start as {{ dbt.type_string() }}) as quota_cell_id,
        email_as_written,
        email,
        rep_name,
        workbook_fiscal_year,
        month_start,
        quota_amount,
        source_file,
        source_row,
        source_column
    from ranked
    where version_rank = 1
),

final as (select * from deduplicated)

select * from final
