{#-
    The open deals (open at the end of the as-of date) whose CRM record needs fixing, one row
    per deal and problem, for the pipeline page and the manager digest: no amount (counted
    as 0), undated or past due (counted as pipeline of the current period), created date
    inferred (left out of cycle time), amount far above the team's deals (is_amount_outlier),
    no next step (only when the CRM has the field at all: fct_opportunities
    is_next_step_missing). None of these is quarantined: the deal counts, and
    this list says what to fix and who owns it (the owner's team and manager on the as-of
    date).
-#}
with

opportunities as (select * from {{ ref('fct_opportunities') }}),
accounts as (select * from {{ ref('dim_account') }}),
reps as (select * from {{ ref('dim_rep') }}),

open_deals as (
    select *
    from opportunities
    where is_open_as_of
),

problems as (
    select
        opportunity_id,
        'no_amount' as problem,
        'Amount is blank: counted as 0 in the pipeline' as problem_detail
    from open_deals
    where is_amount_missing
    union all
    select
        opportunity_id,
        'undated' as problem,
        'CloseDate is blank: counted in the current period' as problem_detail
    from open_deals
    where close_date_status = 'undated'
    union all
    select
        opportunity_id,
        'past_due' as problem,
        'CloseDate ' || cast(close_date as {{ dbt.type_string() }})
        || ' is before the as-of date: counted in the current period' as problem_detail
    from open_deals
    where close_date_status = 'past_due'
    union all
    select
        opportunity_id,
        'created_date_inferred' as problem,
        'CreatedDate is blank: taken from the '
        || case created_date_source
            when 'history' then 'earliest history row'
            when 'close_date' then 'close date'
            else 'first load'
        end
        || ', left out of cycle time' as problem_detail
    from open_deals
    where created_date_source <> 'crm'
    union all
    select
        opportunity_id,
        'amount_outlier' as problem,
        'Amount is above ' || cast(amount_outlier_threshold as {{ dbt.type_string() }})
        || ', 3 x the 99th percentile of the team''s deals: check it, it is counted'
            as problem_detail
    from open_deals
    where is_amount_outlier
    union all
    select
        opportunity_id,
        'no_next_step' as problem,
        'NextStep is blank: write what happens next and when' as problem_detail
    from open_deals
    where is_next_step_missing
),

owner_versions as (
    -- the owner's team on the as-of date; their latest version when none covers it
    select
        reps.*,
        row_number() over (
            partition by reps.rep_id
            order by
                case
                    when
                        reps.valid_from <= {{ as_of_date() }}
                        and (reps.valid_to is null or reps.valid_to >= {{ as_of_date() }})
                        then 0
                    else 1
                end,
                reps.valid_from desc
        ) as version_rank
    from reps
),

final as (
    select
        problems.opportunity_id || '|' || problems.problem as pipeline_hygiene_id,
        problems.opportunity_id,
        open_deals.opportunity_name,
        open_deals.account_id,
        accounts.account_name,
        open_deals.owner_id as rep_id,
        owner_versions.rep_name,
        owner_versions.team_id,
        owner_versions.team_name,
        owner_versions.manager_id,
        owner_versions.manager_name,
        open_deals.stage_name,
        {{ cents('open_deals.opportunity_amount') }} as amount,
        open_deals.close_date,
        problems.problem,
        problems.problem_detail,
        {{ as_of_date() }} as as_of_date
    from problems
    inner join open_deals
        on problems.opportunity_id = open_deals.opportunity_id
    left join accounts
        on open_deals.account_id = accounts.account_id
    left join owner_versions
        on
            open_deals.owner_id = owner_versions.rep_id
            and owner_versions.version_rank = 1
)

select * from final
