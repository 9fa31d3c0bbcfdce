with

accounts as (select * from {{ ref('stg_crm__accounts') }}),

final as (
    select
        account_id,
        account_name,
        industry,
        billing_country,
        owner_id,
        created_date
    from accounts
)

select * from final
