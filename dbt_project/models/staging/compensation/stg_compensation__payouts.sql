with

source as (select * from {{ source('compensation', 'payouts') }}),

renamed as (
    select
        cast(payout_id as {{ dbt.type_string() }}) as payout_id,
        lower(trim(email)) as email,
        cast(user_id as {{ dbt.type_string() }}) as rep_id,
        cast(plan_id as {{ dbt.type_string() }}) as plan_id,
        trim(pay_month) as pay_month,
        {{ try_cast("trim(pay_month) || '-01'", 'date') }} as pay_month_start,
        upper(trim(currency)) as currency_code,
        cast(commission_amount as decimal(18, 2)) as commission_amount,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by payout_id
            order by dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

deduplicated as (
    select
        payout_id,
        email,
        rep_id,
        plan_id,
        pay_month,
        pay_month_start,
        currency_code,
        commission_amount
    from ranked
    where version_rank = 1
),

final as (select * from deduplicated)

select * from final
