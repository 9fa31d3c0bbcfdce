with

stages as (select * from {{ ref('crm_stages') }}),

final as (
    select
        cast(stage_name as {{ dbt.type_string() }}) as stage_name,
        cast(stage_order as integer) as stage_order,
        cast(default_probability as decimal(9, 4)) as default_probability,
        cast(forecast_category as {{ dbt.type_string() }}) as forecast_category,
        cast(is_closed as {{ dbt.type_boolean() }}) as is_closed,
        cast(is_won as {{ dbt.type_boolean() }}) as is_won
    from stages
)

select * from final
