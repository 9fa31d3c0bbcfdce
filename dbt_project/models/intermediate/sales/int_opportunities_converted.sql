{#-
    Every opportunity of the CRM (after dedup and soft deletes) with its amounts in the
    corporate currency: the current amount at the close date's rate, and the amount it was
    created with (first OpportunityHistory row, else the current amount) at the created
    date's rate (the currency's first rate when it was created before the rate history
    starts: `is_created_rate_backfilled`). The stage's default probability fills a blank Probability. Quarantine rules
    read this model; the marts read only its valid rows (int_opportunities_validated).
-#}
with

opportunities as (select * from {{ ref('stg_crm__opportunities') }}),
history as (select * from {{ ref('stg_crm__opportunity_history') }}),
fx_rates_daily as (select * from {{ ref('int_fx_rates_daily') }}),
stages as (select * from {{ ref('crm_stages') }}),

history_ranked as (
    select
        opportunity_id,
        amount,
        row_number() over (
            partition by opportunity_id
            order by changed_at, opportunity_history_id
        ) as change_rank
    from history
),

creation_amounts as (
    select
        opportunity_id,
        amount as created_local_amount
    from history_ranked
    where change_rank = 1
),

joined as (
    select
        opportunities.*,
        coalesce(creation_amounts.created_local_amount, opportunities.amount)
            as created_local_amount,
        coalesce(opportunities.probability, stages.default_probability) as effective_probability,
        close_rates.rate_to_corporate as close_rate_to_corporate,
        created_rates.rate_to_corporate as created_rate_to_corporate,
        coalesce(created_rates.is_backfilled, false) as is_created_rate_backfilled
    from opportunities
    left join creation_amounts
        on opportunities.opportunity_id = creation_amounts.opportunity_id
    left join stages
        on opportunities.stage_name = stages.stage_name
    left join fx_rates_daily as close_rates
        on
            opportunities.currency_code = close_rates.currency_code
            and opportunities.close_date = close_rates.date_day
            and not close_rates.is_backfilled
    left join fx_rates_daily as created_rates
        on
            opportunities.currency_code = created_rates.currency_code
            and opportunities.created_date = created_rates.date_day
),

converted as (
    select
        opportunity_id,
        opportunity_name,
        account_id,
        owner_id,
        stage_name,
        forecast_category,
        effective_probability as probability,
        is_closed,
        is_won,
        opportunity_type,
        lead_source,
        created_at,
        created_date,
        close_date,
        last_modified_at,
        system_modstamp_at,
        currency_code,
        amount as local_amount,
        created_local_amount,
        close_rate_to_corporate,
        created_rate_to_corporate,
        is_created_rate_backfilled,
        {{ full_precision('cast(amount as decimal(38, 10)) * close_rate_to_corporate') }}
            as opportunity_amount,
        {{ full_precision('cast(created_local_amount as decimal(38, 10)) * created_rate_to_corporate') }}
            as created_amount,
        {{ days_between('created_date', 'close_date') }} as sales_cycle_days
    from joined
),

final as (select * from converted)

select * from final
