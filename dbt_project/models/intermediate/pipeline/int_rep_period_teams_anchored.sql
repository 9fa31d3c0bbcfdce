{#-
    The team each rep's row of a fiscal period rolls up to: the team they belonged to on the
    period's last day, or on their last working day when they left before it, the rule of
    the crediting rule (doc block kpi_credit) (for a month this is exactly the team int_rep_months_aggregated
    gives the rep-month). Used for the pipeline measures that do not add up over months
    (a quarter's waterfall is not the sum of its months'). Before a rep's first version the
    first version's team counts; a rep with no team rolls up to the company.
-#}
with

rep_versions as (select * from {{ ref('int_rep_versions_segmented') }}),
periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),

reps as (
    select
        rep_id,
        max(termination_date) as termination_date
    from rep_versions
    group by rep_id
),

anchored as (
    select
        reps.rep_id,
        periods.period_id,
        periods.period_type,
        periods.fiscal_period,
        periods.period_start,
        periods.period_end,
        case
            when reps.termination_date is not null and reps.termination_date < periods.period_end
                then reps.termination_date
            else periods.period_end
        end as team_anchor_date
    from reps
    cross join periods
),

version_candidates as (
    select
        anchored.*,
        rep_versions.team_id,
        rep_versions.role,
        row_number() over (
            partition by anchored.rep_id, anchored.period_id
            order by
                case
                    when
                        rep_versions.valid_from <= anchored.team_anchor_date
                        and (
                            rep_versions.valid_to is null
                            or rep_versions.valid_to >= anchored.team_anchor_date
                        )
                        then 0
                    else 1
                end,
                rep_versions.valid_from
        ) as version_rank
    from anchored
    inner join rep_versions
        on anchored.rep_id = rep_versions.rep_id
),

company_root as (
    select min(team_id) as company_id
    from teams
    where depth = 0
),

final as (
    select
        version_candidates.rep_id || '|' || version_candidates.period_id as rep_period_id,
        version_candidates.rep_id,
        version_candidates.period_id,
        version_candidates.period_type,
        version_candidates.fiscal_period,
        version_candidates.period_start,
        version_candidates.period_end,
        version_candidates.team_anchor_date,
        coalesce(version_candidates.team_id, company_root.company_id) as team_id,
        version_candidates.role
    from version_candidates
    cross join company_root
    where version_candidates.version_rank = 1
)

select * from final
