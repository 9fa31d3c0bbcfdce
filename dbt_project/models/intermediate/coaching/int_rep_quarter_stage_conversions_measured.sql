{#-
    Each rep's stage conversion for every fiscal quarter, over the four quarters ending with
    it (one quarter has too few deals per stage to judge a rep): of the deals credited to the
    rep that entered each open stage in those four quarters (and by the as-of date), how many
    advanced and how many were lost in the stage (int_stage_entries_resolved).
-#}
with

entries as (select * from {{ ref('int_stage_entries_resolved') }}),
credits as (select * from {{ ref('int_opportunity_credits_split') }}),
quarters as (select * from {{ ref('int_fiscal_quarters_ranked') }}),

rep_entries as (
    select
        credits.rep_id,
        entries.stage_name,
        entries.stage_order,
        entries.entered_date,
        entries.outcome
    from entries
    inner join credits
        on
            entries.opportunity_id = credits.opportunity_id
            and credits.credit_type = 'revenue'
),

windows as (
    select
        period_id,
        fiscal_period,
        period_start,
        period_end,
        {{ add_months('period_start', -9) }} as window_start
    from quarters
    where quarters_ago >= 0
),

final as (
    select
        rep_entries.rep_id || '|' || windows.period_id || '|' || rep_entries.stage_name
            as rep_quarter_stage_id,
        rep_entries.rep_id,
        windows.period_id,
        windows.fiscal_period,
        rep_entries.stage_name,
        rep_entries.stage_order,
        count(*) as entered_count,
        sum(case when rep_entries.outcome = 'advanced' then 1 else 0 end) as advanced_count,
        sum(case when rep_entries.outcome = 'lost' then 1 else 0 end) as lost_in_stage_count,
        {{ safe_ratio(
            "sum(case when rep_entries.outcome = 'advanced' then 1 else 0 end)",
            "sum(case when rep_entries.outcome in ('advanced', 'lost') then 1 else 0 end)"
        ) }} as conversion_rate
    from rep_entries
    inner join windows
        on
            rep_entries.entered_date >= windows.window_start
            and rep_entries.entered_date <= windows.period_end
    group by
        rep_entries.rep_id,
        windows.period_id,
        windows.fiscal_period,
        rep_entries.stage_name,
        rep_entries.stage_order
)

select * from final
