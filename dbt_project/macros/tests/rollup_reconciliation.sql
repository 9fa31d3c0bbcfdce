{#
    The body of a singular test that checks one step of team_performance's roll-up: every
    `parent_level` row must equal the sum of its `child_level` rows plus the rep-months
    assigned to the parent node itself, for every period and additive measure. Returns one row
    per node, period and measure that disagrees (or exists on one side only), with both
    figures, so a number that leaks or is counted twice on the way up fails the test.
#}
{% macro rollup_reconciliation(parent_level, child_level) -%}
{%- set levels = ['company', 'region', 'team'] -%}
{%- if parent_level not in levels or child_level not in levels
      or levels.index(child_level) != levels.index(parent_level) + 1 -%}
    {{ exceptions.raise_compiler_error(
        "rollup_reconciliation(parent_level=" ~ parent_level ~ ", child_level=" ~ child_level
        ~ "): the child level must be the level right below the parent in " ~ levels | join(" > ")) }}
{%- endif -%}
{%- set measures = ['quota_amount', 'bookings_amount', 'overlay_credit_amount', 'won_count', 'lost_count',
                    'lost_amount', 'pipeline_created_amount', 'open_pipeline_amount',
                    'weighted_pipeline_amount', 'open_opportunity_count', 'activity_count'] -%}
with

team_performance as (select * from {{ ref('team_performance') }}),
rep_months as (select * from {{ ref('int_rep_months_aggregated') }}),
month_periods as (select * from {{ ref('int_fiscal_month_periods_mapped') }}),

parents as (
    select *
    from team_performance
    where hierarchy_level = '{{ parent_level }}'
),

children as (
    select *
    from team_performance
    where hierarchy_level = '{{ child_level }}'
),

child_sums as (
    select
        parent_team_id as team_id,
        period_type,
        fiscal_period,
        {% for m in measures %}cast(sum({{ m }}) as decimal(38, 2)) as {{ m }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from children
    group by parent_team_id, period_type, fiscal_period
),

direct_sums as (
    select
        rep_months.team_id,
        month_periods.period_type,
        month_periods.fiscal_period,
        {% for m in measures %}cast(sum(rep_months.{{ m }}) as decimal(38, 2)) as {{ m }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from rep_months
    inner join month_periods
        on rep_months.fiscal_month_start = month_periods.fiscal_month_start
    where rep_months.team_id in (select team_id from parents)
    group by rep_months.team_id, month_periods.period_type, month_periods.fiscal_period
),

expected as (
    select
        team_id,
        period_type,
        fiscal_period,
        {% for m in measures %}sum({{ m }}) as {{ m }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from (
        select * from child_sums
        union all
        select * from direct_sums
    ) as contributions
    group by team_id, period_type, fiscal_period
),

compared as (
    {% for m in measures %}
    select
        coalesce(parents.team_id, expected.team_id) as team_id,
        coalesce(parents.period_type, expected.period_type) as period_type,
        coalesce(parents.fiscal_period, expected.fiscal_period) as fiscal_period,
        '{{ m }}' as measure,
        cast(parents.{{ m }} as decimal(38, 2)) as node_value,
        cast(expected.{{ m }} as decimal(38, 2)) as sum_value
    from parents
    full outer join expected
        on parents.team_id = expected.team_id
        and parents.period_type = expected.period_type
        and parents.fiscal_period = expected.fiscal_period
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select *
from compared
where
    coalesce(node_value, -1) <> coalesce(sum_value, -1)
    or (node_value is null) <> (sum_value is null)
{%- endmacro %}
