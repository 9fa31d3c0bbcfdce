{#-
    The forecast call of every node of the hierarchy (company, region, team), per fiscal
    period, week of the period and forecast category (doc block kpi_node_forecast_call):
    the call of the node's owner (the manager whose team is the node on the week's last day:
    a team's manager, a region's vice president, the company's CRO), their latest
    submission for the node standing at the week's end; next to it the roll-up, the sum of
    the calls of what sits directly below (child nodes' shown calls, and the own calls of
    reps placed directly in the node); and the call shown (`call_amount`), the owner's when
    they called, else the roll-up (`call_source` says which). A manager's call already
    covers their whole subtree, so calls are never summed across levels.

    The grid comes from the submissions (periods and categories anyone called), so without
    revenue intelligence the mart is empty. Weeks are those of int_fiscal_period_weeks_spined
    (week k = days 7(k-1) to 7k-1 of the period), as in int_forecast_calls_carried; weeks not
    started by the as-of date are left out, and a call counts when submitted on or before the week's last day or the
    as-of date, whichever is earlier.
-#}
with

submissions as (select * from {{ ref('fct_forecast_submissions') }}),
periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),
period_weeks as (select * from {{ ref('int_fiscal_period_weeks_spined') }}),
reps as (select * from {{ ref('dim_rep') }}),
teams as (select * from {{ ref('dim_team') }}),
projections as (select * from {{ ref('forecast_projection') }}),
team_performance as (select * from {{ ref('team_performance') }}),

called_period_keys as (
    select distinct
        period_type,
        fiscal_period
    from submissions
),

called_periods as (
    select
        periods.period_id,
        periods.period_type,
        periods.fiscal_period,
        periods.period_start,
        periods.period_end,
        periods.calendar_days
    from periods
    inner join called_period_keys
        on
            periods.period_type = called_period_keys.period_type
            and periods.fiscal_period = called_period_keys.fiscal_period
),

called_categories as (
    select distinct
        period_type,
        fiscal_period,
        forecast_category
    from submissions
),

started_weeks as (
    -- a call counts when submitted by the week's end, and never after the as-of date
    select
        called_periods.*,
        period_weeks.week_of_period,
        period_weeks.week_start,
        period_weeks.week_end,
        period_weeks.cutoff_date,
        period_weeks.is_latest_week
    from called_periods
    inner join period_weeks
        on called_periods.period_id = period_weeks.period_id
),

week_categories as (
    select
        started_weeks.*,
        called_categories.forecast_category
    from started_weeks
    inner join called_categories
        on
            started_weeks.period_type = called_categories.period_type
            and started_weeks.fiscal_period = called_categories.fiscal_period
),

grid as (
    select
        teams.team_id,
        teams.depth,
        teams.parent_team_id,
        week_categories.*
    from teams
    cross join week_categories
    where teams.depth <= 2
),

owners as (
    -- who owns each node at a week's cutoff: the managers whose team it is that day
    select
        started_weeks.period_id,
        started_weeks.week_of_period,
        reps.team_id,
        reps.rep_id as owner_id
    from started_weeks
    inner join reps
        on
            started_weeks.cutoff_date >= reps.valid_from
            and started_weeks.cutoff_date <= coalesce(reps.valid_to, cast('9999-12-31' as date))
    where reps.role = 'manager' and reps.is_employed
),

members as (
    -- the reps placed in each node at a week's cutoff; their own calls roll up into it
    select
        started_weeks.period_id,
        started_weeks.week_of_period,
        reps.team_id,
        reps.rep_id
    from started_weeks
    inner join reps
        on
            started_weeks.cutoff_date >= reps.valid_from
            and started_weeks.cutoff_date <= coalesce(reps.valid_to, cast('9999-12-31' as date))
    where reps.role = 'rep' and reps.is_employed
),

ranked_owner_calls as (
    -- each owner's latest manager call for their node by the cutoff; with two owners, the later call
    select
        owners.period_id,
        owners.week_of_period,
        owners.team_id,
        submissions.forecast_category,
        submissions.submitter_id,
        submissions.call_amount,
        submissions.submitted_at,
        row_number() over (
            partition by owners.period_id, owners.week_of_period, owners.team_id, submissions.forecast_category
            order by submissions.submitted_at desc, submissions.submission_id desc
        ) as call_rank
    from owners
    inner join started_weeks
        on
            owners.period_id = started_weeks.period_id
            and owners.week_of_period = started_weeks.week_of_period
    inner join submissions
        on
            owners.owner_id = submissions.submitter_id
            and owners.team_id = submissions.team_id
            and started_weeks.period_type = submissions.period_type
            and started_weeks.fiscal_period = submissions.fiscal_period
            and started_weeks.cutoff_date >= submissions.submitted_date
    where submissions.submitter_role = 'manager'
),

owner_calls as (
    select *
    from ranked_owner_calls
    where call_rank = 1
),

node_owners as (
    -- the owner named on a node without a call of its own (the first by id when two share it)
    select
        period_id,
        week_of_period,
        team_id,
        min(owner_id) as owner_id
    from owners
    group by period_id, week_of_period, team_id
),

ranked_rep_calls as (
    select
        members.period_id,
        members.week_of_period,
        members.team_id,
        members.rep_id,
        submissions.forecast_category,
        submissions.call_amount,
        row_number() over (
            partition by members.period_id, members.week_of_period, members.rep_id, submissions.forecast_category
            order by submissions.submitted_at desc, submissions.submission_id desc
        ) as call_rank
    from members
    inner join started_weeks
        on
            members.period_id = started_weeks.period_id
            and members.week_of_period = started_weeks.week_of_period
    inner join submissions
        on
            members.rep_id = submissions.submitter_id
            and started_weeks.period_type = submissions.period_type
            and started_weeks.fiscal_period = submissions.fiscal_period
            and started_weeks.cutoff_date >= submissions.submitted_date
    where submissions.submitter_role = 'rep'
),

rep_roll_ups as (
    select
        period_id,
        week_of_period,
        team_id,
        forecast_category,
        sum(call_amount) as rep_call_amount,
        count(*) as rep_called_count
    from ranked_rep_calls
    where call_rank = 1
    group by period_id, week_of_period, team_id, forecast_category
),

member_counts as (
    select
        period_id,
        week_of_period,
        team_id,
        count(*) as rep_count
    from members
    group by period_id, week_of_period, team_id
),

node_calls as (
    -- every node's own call and the roll-up of its reps, before child nodes are added
    select
        grid.*,
        owner_calls.submitter_id as calling_owner_id,
        owner_calls.call_amount as owner_call_amount,
        owner_calls.submitted_at as owner_submitted_at,
        node_owners.owner_id as named_owner_id,
        rep_roll_ups.rep_call_amount,
        coalesce(rep_roll_ups.rep_called_count, 0) as rep_called_count,
        coalesce(member_counts.rep_count, 0) as rep_count
    from grid
    left join owner_calls
        on
            grid.period_id = owner_calls.period_id
            and grid.week_of_period = owner_calls.week_of_period
            and grid.team_id = owner_calls.team_id
            and grid.forecast_category = owner_calls.forecast_category
    left join node_owners
        on
            grid.period_id = node_owners.period_id
            and grid.week_of_period = node_owners.week_of_period
            and grid.team_id = node_owners.team_id
    left join rep_roll_ups
        on
            grid.period_id = rep_roll_ups.period_id
            and grid.week_of_period = rep_roll_ups.week_of_period
            and grid.team_id = rep_roll_ups.team_id
            and grid.forecast_category = rep_roll_ups.forecast_category
    left join member_counts
        on
            grid.period_id = member_counts.period_id
            and grid.week_of_period = member_counts.week_of_period
            and grid.team_id = member_counts.team_id
),

team_level as (
    select
        *,
        rep_call_amount as roll_up_amount,
        rep_called_count as roll_up_called_count,
        rep_count as roll_up_count,
        coalesce(owner_call_amount, rep_call_amount) as call_amount
    from node_calls
    where depth = 2
),

team_sums as (
    {{ forecast_call_child_sums('team_level') }}
),

region_rolled as (
    {{ forecast_call_roll_up('team_sums', 1) }}
),

region_level as (
    select
        *,
        coalesce(owner_call_amount, roll_up_amount) as call_amount
    from region_rolled
),

region_sums as (
    {{ forecast_call_child_sums('region_level') }}
),

company_rolled as (
    {{ forecast_call_roll_up('region_sums', 0) }}
),

company_level as (
    select
        *,
        coalesce(owner_call_amount, roll_up_amount) as call_amount
    from company_rolled
),

all_levels as (
    select * from team_level
    union all
    select * from region_level
    union all
    select * from company_level
),

final as (
    select
        all_levels.team_id || '|' || all_levels.period_id || '|'
        || cast(all_levels.week_of_period as {{ dbt.type_string() }}) || '|' || all_levels.forecast_category
            as forecast_call_id,
        teams.hierarchy_level,
        all_levels.team_id,
        teams.team_name,
        teams.parent_team_id,
        teams.region_id,
        teams.company_id,
        teams.hierarchy_path,
        all_levels.period_type,
        all_levels.fiscal_period,
        all_levels.period_start,
        all_levels.period_end,
        all_levels.period_start <= {{ as_of_date() }} and all_levels.period_end >= {{ as_of_date() }}
            as is_current_period,
        all_levels.week_of_period,
        all_levels.week_start,
        all_levels.week_end,
        all_levels.is_latest_week,
        all_levels.forecast_category,
        coalesce(all_levels.calling_owner_id, all_levels.named_owner_id) as owner_id,
        owner_users.rep_name as owner_name,
        {{ cents('all_levels.owner_call_amount') }} as owner_call_amount,
        all_levels.owner_submitted_at,
        {{ cents('all_levels.roll_up_amount') }} as roll_up_amount,
        cast(all_levels.roll_up_called_count as integer) as roll_up_called_count,
        cast(all_levels.roll_up_count as integer) as roll_up_count,
        {{ cents('all_levels.call_amount') }} as call_amount,
        case
            when all_levels.owner_call_amount is not null then 'owner'
            when all_levels.roll_up_amount is not null then 'roll_up'
        end as call_source,
        projections.projection_date,
        projections.projected_amount,
        team_performance.quota_amount,
        {{ as_of_date() }} as as_of_date
    from all_levels
    inner join teams
        on all_levels.team_id = teams.team_id
    left join reps as owner_users
        on
            coalesce(all_levels.calling_owner_id, all_levels.named_owner_id) = owner_users.rep_id
            and owner_users.is_current
    left join projections
        on
            all_levels.team_id = projections.team_id
            and all_levels.period_type = projections.period_type
            and all_levels.fiscal_period = projections.fiscal_period
            and all_levels.week_of_period = projections.week_of_period
            and projections.is_latest_in_week
    left join team_performance
        on
            all_levels.team_id = team_performance.team_id
            and all_levels.period_type = team_performance.period_type
            and all_levels.fiscal_period = team_performance.fiscal_period
)

select * from final
