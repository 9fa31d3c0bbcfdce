with

source as (select * from {{ source('revenue_intelligence', 'forecast_submissions') }}),

renamed as (
    select
        cast(submission_id as {{ dbt.type_string() }}) as submission_id,
        cast(submitter_id as {{ dbt.type_string() }}) as submitter_id,
        lower(trim(submitter_role)) as submitter_role,
        upper(trim(fiscal_period)) as fiscal_period,
        trim(forecast_category) as forecast_category,
        cast(amount as decimal(18, 2)) as amount,
        upper(trim(currency)) as currency_code,
        {{ utc_timestamp('submitted_at') }} as submitted_at,
        {{ utc_date('submitted_at') }} as submitted_date,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by submission_id
            order by submitted_at desc, dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

deduplicated as (
    select
        submission_id,
        submitter_id,
        submitter_role,
        fiscal_period,
        forecast_category,
        amount,
        currency_code,
        submitted_at,
        submitted_date
    from ranked
    where version_rank = 1
),

final as (select * from deduplicated)

select * from final
