{#-
    One row per valid opportunity (quarantined ones excluded), its current state as an
    accumulating snapshot: stage, dates, amounts in the local and corporate currency (full
    precision), and its state as of `as_of_date`. Messy open deals are kept and flagged: a
    blank amount counts as 0 (`is_amount_missing`), an undated or past-due close date puts
    the deal in the current period's pipeline (`close_date_status`, `pipeline_close_date`),
    and an inferred created date says where it came from (`created_date_source`). An amount
    far outside its team's distribution is flagged (`is_amount_outlier`, rule in
    int_opportunity_amounts_profiled), still counted. A blank next step is flagged
    (`is_next_step_missing`) only when the CRM has the field at all: a CRM without it says
    nothing about next steps.
-#}
with

opportunities as (select * from {{ ref('int_opportunities_validated') }}),
splits as (select * from {{ ref('stg_crm__opportunity_splits') }}),
split_types as (select * from {{ ref('stg_crm__opportunity_split_types') }}),
calendar_days as (select * from {{ ref('int_calendar_days_enriched') }}),
amount_profiles as (select * from {{ ref('int_opportunity_amounts_profiled') }}),

split_flags as (
    select
        splits.opportunity_id,
        {{ dbt.bool_or("split_types.split_type = 'revenue'") }} as has_revenue_splits,
        {{ dbt.bool_or("split_types.split_type = 'overlay'") }} as has_overlay_splits
    from splits
    inner join split_types
        on splits.split_type_id = split_types.split_type_id
    group by splits.opportunity_id
),

with_state as (
    select
        opportunities.*,
        coalesce(split_flags.has_revenue_splits, false) as has_revenue_splits,
        coalesce(split_flags.has_overlay_splits, false) as has_overlay_splits,
        opportunities.created_date <= {{ as_of_date() }}
        and not (opportunities.is_closed and opportunities.close_date <= {{ as_of_date() }})
            as is_open_as_of
    from opportunities
    left join split_flags
        on opportunities.opportunity_id = split_flags.opportunity_id
),

final as (
    select
        with_state.opportunity_id,
        with_state.opportunity_name,
        with_state.account_id,
        with_state.owner_id,
        with_state.stage_name,
        with_state.forecast_category,
        with_state.probability,
        with_state.is_closed,
        with_state.is_won,
        with_state.is_open_as_of,
        with_state.opportunity_type,
        with_state.lead_source,
        with_state.created_at,
        with_state.created_date,
        with_state.created_date_source,
        with_state.close_date,
        with_state.close_date_status,
        with_state.pipeline_close_date,
        with_state.last_modified_at,
        with_state.next_step,
        with_state.is_next_step_missing,
        created_days.fiscal_month_period as created_fiscal_month,
        close_days.fiscal_month_period as close_fiscal_month,
        close_days.fiscal_quarter_period as close_fiscal_quarter,
        close_days.fiscal_year_period as close_fiscal_year,
        with_state.currency_code,
        with_state.local_amount,
        with_state.is_amount_missing,
        with_state.close_rate_to_corporate as fx_rate_to_corporate,
        with_state.opportunity_amount,
        {{ full_precision('with_state.opportunity_amount * with_state.probability * cast(0.01 as decimal(3, 2))') }}
            as weighted_amount,
        with_state.created_local_amount,
        with_state.created_rate_to_corporate as created_fx_rate_to_corporate,
        with_state.is_created_rate_backfilled,
        with_state.created_amount,
        cast(with_state.sales_cycle_days as integer) as sales_cycle_days,
        case
            when with_state.is_open_as_of
                then {{ days_between('with_state.created_date', as_of_date()) }}
        end as age_days_as_of,
        with_state.has_revenue_splits,
        with_state.has_overlay_splits,
        amount_profiles.amount_outlier_threshold,
        coalesce(amount_profiles.is_amount_outlier, false) as is_amount_outlier
    from with_state
    left join amount_profiles
        on with_state.opportunity_id = amount_profiles.opportunity_id
    left join calendar_days as created_days
        on with_state.created_date = created_days.date_day
    left join calendar_days as close_days
        on with_state.close_date = close_days.date_day
)

select * from final
