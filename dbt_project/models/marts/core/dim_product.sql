with

products as (select * from {{ ref('stg_crm__products') }}),

final as (
    select
        product_id,
        product_name,
        product_family,
        is_active
    from products
)

select * from final
