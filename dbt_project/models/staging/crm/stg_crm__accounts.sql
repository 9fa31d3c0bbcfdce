with

source as (select * from {{ crm_source('account') }}),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as account_id,
        trim(name) as account_name,
        trim(industry) as industry,
        trim(billing_country) as billing_country,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        {{ utc_timestamp('created_date') }} as created_at,
        {{ utc_date('created_date') }} as created_date,
        coalesce(cast(is_deleted as {{ dbt.type_boolean() }}), false) as is_deleted,
        {{ utc_timestamp('system_modstamp') }} as system_modstamp_at,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from source
),

ranked as (
    select
        *,
        row_number() over (
            partition by account_id
            order by system_modstamp_at desc, dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

latest_not_deleted as (
    select
        account_id,
        account_name,
        industry,
        billing_country,
        owner_id,
        created_at,
        created_date,
        system_modstamp_at
    from ranked
    where version_rank = 1 and not is_deleted
),

final as (select * from latest_not_deleted)

select * from final
