with

versions as (select * from {{ ref('stg_crm__opportunity_versions') }}),

current_versions as (
    select *
    from versions
    where is_current_version
),

ranked as (
    -- duplicates of an Id: the row with the latest SystemModstamp is the truth
    select
        *,
        row_number() over (
            partition by opportunity_id
            order by system_modstamp_at desc, dlt_load_id desc, dlt_id desc
        ) as version_rank
    from current_versions
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
        system_modstamp_at,
        next_step,
        is_next_step_tracked
    from ranked
    where version_rank = 1 and not is_deleted
),

final as (select * from latest_not_deleted)

select * from final
