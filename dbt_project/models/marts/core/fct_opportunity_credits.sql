{#-
    Opportunity x credited rep x credit type (revenue, overlay): the share of the opportunity
    each rep is credited with (100% to the owner when there is no Revenue split) and the
    credited amounts in the corporate currency at full precision. Bookings are the revenue
    credits of won opportunities; overlay credits never count as bookings.
-#}
with

credits as (select * from {{ ref('int_opportunity_credits_split') }}),

final as (
    select
        opportunity_credit_id,
        opportunity_id,
        rep_id,
        credit_type,
        is_owner_credit,
        credit_share,
        owner_id,
        stage_name,
        is_closed,
        is_won,
        created_date,
        close_date,
        credited_amount,
        credited_created_amount,
        cast(credited_amount * probability * cast(0.01 as decimal(3, 2)) as decimal(38, 16))
            as credited_weighted_amount
    from credits
)

select * from final
