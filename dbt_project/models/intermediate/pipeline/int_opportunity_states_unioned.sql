{#-
    Every state an opportunity has been seen in, from both histories the product keeps:
    - the CRM's OpportunityHistory: one row per change holding the full state after it, at
      the change's CreatedDate;
    - the warehouse's own scd2 history of raw_crm.opportunity (dlt keeps every version the
      loads saw), at the version's LastModifiedDate (the load time when that is blank). It
      holds changes the CRM's history missed, e.g. an edit made while history tracking was off.
    Only valid opportunities (int_opportunities_validated) are kept; soft-deleted versions
    are no state. int_opportunity_states_sequenced orders these and drops repeats.
-#}
with

opportunity_versions as (select * from {{ ref('stg_crm__opportunity_versions') }}),
history as (select * from {{ ref('stg_crm__opportunity_history') }}),
opportunities as (select * from {{ ref('int_opportunities_validated') }}),

scd2_states as (
    select
        opportunity_id,
        stage_name,
        amount as local_amount,
        close_date,
        forecast_category,
        probability,
        coalesce(last_modified_at, system_modstamp_at, version_valid_from) as state_at,
        'scd2' as state_source,
        2 as source_rank,
        dlt_id as source_row_id
    from opportunity_versions
    where not is_deleted
),

history_states as (
    select
        opportunity_id,
        stage_name,
        amount as local_amount,
        close_date,
        forecast_category,
        probability,
        changed_at as state_at,
        'opportunity_history' as state_source,
        1 as source_rank,
        opportunity_history_id as source_row_id
    from history
),

unioned as (
    select * from history_states
    union all
    select * from scd2_states
),

valid_states as (
    select unioned.*
    from unioned
    inner join opportunities
        on unioned.opportunity_id = opportunities.opportunity_id
),

final as (select * from valid_states)

select * from final
