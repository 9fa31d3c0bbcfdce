{#- Deal history in the columns of stg_crm__opportunity_history: one row per moment a deal's
    stage, amount or close date changed, holding the full state after it (each property's
    latest value at or before that moment). Probability and forecast category are the
    stage's, as HubSpot keeps no history of them here. -#}
with

source as (select * from {{ source('hubspot', 'deal_property_history') }}),

deals as (
    select * from {{ source('hubspot', 'deals') }}
    where _dlt_valid_to is null
),

stages as (select * from {{ ref('stg_hubspot__deal_stages') }}),

stage_labels as (
    select
        cast(pipeline_id as {{ dbt.type_string() }}) as pipeline_id,
        cast(stage_id as {{ dbt.type_string() }}) as stage_id,
        trim(label) as stage_name
    from {{ source('hubspot', 'deal_stages') }}
),

changes as (
    select
        cast(deal_id as {{ dbt.type_string() }}) as deal_id,
        property,
        value,
        {{ utc_timestamp('timestamp') }} as changed_at
    from source
),

moments as (
    select
        deal_id,
        changed_at,
        max(case when property = 'dealstage' then value end) as dealstage,
        max(case when property = 'amount' then value end) as amount,
        max(case when property = 'closedate' then value end) as closedate
    from changes
    group by 1, 2
),

filled as (
    select
        deal_id,
        changed_at,
        {{ last_value_ignore_nulls('dealstage') }} over deal_timeline as dealstage,
        {{ last_value_ignore_nulls('amount') }} over deal_timeline as amount,
        {{ last_value_ignore_nulls('closedate') }} over deal_timeline as closedate
    from moments
    window deal_timeline as (
        partition by deal_id order by changed_at
        rows between unbounded preceding and current row
    )
),

labelled as (
    select
        md5(filled.deal_id || '|' || cast(filled.changed_at as {{ dbt.type_string() }}))
            as opportunity_history_id,
        filled.deal_id as opportunity_id,
        coalesce(stage_labels.stage_name, filled.dealstage) as stage_name,
        {{ try_cast('filled.amount', 'decimal(18, 2)') }} as amount,
        cast({{ try_cast('filled.closedate', 'timestamp with time zone') }} as date) as close_date,
        stages.default_probability as probability,
        stages.forecast_category,
        filled.changed_at,
        cast(filled.changed_at as date) as changed_date,
        -- like OpportunityHistory's SystemModstamp: the moment of the change
        filled.changed_at as system_modstamp_at
    from filled
    inner join deals
        on filled.deal_id = cast(deals.id as {{ dbt.type_string() }})
    left join stage_labels
        on
            cast(deals.pipeline as {{ dbt.type_string() }}) = stage_labels.pipeline_id
            and filled.dealstage = stage_labels.stage_id
    left join stages
        on coalesce(stage_labels.stage_name, filled.dealstage) = stages.stage_name
    where not coalesce(deals.archived, false)
),

final as (select * from labelled)

select * from final
