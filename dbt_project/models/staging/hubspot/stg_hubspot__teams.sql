{#- HubSpot teams in the columns of stg_crm__user_roles. HubSpot's stable teams API has no
    hierarchy, so every team hangs under one company node (id `hubspot`, named by var
    `hubspot_company_name`): the hierarchy is company -> teams. -#}
with

source as (select * from {{ source('hubspot', 'teams') }}),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as role_id,
        trim(name) as role_name,
        'hubspot' as parent_role_id,
        -- teams carry no modification time: the load that brought the row
        cast(to_timestamp(cast(_dlt_load_id as double)) as {{ dbt.type_timestamp() }})
            as system_modstamp_at,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by role_id
            order by system_modstamp_at desc, dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

teams as (
    select
        role_id,
        role_name,
        parent_role_id,
        system_modstamp_at
    from ranked
    where version_rank = 1
),

company as (
    select
        'hubspot' as role_id,
        '{{ var("hubspot_company_name", "Company") }}' as role_name,
        cast(null as {{ dbt.type_string() }}) as parent_role_id,
        min(system_modstamp_at) as system_modstamp_at
    from teams
),

final as (
    select * from company
    union all
    select * from teams
)

select * from final
