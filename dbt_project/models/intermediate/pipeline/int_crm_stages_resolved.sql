{#-
    The company's own stages, in its own order. From the CRM's stage export
    (stg_crm__opportunity_stages) when it has rows: its SortOrder, DefaultProbability,
    ForecastCategoryName, IsClosed and IsWon. Otherwise (and for any stage the opportunities
    carry that the export lacks) derived from what the opportunities carry: for each
    StageName of any opportunity version, its most common IsClosed, IsWon, Probability and
    ForecastCategoryName. A stage seen only in OpportunityHistory (which has no IsClosed) is
    closed when its forecast category is Closed (won) or Omitted at probability 0 (lost).
    Derived stages are ordered open ones first by typical probability then name, then won,
    then lost; they come after the exported ones.
-#}
with

exported as (select * from {{ ref('stg_crm__opportunity_stages') }}),
versions as (select * from {{ ref('stg_crm__opportunity_versions') }}),
history as (select * from {{ ref('stg_crm__opportunity_history') }}),

version_observations as (
    select
        stage_name,
        probability,
        forecast_category,
        is_closed,
        is_won
    from versions
    where not is_deleted and stage_name is not null and stage_name <> ''
),

history_observations as (
    select
        history.stage_name,
        history.probability,
        history.forecast_category,
        coalesce(
            history.forecast_category = 'Closed'
            or (history.forecast_category = 'Omitted' and history.probability = 0),
            false
        ) as is_closed,
        coalesce(history.forecast_category = 'Closed', false) as is_won
    from history
    where
        history.stage_name is not null
        and history.stage_name <> ''
        and history.stage_name not in (
            select distinct version_observations.stage_name from version_observations
        )
),

observations as (
    select * from version_observations
    union all
    select * from history_observations
),

observed_stages as (
    select distinct stage_name
    from observations
),

typical_probabilities as (
    {{ most_common('observations', 'stage_name', 'probability') }}
),

typical_forecast_categories as (
    {{ most_common('observations', 'stage_name', 'forecast_category') }}
),

typical_closed as (
    {{ most_common('observations', 'stage_name', 'is_closed') }}
),

typical_won as (
    {{ most_common('observations', 'stage_name', 'is_won') }}
),

derived as (
    select
        observed_stages.stage_name,
        observed_stages.stage_name as stage_label,
        true as is_active,
        coalesce(typical_closed.is_closed, false) as is_closed,
        coalesce(typical_won.is_won, false) as is_won,
        typical_probabilities.probability as default_probability,
        typical_forecast_categories.forecast_category,
        'opportunities' as stage_source,
        2 as source_rank,
        cast(null as integer) as sort_order
    from observed_stages
    left join typical_probabilities
        on observed_stages.stage_name = typical_probabilities.stage_name
    left join typical_forecast_categories
        on observed_stages.stage_name = typical_forecast_categories.stage_name
    left join typical_closed
        on observed_stages.stage_name = typical_closed.stage_name
    left join typical_won
        on observed_stages.stage_name = typical_won.stage_name
    where observed_stages.stage_name not in (select exported.stage_name from exported)
),

from_export as (
    select
        stage_name,
        stage_label,
        is_active,
        is_closed,
        is_won,
        default_probability,
        forecast_category,
        'opportunity_stage' as stage_source,
        1 as source_rank,
        sort_order
    from exported
),

unioned as (
    select * from from_export
    union all
    select * from derived
),

ordered as (
    select
        *,
        row_number() over (
            order by
                source_rank,
                sort_order,
                case when is_closed then 1 else 0 end,
                case when is_won then 0 else 1 end,
                default_probability,
                stage_name
        ) as stage_order
    from unioned
),

final as (
    select
        cast(stage_name as {{ dbt.type_string() }}) as stage_name,
        cast(stage_label as {{ dbt.type_string() }}) as stage_label,
        cast(stage_order as integer) as stage_order,
        cast(default_probability as decimal(9, 4)) as default_probability,
        cast(forecast_category as {{ dbt.type_string() }}) as forecast_category,
        cast(is_closed as {{ dbt.type_boolean() }}) as is_closed,
        cast(is_won as {{ dbt.type_boolean() }}) as is_won,
        cast(is_active as {{ dbt.type_boolean() }}) as is_active,
        cast(stage_source as {{ dbt.type_string() }}) as stage_source
    from ordered
)

select * from final
