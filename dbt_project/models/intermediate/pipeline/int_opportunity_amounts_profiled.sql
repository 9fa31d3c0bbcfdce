{#-
    Is a deal's amount far outside what its team sells? The team is the owner's team on the
    as-of date (their latest version when none covers it). A deal is an amount outlier when
    its amount is above `amount_outlier_p99_multiple` (3) x the 99th percentile of the amounts
    of its team's priced deals (amount above 0), in teams with at least
    `amount_outlier_min_team_deals` (100) priced deals, so that one typo-sized deal
    (a $2.08M deal on a team whose deals run at $50-100k) is flagged before it moves pipeline,
    coverage and win-rate numbers. Outliers are flagged, never dropped: the amount may be
    real.
-#}
{%- set min_team_deals = var('amount_outlier_min_team_deals') | int -%}
{%- set p99_multiple = var('amount_outlier_p99_multiple') -%}

with

opportunities as (select * from {{ ref('int_opportunities_validated') }}),
rep_versions as (select * from {{ ref('int_rep_versions_segmented') }}),

ranked_owner_versions as (
    select
        rep_id,
        team_id,
        row_number() over (
            partition by rep_id
            order by
                case
                    when
                        valid_from <= {{ as_of_date() }}
                        and (valid_to is null or valid_to >= {{ as_of_date() }})
                        then 0
                    else 1
                end,
                valid_from desc
        ) as version_rank
    from rep_versions
),

owner_teams as (
    select
        rep_id,
        team_id
    from ranked_owner_versions
    where version_rank = 1
),

team_deals as (
    select
        opportunities.opportunity_id,
        opportunities.opportunity_amount,
        owner_teams.team_id
    from opportunities
    left join owner_teams
        on opportunities.owner_id = owner_teams.rep_id
),

team_distributions as (
    select
        team_id,
        count(*) as priced_deal_count,
        {{ percentile('opportunity_amount', 0.99) }} as amount_p99
    from team_deals
    where opportunity_amount > 0 and team_id is not null
    group by team_id
),

final as (
    select
        team_deals.opportunity_id,
        team_deals.team_id as amount_team_id,
        {{ cents('team_distributions.amount_p99') }} as team_amount_p99,
        case
            when team_distributions.priced_deal_count >= {{ min_team_deals }}
                then {{ cents(p99_multiple ~ ' * team_distributions.amount_p99') }}
        end as amount_outlier_threshold,
        coalesce(
            team_distributions.priced_deal_count >= {{ min_team_deals }}
            and team_deals.opportunity_amount > {{ p99_multiple }} * team_distributions.amount_p99,
            false
        ) as is_amount_outlier
    from team_deals
    left join team_distributions
        on team_deals.team_id = team_distributions.team_id
)

select * from final
