with

source as (select * from {{ source('finance', 'fx_rates') }}),

renamed as (
    select
        cast(date as date) as rate_date,
        upper(trim(currency)) as currency_code,
        cast(rate as decimal(18, 8)) as rate_to_corporate,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by rate_date, currency_code
            order by dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

deduplicated as (
    select
        currency_code || '|' || cast(rate_date as {{ dbt.type_string() }}) as fx_rate_id,
        rate_date,
        currency_code,
        rate_to_corporate
    from ranked
    where version_rank = 1
),

final as (select * from deduplicated)

select * from final
