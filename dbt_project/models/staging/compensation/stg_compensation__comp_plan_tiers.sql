with

source as (select * from {{ source('compensation', 'comp_plan_tiers') }}),

renamed as (
    select
        cast(plan_id as {{ dbt.type_string() }}) as plan_id,
        cast(tier as integer) as tier,
        cast(attainment_from as decimal(9, 4)) as attainment_from,
        cast(attainment_to as decimal(9, 4)) as attainment_to,
        cast(commission_rate as decimal(9, 4)) as commission_rate,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by plan_id, tier
            order by dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

deduplicated as (
    select
        plan_id || '|' || cast(tier as {{ dbt.type_string() }}) as plan_tier_id,
        plan_id,
        tier,
        attainment_from,
        attainment_to,
        commission_rate
    from ranked
    where version_rank = 1
),

final as (select * from deduplicated)

select * from final
