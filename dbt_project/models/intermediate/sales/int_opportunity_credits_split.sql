{#-
    Who is credited with each valid opportunity, and with what share.
    - Revenue: each rep of the opportunity's Revenue splits gets amount x share; an
      opportunity with no Revenue split credits 100% to its owner. Revenue splits sum to 100%
      (else quarantined), so every deal counts exactly once in team and company bookings.
    - Overlay: each rep of an Overlay split gets amount x share as overlay credit, reported
      apart (overlay_credit_amount) and never counted in bookings.
    Amounts keep full precision here; the marts round each credit to cents before summing.
-#}
with

opportunities as (select * from {{ ref('int_opportunities_validated') }}),
splits as (select * from {{ ref('stg_crm__opportunity_splits') }}),
split_types as (select * from {{ ref('stg_crm__opportunity_split_types') }}),

typed_splits as (
    select
        splits.opportunity_id,
        splits.split_owner_id,
        splits.split_percentage,
        split_types.split_type
    from splits
    inner join split_types
        on splits.split_type_id = split_types.split_type_id
    inner join opportunities
        on splits.opportunity_id = opportunities.opportunity_id
),

revenue_split_shares as (
    select
        opportunity_id,
        split_owner_id as rep_id,
        'revenue' as credit_type,
        false as is_owner_credit,
        sum(split_percentage) as split_percentage
    from typed_splits
    where split_type = 'revenue'
    group by opportunity_id, split_owner_id
),

overlay_split_shares as (
    select
        opportunity_id,
        split_owner_id as rep_id,
        'overlay' as credit_type,
        false as is_owner_credit,
        sum(split_percentage) as split_percentage
    from typed_splits
    where split_type = 'overlay'
    group by opportunity_id, split_owner_id
),

opportunities_with_revenue_splits as (
    select distinct opportunity_id
    from revenue_split_shares
),

owner_shares as (
    select
        opportunities.opportunity_id,
        opportunities.owner_id as rep_id,
        'revenue' as credit_type,
        true as is_owner_credit,
        cast(100 as decimal(9, 4)) as split_percentage
    from opportunities
    left join opportunities_with_revenue_splits
        on opportunities.opportunity_id = opportunities_with_revenue_splits.opportunity_id
    where opportunities_with_revenue_splits.opportunity_id is null
),

shares as (
    select * from revenue_split_shares
    union all
    select * from overlay_split_shares
    union all
    select * from owner_shares
),

credited as (
    select
        shares.opportunity_id || '|' || shares.rep_id || '|' || shares.credit_type
            as opportunity_credit_id,
        shares.opportunity_id,
        shares.rep_id,
        shares.credit_type,
        shares.is_owner_credit,
        cast(shares.split_percentage * cast(0.01 as decimal(3, 2)) as decimal(18, 6)) as credit_share,
        opportunities.owner_id,
        opportunities.stage_name,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.probability,
        opportunities.created_date,
        opportunities.close_date,
        opportunities.pipeline_close_date,
        opportunities.sales_cycle_days,
        cast(
            opportunities.opportunity_amount * shares.split_percentage * cast(0.01 as decimal(3, 2))
            as decimal(38, 16)
        ) as credited_amount,
        cast(
            opportunities.created_amount * shares.split_percentage * cast(0.01 as decimal(3, 2))
            as decimal(38, 16)
        ) as credited_created_amount
    from shares
    inner join opportunities
        on shares.opportunity_id = opportunities.opportunity_id
),

final as (select * from credited)

select * from final
