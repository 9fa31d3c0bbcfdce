{#-
    Who needs help with what: per rep and fiscal quarter, their win rate, average deal size,
    sales cycle and activities per opportunity against the median of the reps of their team
    that quarter, their stage conversion (over the four quarters ending with this one)
    against the team median at each stage, the stage where they fall furthest behind, and
    one plain-language signal: the largest relative shortfall among
    - a stage conversion at least 10 points below the team median (the rep having at least
      5 decided deals there): "loses deals in Negotiation: 38% vs team 61%";
    - a win rate at least 10 points below (at least 5 closed deals);
    - an average deal size below 75% of the team median;
    - a sales cycle above 125% of the team median;
    - activities per opportunity below 75% of the team median;
    else "on par with the team". The rep's team is their team in rep_performance.

    Reps who left keep their quarters here (they count in the team medians of the quarters
    they worked), marked `has_left`; the coaching lists show `is_active_on_as_of` reps only.
-#}
{%- set min_decided = 5 -%}

with

rep_performance as (select * from {{ ref('rep_performance') }}),
stage_conversions as (select * from {{ ref('int_rep_quarter_stage_conversions_measured') }}),
activities as (select * from {{ ref('int_rep_quarter_activities_aggregated') }}),
quarters as (select * from {{ ref('int_fiscal_quarters_ranked') }}),

rep_quarters as (
    select
        rep_performance.rep_id,
        rep_performance.rep_name,
        rep_performance.team_id,
        rep_performance.team_name,
        quarters.period_id,
        rep_performance.fiscal_period,
        rep_performance.period_start,
        rep_performance.period_end,
        rep_performance.won_count,
        rep_performance.lost_count,
        rep_performance.win_rate,
        rep_performance.avg_deal_size,
        rep_performance.avg_sales_cycle_days,
        rep_performance.has_left,
        rep_performance.left_on,
        rep_performance.is_active_on_as_of,
        activities.activities_per_opportunity
    from rep_performance
    inner join quarters
        on
            rep_performance.period_type = 'quarter'
            and rep_performance.fiscal_period = quarters.fiscal_period
    left join activities
        on
            rep_performance.rep_id = activities.rep_id
            and quarters.period_id = activities.period_id
    where rep_performance.role = 'rep' and quarters.quarters_ago >= 0
),

team_medians as (
    select
        team_id,
        period_id,
        {{ median('win_rate') }} as team_median_win_rate,
        {{ median_of_cents('avg_deal_size') }} as team_median_avg_deal_size,
        {{ median('avg_sales_cycle_days') }} as team_median_sales_cycle_days,
        {{ median('activities_per_opportunity') }} as team_median_activities_per_opportunity
    from rep_quarters
    group by team_id, period_id
),

rep_stages as (
    select
        rep_quarters.rep_id,
        rep_quarters.team_id,
        rep_quarters.period_id,
        stage_conversions.stage_name,
        stage_conversions.stage_order,
        stage_conversions.advanced_count + stage_conversions.lost_in_stage_count as decided_count,
        stage_conversions.conversion_rate
    from rep_quarters
    inner join stage_conversions
        on
            rep_quarters.rep_id = stage_conversions.rep_id
            and rep_quarters.period_id = stage_conversions.period_id
),

team_stage_medians as (
    select
        team_id,
        period_id,
        stage_name,
        {{ median('conversion_rate') }} as team_stage_conversion
    from rep_stages
    group by team_id, period_id, stage_name
),

stage_gaps as (
    select
        rep_stages.*,
        team_stage_medians.team_stage_conversion,
        team_stage_medians.team_stage_conversion - rep_stages.conversion_rate as conversion_gap,
        row_number() over (
            partition by rep_stages.rep_id, rep_stages.period_id
            order by
                team_stage_medians.team_stage_conversion - rep_stages.conversion_rate desc,
                rep_stages.stage_order
        ) as gap_rank
    from rep_stages
    inner join team_stage_medians
        on
            rep_stages.team_id = team_stage_medians.team_id
            and rep_stages.period_id = team_stage_medians.period_id
            and rep_stages.stage_name = team_stage_medians.stage_name
    where rep_stages.decided_count >= {{ min_decided }} and rep_stages.conversion_rate is not null
),

weakest_stages as (
    select *
    from stage_gaps
    where gap_rank = 1
),

compared as (
    select
        rep_quarters.*,
        team_medians.team_median_win_rate,
        team_medians.team_median_avg_deal_size,
        team_medians.team_median_sales_cycle_days,
        team_medians.team_median_activities_per_opportunity,
        weakest_stages.stage_name as weakest_stage,
        weakest_stages.conversion_rate as stage_conversion,
        weakest_stages.team_stage_conversion,
        weakest_stages.conversion_gap
    from rep_quarters
    inner join team_medians
        on
            rep_quarters.team_id = team_medians.team_id
            and rep_quarters.period_id = team_medians.period_id
    left join weakest_stages
        on
            rep_quarters.rep_id = weakest_stages.rep_id
            and rep_quarters.period_id = weakest_stages.period_id
),

candidates as (
    select
        rep_id,
        period_id,
        'stage_conversion' as signal_type,
        conversion_gap / team_stage_conversion as severity,
        'loses deals in ' || weakest_stage || ': ' || {{ percent_text('stage_conversion') }}
        || ' vs team ' || {{ percent_text('team_stage_conversion') }} as signal  -- noqa: RF04
    from compared
    where conversion_gap >= 0.10 and team_stage_conversion > 0
    union all
    select
        rep_id,
        period_id,
        'win_rate' as signal_type,
        (team_median_win_rate - win_rate) / team_median_win_rate as severity,
        'wins fewer deals: ' || {{ percent_text('win_rate') }}
        || ' vs team ' || {{ percent_text('team_median_win_rate') }} as signal  -- noqa: RF04
    from compared
    where
        won_count + lost_count >= {{ min_decided }}
        and team_median_win_rate - win_rate >= 0.10
        and team_median_win_rate > 0
    union all
    select
        rep_id,
        period_id,
        'deal_size' as signal_type,
        1 - {{ divide('avg_deal_size', 'team_median_avg_deal_size') }} as severity,
        'smaller deals: ' || {{ whole_text('avg_deal_size') }} || ' vs team '
        || {{ whole_text('team_median_avg_deal_size') }} || ' ' || {{ corporate_currency() }}
        || ' on average' as signal  -- noqa: RF04
    from compared
    where team_median_avg_deal_size > 0 and avg_deal_size < 0.75 * team_median_avg_deal_size
    union all
    select
        rep_id,
        period_id,
        'sales_cycle' as signal_type,
        avg_sales_cycle_days / team_median_sales_cycle_days - 1 as severity,
        'slower cycle: ' || {{ whole_text('avg_sales_cycle_days') }} || ' days vs team '
        || {{ whole_text('team_median_sales_cycle_days') }} as signal  -- noqa: RF04
    from compared
    where
        team_median_sales_cycle_days > 0
        and avg_sales_cycle_days > 1.25 * team_median_sales_cycle_days
    union all
    select
        rep_id,
        period_id,
        'activity' as signal_type,
        1 - activities_per_opportunity / team_median_activities_per_opportunity as severity,
        'fewer activities per deal: ' || {{ whole_text('activities_per_opportunity') }}
        || ' vs team ' || {{ whole_text('team_median_activities_per_opportunity') }} as signal  -- noqa: RF04
    from compared
    where
        team_median_activities_per_opportunity > 0
        and activities_per_opportunity < 0.75 * team_median_activities_per_opportunity
),

ranked_candidates as (
    select
        *,
        row_number() over (partition by rep_id, period_id order by severity desc, signal_type asc) as signal_rank
    from candidates
),

final as (
    select
        compared.rep_id || '|' || compared.period_id as coaching_signal_id,
        compared.rep_id,
        compared.rep_name,
        compared.team_id,
        compared.team_name,
        'quarter' as period_type,
        compared.fiscal_period,
        compared.period_start,
        compared.period_end,
        compared.won_count,
        compared.lost_count,
        compared.win_rate,
        cast(compared.team_median_win_rate as {{ type_double() }}) as team_median_win_rate,
        compared.avg_deal_size,
        {{ cents('compared.team_median_avg_deal_size') }} as team_median_avg_deal_size,
        compared.avg_sales_cycle_days,
        cast(compared.team_median_sales_cycle_days as {{ type_double() }}) as team_median_sales_cycle_days,
        cast(compared.activities_per_opportunity as {{ type_double() }}) as activities_per_opportunity,
        cast(compared.team_median_activities_per_opportunity as {{ type_double() }})
            as team_median_activities_per_opportunity,
        compared.weakest_stage,
        cast(compared.stage_conversion as {{ type_double() }}) as stage_conversion,
        cast(compared.team_stage_conversion as {{ type_double() }}) as team_stage_conversion,
        coalesce(ranked_candidates.signal_type, 'on_par') as signal_type,
        coalesce(ranked_candidates.signal, 'on par with the team') as signal,  -- noqa: RF04
        compared.has_left,
        compared.left_on,
        compared.is_active_on_as_of,
        {{ as_of_date() }} as as_of_date
    from compared
    left join ranked_candidates
        on
            compared.rep_id = ranked_candidates.rep_id
            and compared.period_id = ranked_candidates.period_id
            and ranked_candidates.signal_rank = 1
)

select * from final
