{#-
    The rep KPIs for every node of the hierarchy (team, region, company) and fiscal period.
    A node is the sum of the rep-months that roll up to it: each rep-month counts in the team
    the rep belonged to at the month's end (or last working day), in that team's region and
    in the company. So a transfer keeps history (each month stays with the team it was
    earned in), and every node equals the sum of its reps and of its child nodes.
-#}
with

rep_months as (select * from {{ ref('int_rep_months_aggregated') }}),
month_periods as (select * from {{ ref('int_fiscal_month_periods_mapped') }}),
periods as (select * from {{ ref('int_fiscal_periods_aggregated') }}),
teams as (select * from {{ ref('int_teams_pathed') }}),

rep_month_nodes as (
    -- a rep's row counts in its team, that team's region and the company
    {{ rollup_to_hierarchy('rep_months', 'teams') }}
),

node_periods as (
    select
        rep_month_nodes.node_id,
        month_periods.period_id,
        month_periods.period_type,
        month_periods.fiscal_period,
        count(distinct rep_month_nodes.rep_id) as rep_count,
        count(distinct case when rep_month_nodes.is_ramping then rep_month_nodes.rep_id end)
            as ramping_rep_count,
        sum(rep_month_nodes.quota_amount) as quota_amount,
        sum(rep_month_nodes.bookings_amount) as bookings_amount,
        sum(rep_month_nodes.overlay_credit_amount) as overlay_credit_amount,
        sum(rep_month_nodes.won_count) as won_count,
        sum(rep_month_nodes.lost_count) as lost_count,
        sum(rep_month_nodes.lost_amount) as lost_amount,
        sum(rep_month_nodes.won_cycle_days_sum) as won_cycle_days_sum,
        sum(rep_month_nodes.won_cycle_count) as won_cycle_count,
        sum(rep_month_nodes.pipeline_created_amount) as pipeline_created_amount,
        sum(rep_month_nodes.created_count) as created_count,
        sum(rep_month_nodes.open_pipeline_amount) as open_pipeline_amount,
        sum(rep_month_nodes.weighted_pipeline_amount) as weighted_pipeline_amount,
        sum(rep_month_nodes.open_opportunity_count) as open_opportunity_count,
        sum(rep_month_nodes.activity_count) as activity_count
    from rep_month_nodes
    inner join month_periods
        on rep_month_nodes.fiscal_month_start = month_periods.fiscal_month_start
    group by
        rep_month_nodes.node_id,
        month_periods.period_id,
        month_periods.period_type,
        month_periods.fiscal_period
),

measured as (
    select
        node_periods.*,
        periods.fiscal_year,
        periods.period_start,
        periods.period_end,
        {{ safe_ratio('node_periods.bookings_amount', 'node_periods.quota_amount') }} as attainment,
        {{ safe_ratio('node_periods.won_count', 'node_periods.won_count + node_periods.lost_count') }}
            as win_rate,
        {{ safe_ratio('node_periods.bookings_amount', 'node_periods.bookings_amount + node_periods.lost_amount') }}
            as win_rate_value,
        case
            when node_periods.won_count > 0
                then {{ cents(divide('node_periods.bookings_amount', 'node_periods.won_count')) }}
        end as avg_deal_size,
        {{ safe_ratio('node_periods.won_cycle_days_sum', 'node_periods.won_cycle_count') }}
            as avg_sales_cycle_days,
        node_periods.won_count - node_periods.won_cycle_count as cycle_excluded_count,
        case
            when node_periods.quota_amount - node_periods.bookings_amount > 0
                then {{ safe_ratio(
                    'node_periods.open_pipeline_amount',
                    'node_periods.quota_amount - node_periods.bookings_amount'
                ) }}
        end as coverage
    from node_periods
    inner join periods
        on node_periods.period_id = periods.period_id
),

final as (
    select
        measured.node_id || '|' || measured.period_id as team_period_id,
        measured.node_id as team_id,
        teams.team_name,
        teams.hierarchy_level,
        teams.parent_team_id,
        teams.region_id,
        teams.company_id,
        teams.hierarchy_path,
        measured.period_type,
        measured.fiscal_period,
        cast(measured.fiscal_year as integer) as fiscal_year,
        measured.period_start,
        measured.period_end,
        measured.period_start <= {{ as_of_date() }} and measured.period_end >= {{ as_of_date() }}
            as is_current_period,
        measured.period_end < {{ as_of_date() }} as is_closed_period,
        cast(measured.rep_count as {{ dbt.type_bigint() }}) as rep_count,
        cast(measured.ramping_rep_count as {{ dbt.type_bigint() }}) as ramping_rep_count,
        {{ cents('measured.quota_amount') }} as quota_amount,
        {{ cents('measured.bookings_amount') }} as bookings_amount,
        {{ cents('measured.overlay_credit_amount') }} as overlay_credit_amount,
        measured.attainment,
        cast(measured.won_count as {{ dbt.type_bigint() }}) as won_count,
        cast(measured.lost_count as {{ dbt.type_bigint() }}) as lost_count,
        {{ cents('measured.lost_amount') }} as lost_amount,
        measured.win_rate,
        measured.win_rate_value,
        measured.avg_deal_size,
        cast(measured.won_cycle_days_sum as {{ dbt.type_bigint() }}) as won_cycle_days_sum,
        measured.avg_sales_cycle_days,
        cast(measured.cycle_excluded_count as {{ dbt.type_bigint() }}) as cycle_excluded_count,
        {{ cents('measured.pipeline_created_amount') }} as pipeline_created_amount,
        cast(measured.created_count as {{ dbt.type_bigint() }}) as created_count,
        {{ cents('measured.open_pipeline_amount') }} as open_pipeline_amount,
        {{ cents('measured.weighted_pipeline_amount') }} as weighted_pipeline_amount,
        cast(measured.open_opportunity_count as {{ dbt.type_bigint() }}) as open_opportunity_count,
        measured.coverage,
        cast(measured.activity_count as {{ dbt.type_bigint() }}) as activity_count,
        {{ as_of_date() }} as as_of_date
    from measured
    inner join teams
        on measured.node_id = teams.team_id
)

select * from final
