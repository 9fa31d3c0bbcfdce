{#-
    The company's stages in its own order (int_crm_stages_resolved: the CRM's stage export,
    else derived from the opportunities).
-#}
with

stages as (select * from {{ ref('int_crm_stages_resolved') }}),

final as (
    select
        stage_name,
        stage_label,
        stage_order,
        default_probability,
        forecast_category,
        is_closed,
        is_won,
        is_active,
        stage_source
    from stages
)

select * from final
