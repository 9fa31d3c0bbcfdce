{#-
    Open deals that have stalled: no stage change and no activity for `stalled_after_days`
    days (default 30) up to the as-of date (int_open_deals_idled), with their owner, the
    owner's team on the as-of date, amount, stage, days idle and last activity, so a manager
    knows whom to ask about which deal.
-#}
with

idle_deals as (select * from {{ ref('int_open_deals_idled') }}),
opportunities as (select * from {{ ref('int_opportunities_validated') }}),
accounts as (select * from {{ ref('dim_account') }}),
reps as (select * from {{ ref('dim_rep') }}),
rep_versions as (select * from {{ ref('int_rep_versions_segmented') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),

stalled as (
    select *
    from idle_deals
    where is_stalled
),

owner_teams as (
    select
        rep_id,
        team_id
    from rep_versions
    where
        valid_from <= {{ as_of_date() }}
        and (valid_to is null or valid_to >= {{ as_of_date() }})
),

final as (
    select
        stalled.opportunity_id,
        opportunities.opportunity_name,
        opportunities.account_id,
        accounts.account_name,
        stalled.owner_id as rep_id,
        reps.rep_name,
        owner_teams.team_id,
        teams.team_name,
        stalled.stage_name,
        stalled.forecast_category,
        stalled.close_date,
        stalled.currency_code,
        stalled.local_amount,
        {{ cents('stalled.opportunity_amount') }} as amount,
        stalled.age_days,
        stalled.last_stage_change_date,
        stalled.last_activity_date,
        stalled.activity_count,
        stalled.days_idle,
        {{ as_of_date() }} as as_of_date
    from stalled
    inner join opportunities
        on stalled.opportunity_id = opportunities.opportunity_id
    left join accounts
        on opportunities.account_id = accounts.account_id
    left join reps
        on
            stalled.owner_id = reps.rep_id
            and reps.is_current
    left join owner_teams
        on stalled.owner_id = owner_teams.rep_id
    left join teams
        on owner_teams.team_id = teams.team_id
)

select * from final
