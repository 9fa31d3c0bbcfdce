{#- Deal stages of every pipeline, one row per stage label (a label used in several pipelines
    takes its first pipeline's place), with probability in percent (0-100) and the forecast
    category of a stage: Closed for won, Omitted for lost, else the category most of the
    stage's deals carry (Pipeline when none). The columns of the company's stage list. -#}
with

source as (select * from {{ source('hubspot', 'deal_stages') }}),

deals as (
    select * from {{ source('hubspot', 'deals') }}
    where _dlt_valid_to is null
),

stages as (
    select
        cast(pipeline_id as {{ dbt.type_string() }}) as pipeline_id,
        cast(stage_id as {{ dbt.type_string() }}) as stage_id,
        trim(label) as stage_name,
        coalesce(pipeline_display_order, 0) * 1000 + coalesce(display_order, 0) as stage_order,
        cast(probability * 100 as decimal(9, 4)) as default_probability,
        coalesce(is_closed, false) as is_closed,
        coalesce(is_closed, false) and probability >= 1 as is_won
    from source
    where not coalesce(archived, false)
),

deal_categories as (
    select
        cast(pipeline as {{ dbt.type_string() }}) as pipeline_id,
        cast(dealstage as {{ dbt.type_string() }}) as stage_id,
        {{ hubspot_forecast_category('hs_forecast_category') }} as forecast_category,
        count(*) as deals
    from deals
    where hs_forecast_category is not null
    group by 1, 2, 3
),

usual_category as (
    select
        pipeline_id,
        stage_id,
        forecast_category
    from deal_categories
    qualify row_number() over (
        partition by pipeline_id, stage_id order by deals desc, forecast_category asc
    ) = 1
),

categorised as (
    select
        stages.stage_name,
        stages.stage_order,
        stages.default_probability,
        case
            when stages.is_won then 'Closed'
            when stages.is_closed then 'Omitted'
            else coalesce(usual_category.forecast_category, 'Pipeline')
        end as forecast_category,
        stages.is_closed,
        stages.is_won
    from stages
    left join usual_category
        on
            stages.pipeline_id = usual_category.pipeline_id
            and stages.stage_id = usual_category.stage_id
),

one_per_label as (
    select *
    from categorised
    qualify row_number() over (partition by stage_name order by stage_order) = 1
),

final as (select * from one_per_label)

select * from final
