with

source as (select * from {{ source('compensation', 'assignments') }}),

renamed as (
    select
        cast(user_id as {{ dbt.type_string() }}) as rep_id,
        lower(trim(email)) as email,
        cast(team_role_id as {{ dbt.type_string() }}) as team_id,
        lower(trim(role)) as role,
        cast(effective_from as date) as effective_from,
        cast(effective_to as date) as effective_to,
        cast(hire_date as date) as hire_date,
        cast(termination_date as date) as termination_date,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by rep_id, effective_from
            order by dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

deduplicated as (
    select
        rep_id || '|' || cast(effective_from as {{ dbt.type_string() }}) as assignment_id,
        rep_id,
        email,
        team_id,
        role,
        effective_from,
        effective_to,
        hire_date,
        termination_date
    from ranked
    where version_rank = 1
),

final as (select * from deduplicated)

select * from final
