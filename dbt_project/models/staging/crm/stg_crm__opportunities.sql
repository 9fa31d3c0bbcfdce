with

source as (select * from {{ source('crm', 'opportunity') }}),

current_versions as (
    select *
    from source
    where _dlt_valid_to is null
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as opportunity_id,
        trim(name) as opportunity_name,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(amount as decimal(18, 2)) as amount,
        upper(trim(currency_iso_code)) as currency_code,
        trim(stage_name) as stage_name,
        cast(probability as decimal(9, 4)) as probability,
        trim(forecast_category_name) as forecast_category,
        cast(close_date as date) as close_date,
        {{ utc_timestamp('created_date') }} as created_at,
        {{ utc_date('created_date') }} as created_date,
        coalesce(cast(is_closed as {{ dbt.type_boolean() }}), false) as is_closed,
        coalesce(cast(is_won as {{ dbt.type_boolean() }}), false) as is_won,
        trim(type) as opportunity_type,
        trim(lead_source) as lead_source,
        coalesce(cast(is_deleted as {{ dbt.type_boolean() }}), false) as is_deleted,
        {{ utc_timestamp('last_modified_date') }} as last_modified_at,
        {{ utc_timestamp('system_modstamp') }} as system_modstamp_at,
        _dlt_load_id as dlt_load_id,
        _dlt_id as dlt_id
    from current_versions
),

ranked as (
    -- duplicates of an Id: the row with the latest SystemModstamp is the truth
    select
        *,
        row_number() over (
            partition by opportunity_id
            order by system_modstamp_at desc, dlt_load_id desc, dlt_id desc
        ) as version_rank
    from renamed
),

latest_not_deleted as (
    -- deduplicate first, then drop soft-deleted records (a deletion is the latest state)
    select
        opportunity_id,
        opportunity_name,
        account_id,
        owner_id,
        amount,
        currency_code,
        stage_name,
        probability,
        forecast_category,
        close_date,
        created_at,
        created_date,
        is_closed,
        is_won,
        opportunity_type,
        lead_source,
        last_modified_at,
        system_modstamp_at
    from ranked
    where version_rank = 1 and not is_deleted
),

final as (select * from latest_not_deleted)

select * from final
