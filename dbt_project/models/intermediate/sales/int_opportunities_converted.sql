{#-
    Every opportunity of the CRM (after dedup and soft deletes) with its amounts in the
    corporate currency: the current amount at the close date's rate, and the amount it was
    created with (first OpportunityHistory row, else the current amount) at the created
    date's rate (the currency's first rate when it was created before the rate history
    starts: `is_created_rate_backfilled`). The stage's default probability fills a blank Probability. Quarantine rules
    read this model; the marts read only its valid rows (int_opportunities_validated).

    Messy open deals are data, not failures:
    - a blank amount on an open deal counts as 0 (`is_amount_missing`);
    - an open deal with a blank close date (`undated`) or one before the as-of date
      (`past_due`) is pipeline of the current period: `pipeline_close_date` is the as-of
      date; an undated deal is valued at the as-of date's rate (`valuation_date`), a past-due
      one at its close date's, like every other deal;
    - a blank created date is taken from the deal's earliest OpportunityHistory row, else the
      earlier of its close date and the day the warehouse first saw it
      (`created_date_source`); its sales cycle is unknown (null), so cycle-time KPIs leave
      it out.
    The corporate currency converts at 1 on any day, with or without an FX file.
-#}
with

crm_opportunities as (select * from {{ ref('stg_crm__opportunities') }}),
versions as (select * from {{ ref('stg_crm__opportunity_versions') }}),
history as (select * from {{ ref('stg_crm__opportunity_history') }}),
fx_rates_daily as (select * from {{ ref('int_fx_rates_daily') }}),
stages as (select * from {{ ref('int_crm_stages_resolved') }}),

first_seen as (
    select
        opportunity_id,
        cast(min(version_valid_from) as date) as first_seen_date
    from versions
    group by opportunity_id
),

first_changes as (
    select
        opportunity_id,
        min(changed_at) as first_changed_at
    from history
    group by opportunity_id
),

dated as (
    select
        crm_opportunities.*,
        case
            when crm_opportunities.created_date is not null then 'crm'
            when first_changes.first_changed_at is not null then 'history'
            when
                crm_opportunities.close_date is not null
                and (
                    first_seen.first_seen_date is null
                    or crm_opportunities.close_date <= first_seen.first_seen_date
                )
                then 'close_date'
            when first_seen.first_seen_date is not null then 'first_load'
        end as created_date_source,
        first_changes.first_changed_at,
        first_seen.first_seen_date
    from crm_opportunities
    left join first_changes
        on crm_opportunities.opportunity_id = first_changes.opportunity_id
    left join first_seen
        on crm_opportunities.opportunity_id = first_seen.opportunity_id
),

opportunities as (
    select
        opportunity_id,
        opportunity_name,
        account_id,
        owner_id,
        case when amount is null and not is_closed then cast(0 as decimal(18, 2)) else amount end as amount,
        amount is null as is_amount_missing,
        currency_code,
        stage_name,
        probability,
        forecast_category,
        close_date,
        {{ close_date_status('is_closed', 'close_date') }} as close_date_status,
        {{ pipeline_close_date('is_closed', 'close_date') }} as pipeline_close_date,
        case
            when is_closed then close_date
            else coalesce(close_date, {{ as_of_date() }})
        end as valuation_date,
        case created_date_source
            when 'crm' then created_at
            when 'history' then first_changed_at
            when 'close_date' then cast(close_date as {{ dbt.type_timestamp() }})
            when 'first_load' then cast(first_seen_date as {{ dbt.type_timestamp() }})
        end as created_at,
        case created_date_source
            when 'crm' then created_date
            when 'history' then cast(first_changed_at as date)
            when 'close_date' then close_date
            when 'first_load' then first_seen_date
        end as created_date,
        coalesce(created_date_source, 'unknown') as created_date_source,
        is_closed,
        is_won,
        opportunity_type,
        lead_source,
        last_modified_at,
        system_modstamp_at,
        next_step,
        is_next_step_tracked
    from dated
),

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
        case
            when opportunities.currency_code = {{ corporate_currency() }} then cast(1 as decimal(18, 8))
            else close_rates.rate_to_corporate
        end as close_rate_to_corporate,
        case
            when opportunities.currency_code = {{ corporate_currency() }} then cast(1 as decimal(18, 8))
            else created_rates.rate_to_corporate
        end as created_rate_to_corporate,
        coalesce(
            opportunities.currency_code <> {{ corporate_currency() }} and created_rates.is_backfilled,
            false
        ) as is_created_rate_backfilled
    from opportunities
    left join creation_amounts
        on opportunities.opportunity_id = creation_amounts.opportunity_id
    left join stages
        on opportunities.stage_name = stages.stage_name
    left join fx_rates_daily as close_rates
        on
            opportunities.currency_code = close_rates.currency_code
            and opportunities.valuation_date = close_rates.date_day
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
        created_date_source,
        close_date,
        close_date_status,
        pipeline_close_date,
        valuation_date,
        last_modified_at,
        system_modstamp_at,
        next_step,
        is_next_step_tracked,
        -- a blank next step is a gap only where the CRM keeps the field at all
        coalesce(is_next_step_tracked and next_step is null, false) as is_next_step_missing,
        currency_code,
        amount as local_amount,
        is_amount_missing,
        created_local_amount,
        close_rate_to_corporate,
        created_rate_to_corporate,
        is_created_rate_backfilled,
        {{ full_precision('cast(amount as decimal(38, 10)) * close_rate_to_corporate') }}
            as opportunity_amount,
        {{ full_precision('cast(created_local_amount as decimal(38, 10)) * created_rate_to_corporate') }}
            as created_amount,
        case
            when created_date_source = 'crm' then {{ days_between('created_date', 'close_date') }}
        end as sales_cycle_days
    from joined
),

final as (select * from converted)

select * from final
