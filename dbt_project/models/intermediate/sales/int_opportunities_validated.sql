{#-
    The opportunities every mart counts: all CRM opportunities except those in
    quarantine.opportunities.
-#}
with

opportunities as (select * from {{ ref('int_opportunities_converted') }}),
quarantined as (select * from {{ ref('quarantine_opportunities') }}),

quarantined_ids as (
    select distinct opportunity_id
    from quarantined
),

valid as (
    select opportunities.*
    from opportunities
    left join quarantined_ids
        on opportunities.opportunity_id = quarantined_ids.opportunity_id
    where quarantined_ids.opportunity_id is null
),

final as (select * from valid)

select * from final
