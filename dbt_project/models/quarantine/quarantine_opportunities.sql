{{ config(alias='opportunities') }}
{#-
    Opportunities that break a rule, one row per opportunity and broken rule (and per split
    for split rules), with the offending values. Every mart excludes these opportunities
    (int_opportunities_validated): bad input is set aside with a reason, never dropped in
    silence nor counted.
-#}
with

opportunities as (select * from {{ ref('int_opportunities_converted') }}),
users as (select * from {{ ref('stg_crm__users') }}),
splits as (select * from {{ ref('stg_crm__opportunity_splits') }}),
split_types as (select * from {{ ref('stg_crm__opportunity_split_types') }}),

negative_amount as (
    select
        opportunity_id,
        'negative_amount' as rule,
        'Amount ' || cast(local_amount as {{ dbt.type_string() }}) || ' '
        || coalesce(currency_code, '') || ' is negative' as detail,
        cast(null as {{ dbt.type_string() }}) as split_id,
        cast(null as {{ dbt.type_string() }}) as split_owner_id
    from opportunities
    where local_amount < 0
),

unknown_owner as (
    select
        opportunities.opportunity_id,
        'unknown_owner' as rule,
        'OwnerId ' || coalesce(opportunities.owner_id, '(blank)') || ' is in no User row'
            as detail,
        cast(null as {{ dbt.type_string() }}) as split_id,
        cast(null as {{ dbt.type_string() }}) as split_owner_id
    from opportunities
    left join users
        on opportunities.owner_id = users.user_id
    where users.user_id is null
),

opportunity_splits as (
    select
        splits.*,
        split_types.split_type
    from splits
    inner join opportunities
        on splits.opportunity_id = opportunities.opportunity_id
    left join split_types
        on splits.split_type_id = split_types.split_type_id
),

unknown_split_owner as (
    select
        opportunity_splits.opportunity_id,
        'unknown_split_owner' as rule,
        'OpportunitySplit ' || opportunity_splits.split_id || ': SplitOwnerId '
        || coalesce(opportunity_splits.split_owner_id, '(blank)') || ' is in no User row'
            as detail,
        opportunity_splits.split_id,
        opportunity_splits.split_owner_id
    from opportunity_splits
    left join users
        on opportunity_splits.split_owner_id = users.user_id
    where users.user_id is null
),

unknown_split_type as (
    select
        opportunity_id,
        'unknown_split_type' as rule,
        'OpportunitySplit ' || split_id || ': SplitTypeId '
        || coalesce(split_type_id, '(blank)') || ' is not a Revenue or Overlay split type'
            as detail,
        split_id,
        split_owner_id
    from opportunity_splits
    where split_type is null or split_type not in ('revenue', 'overlay')
),

revenue_split_totals as (
    select
        opportunity_id,
        sum(split_percentage) as revenue_percentage
    from opportunity_splits
    where split_type = 'revenue'
    group by opportunity_id
),

revenue_splits_not_100 as (
    select
        opportunity_id,
        'revenue_splits_not_100' as rule,
        'Revenue splits sum to ' || cast(revenue_percentage as {{ dbt.type_string() }})
        || '%, not 100%' as detail,
        cast(null as {{ dbt.type_string() }}) as split_id,
        cast(null as {{ dbt.type_string() }}) as split_owner_id
    from revenue_split_totals
    where revenue_percentage <> 100
),

close_before_created as (
    select
        opportunity_id,
        'close_before_created' as rule,
        'CloseDate ' || cast(close_date as {{ dbt.type_string() }}) || ' is before CreatedDate '
        || cast(created_date as {{ dbt.type_string() }}) as detail,
        cast(null as {{ dbt.type_string() }}) as split_id,
        cast(null as {{ dbt.type_string() }}) as split_owner_id
    from opportunities
    where close_date < created_date
),

no_fx_rate as (
    -- a deal is valued on its close date (the as-of date for an undated open deal); a closed
    -- deal with no close date is a missing_date, not a rate problem
    select
        opportunity_id,
        'no_fx_rate' as rule,
        case
            when currency_code is null or currency_code = ''
                then 'CurrencyIsoCode is blank'
            else
                'No ' || currency_code || ' rate on or before '
                || case when close_date is null then 'the as-of date ' else 'the close date ' end
                || cast(valuation_date as {{ dbt.type_string() }})
        end as detail,
        cast(null as {{ dbt.type_string() }}) as split_id,
        cast(null as {{ dbt.type_string() }}) as split_owner_id
    from opportunities
    where
        currency_code is null
        or currency_code = ''
        or (close_rate_to_corporate is null and valuation_date is not null)
),

missing_dates as (
    -- an open deal with a blank close date is undated pipeline, and a blank created date is
    -- inferred (int_opportunities_converted): only what cannot be placed in time is set aside
    select
        opportunity_id,
        'missing_date' as rule,
        case
            when is_closed and close_date is null then 'CloseDate is blank on a closed deal'
            else 'CreatedDate is blank and the deal has no history, close date or load date'
        end as detail,
        cast(null as {{ dbt.type_string() }}) as split_id,
        cast(null as {{ dbt.type_string() }}) as split_owner_id
    from opportunities
    where (is_closed and close_date is null) or created_date is null
),

broken_rules as (
    select * from negative_amount
    union all
    select * from unknown_owner
    union all
    select * from unknown_split_owner
    union all
    select * from unknown_split_type
    union all
    select * from revenue_splits_not_100
    union all
    select * from close_before_created
    union all
    select * from no_fx_rate
    union all
    select * from missing_dates
),

final as (
    select
        broken_rules.opportunity_id || '|' || broken_rules.rule
        || coalesce('|' || broken_rules.split_id, '') as quarantine_id,
        broken_rules.opportunity_id,
        broken_rules.rule,
        broken_rules.detail,
        opportunities.owner_id,
        broken_rules.split_id,
        broken_rules.split_owner_id,
        opportunities.local_amount as amount,
        opportunities.currency_code,
        opportunities.stage_name,
        opportunities.created_date,
        opportunities.close_date
    from broken_rules
    inner join opportunities
        on broken_rules.opportunity_id = opportunities.opportunity_id
)

select * from final
