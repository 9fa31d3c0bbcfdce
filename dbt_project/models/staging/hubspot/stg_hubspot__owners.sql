{#- HubSpot owners in the columns of stg_crm__users (stg_crm__users selects from here when
    var crm = hubspot). HubSpot has no titles or managers: both are null. -#}
with

source as (select * from {{ source('hubspot', 'owners') }}),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as user_id,
        trim(concat_ws(' ', trim(first_name), trim(last_name))) as user_name,
        lower(trim(email)) as email,
        cast(null as {{ dbt.type_string() }}) as title,
        cast(primary_team_id as {{ dbt.type_string() }}) as role_id,
        cast(null as {{ dbt.type_string() }}) as manager_id,
        not archived as is_active,
        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_date('created_at') }} as created_date,
        {{ utc_timestamp('updated_at') }} as system_modstamp_at,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by user_id
            order by system_modstamp_at desc, dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

deduplicated as (
    select
        user_id,
        user_name,
        email,
        title,
        role_id,
        manager_id,
        is_active,
        created_at,
        created_date,
        system_modstamp_at
    from ranked
    where version_rank = 1
),

final as (select * from deduplicated)

select * from final
