with

source as (select * from {{ source('compensation', 'comp_plans') }}),

renamed as (
    select
        cast(plan_id as {{ dbt.type_string() }}) as plan_id,
        lower(trim(email)) as email,
        cast(user_id as {{ dbt.type_string() }}) as rep_id,
        cast(fiscal_year as integer) as fiscal_year,
        cast(effective_from as date) as effective_from,
        cast(effective_to as date) as effective_to,
        upper(trim(currency)) as currency_code,
        cast(base_salary as decimal(18, 2)) as base_salary,
        cast(target_variable as decimal(18, 2)) as target_variable,
        cast(ote as decimal(18, 2)) as ote,
        cast(annual_quota as decimal(18, 2)) as annual_quota,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by plan_id
            order by dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

deduplicated as (
    select
        plan_id,
        email,
        rep_id,
        fiscal_year,
        effective_from,
        effective_to,
        currency_code,
        base_salary,
        target_variable,
        ote,
        annual_quota
    from ranked
    where version_rank = 1
),

final as (select * from deduplicated)

select * from final
