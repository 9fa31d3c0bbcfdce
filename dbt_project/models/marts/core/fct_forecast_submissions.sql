{#-
    Every forecast call: who called what amount for which fiscal period and category, when,
    converted to the corporate currency at the submission date's rate, with the submitter's
    team on that day.
-#}
with

submissions as (select * from {{ ref('stg_revenue_intelligence__forecast_submissions') }}),
fx_rates_daily as (select * from {{ ref('int_fx_rates_daily') }}),
rep_versions as (select * from {{ ref('int_rep_versions_segmented') }}),

converted as (
    select
        submissions.*,
        fx_rates_daily.rate_to_corporate,
        rep_versions.team_id
    from submissions
    left join fx_rates_daily
        on
            submissions.currency_code = fx_rates_daily.currency_code
            and submissions.submitted_date = fx_rates_daily.date_day
    left join rep_versions
        on
            submissions.submitter_id = rep_versions.rep_id
            and submissions.submitted_date >= rep_versions.valid_from
            and submissions.submitted_date <= coalesce(rep_versions.valid_to, cast('9999-12-31' as date))
),

final as (
    select
        submission_id,
        submitter_id,
        submitter_role,
        team_id,
        fiscal_period,
        case
            when fiscal_period like '%-Q%' then 'quarter'
            when fiscal_period like '%-M%' then 'month'
            else 'year'
        end as period_type,
        forecast_category,
        currency_code,
        amount as local_amount,
        rate_to_corporate as fx_rate_to_corporate,
        {{ full_precision('cast(amount as decimal(38, 10)) * rate_to_corporate') }} as call_amount,
        submitted_at,
        submitted_date
    from converted
)

select * from final
