{#-
    Whom a manager should coach this week, and about what: one row per rep (role rep, in a
    team on the as-of date, not left: `dim_rep.has_left` is false) for the
    quarter containing the as-of date.

    money_at_stake_amount orders them: the rep's shortfall to quota pace this quarter
    (expected by today minus booked, when behind; rep_pacing) plus the open amount of their
    deals to review (coaching_review_deals: stalled, slipped out of this quarter and still
    open, past due, undated or without an amount), so the reps with the most money in play
    come first whatever their team order.

    reason_text is the one gap that matters most, the largest relative gap among
    - pace: any shortfall, relative to what was expected by today;
    - win rate over the last two quarters (this one and the one before) at least 10 points
      below the team median (at least 5 closed deals);
    - average deal size over the last two quarters below 75% of the team median;
    - sales cycle over the last two quarters above 125% of the team median;
    - the stage where the rep converts furthest below the team median (coaching_signals:
      10+ points, over the four quarters ending with this one);
    - the deals to review: their amount relative to what was expected by today (0 without
      a quota, so then they are the reason only when there is no gap);
    stated with its figures ("win rate 8% vs team 24% over the last 2 quarters", "2 deals to
    review worth $80k: 1 stalled, 1 past due"). Team medians are over the team's reps of
    this list (leavers excluded).

    Reps with money at stake or a reason are ranked in their team, region and company
    (1 = coach first); the others have no rank.
-#}
{%- set min_decided = 5 -%}

with

reps as (select * from {{ ref('dim_rep') }}),
pacing as (select * from {{ ref('rep_pacing') }}),
performance as (select * from {{ ref('rep_performance') }}),
quarters as (select * from {{ ref('int_fiscal_quarters_ranked') }}),
signals as (select * from {{ ref('coaching_signals') }}),
review_deals as (select * from {{ ref('coaching_review_deals') }}),

current_quarter as (
    select
        period_id,
        fiscal_period,
        period_start,
        period_end
    from quarters
    where quarters_ago = 0
),

roster as (
    select
        reps.rep_id,
        reps.rep_name,
        reps.team_id,
        reps.team_name,
        reps.region_id,
        reps.region_name,
        reps.manager_id,
        reps.manager_name
    from reps
    where
        reps.role = 'rep'
        and reps.team_id is not null
        and reps.valid_from <= {{ as_of_date() }}
        and (reps.valid_to is null or reps.valid_to >= {{ as_of_date() }})
        -- one rule for who has left (dim_rep, macros/people.sql), as on every list
        and not reps.has_left
),

quarter_pace as (
    select
        pacing.rep_id,
        sum(pacing.quota_amount) as quota_amount,
        sum(pacing.bookings_to_date_amount) as bookings_to_date_amount,
        sum(pacing.expected_to_date_amount) as expected_to_date_amount
    from pacing
    inner join current_quarter
        on pacing.fiscal_period = current_quarter.fiscal_period
    where pacing.period_type = 'quarter'
    group by pacing.rep_id
),

two_quarters as (
    select
        performance.rep_id,
        sum(performance.won_count) as won_count,
        sum(performance.lost_count) as lost_count,
        sum(performance.bookings_amount) as bookings_amount,
        sum(performance.won_cycle_days_sum) as won_cycle_days_sum,
        sum(performance.won_count - performance.cycle_excluded_count) as cycle_won_count
    from performance
    inner join quarters
        on
            performance.period_type = 'quarter'
            and performance.fiscal_period = quarters.fiscal_period
    where quarters.quarters_ago in (0, 1)
    group by performance.rep_id
),

two_quarter_rates as (
    select
        rep_id,
        won_count,
        lost_count,
        {{ safe_ratio('won_count', 'won_count + lost_count') }} as win_rate,
        {{ safe_ratio('bookings_amount', 'won_count') }} as avg_deal_size,
        {{ safe_ratio('won_cycle_days_sum', 'cycle_won_count') }} as avg_sales_cycle_days
    from two_quarters
),

weakest_stages as (
    select
        signals.rep_id,
        signals.weakest_stage,
        signals.stage_conversion,
        signals.team_stage_conversion
    from signals
    inner join current_quarter
        on signals.fiscal_period = current_quarter.fiscal_period
    where signals.team_stage_conversion - signals.stage_conversion >= 0.10
),

review_totals as (
    select
        rep_id,
        count(*) as review_deal_count,
        sum(coalesce(amount, 0)) as review_deals_amount,
        sum(case when is_stalled then 1 else 0 end) as stalled_count,
        sum(case when is_slipped then 1 else 0 end) as slipped_count,
        sum(case when is_past_due then 1 else 0 end) as past_due_count,
        sum(case when is_undated then 1 else 0 end) as undated_count,
        sum(case when is_amount_missing then 1 else 0 end) as no_amount_count,
        sum(case when is_next_step_missing then 1 else 0 end) as no_next_step_count
    from review_deals
    group by rep_id
),

review_summaries as (
    select
        rep_id,
        review_deal_count,
        review_deals_amount,
        concat_ws(
            ', ',
            case when stalled_count > 0 then {{ whole_text('stalled_count') }} || ' stalled' end,
            case when slipped_count > 0 then {{ whole_text('slipped_count') }} || ' slipped' end,
            case when past_due_count > 0 then {{ whole_text('past_due_count') }} || ' past due' end,
            case
                when undated_count > 0 then {{ whole_text('undated_count') }} || ' without a close date'
            end,
            case
                when no_amount_count > 0 then {{ whole_text('no_amount_count') }} || ' without an amount'
            end,
            case
                when no_next_step_count > 0
                    then {{ whole_text('no_next_step_count') }} || ' without a next step'
            end
        ) as review_problems
    from review_totals
),

measured as (
    select
        roster.*,
        current_quarter.fiscal_period,
        current_quarter.period_start,
        current_quarter.period_end,
        quarter_pace.quota_amount,
        quarter_pace.bookings_to_date_amount,
        quarter_pace.expected_to_date_amount,
        case
            when quarter_pace.quota_amount > 0
                then greatest(
                    quarter_pace.expected_to_date_amount - quarter_pace.bookings_to_date_amount, 0
                )
        end as pace_shortfall_amount,
        coalesce(two_quarter_rates.won_count, 0) as won_count,
        coalesce(two_quarter_rates.lost_count, 0) as lost_count,
        two_quarter_rates.win_rate,
        two_quarter_rates.avg_deal_size,
        two_quarter_rates.avg_sales_cycle_days,
        weakest_stages.weakest_stage,
        weakest_stages.stage_conversion,
        weakest_stages.team_stage_conversion,
        coalesce(review_summaries.review_deal_count, 0) as review_deal_count,
        coalesce(review_summaries.review_deals_amount, 0) as review_deals_amount,
        review_summaries.review_problems
    from roster
    cross join current_quarter
    left join quarter_pace
        on roster.rep_id = quarter_pace.rep_id
    left join two_quarter_rates
        on roster.rep_id = two_quarter_rates.rep_id
    left join weakest_stages
        on roster.rep_id = weakest_stages.rep_id
    left join review_summaries
        on roster.rep_id = review_summaries.rep_id
),

team_medians as (
    select
        team_id,
        {{ median('win_rate') }} as team_median_win_rate,
        {{ median('avg_deal_size') }} as team_median_avg_deal_size,
        {{ median('avg_sales_cycle_days') }} as team_median_sales_cycle_days
    from measured
    group by team_id
),

compared as (
    select
        measured.*,
        team_medians.team_median_win_rate,
        team_medians.team_median_avg_deal_size,
        team_medians.team_median_sales_cycle_days
    from measured
    inner join team_medians
        on measured.team_id = team_medians.team_id
),

candidates as (
    select
        rep_id,
        'pace' as reason_metric,
        cast(bookings_to_date_amount as {{ type_double() }}) as reason_value,
        cast(expected_to_date_amount as {{ type_double() }}) as reason_benchmark,
        {{ divide('pace_shortfall_amount', 'expected_to_date_amount') }} as severity,
        'behind pace by ' || {{ amount_text('pace_shortfall_amount') }} || ': '
        || {{ amount_text('bookings_to_date_amount') }} || ' booked vs '
        || {{ amount_text('expected_to_date_amount') }} || ' expected by today this quarter'
            as reason_text  -- noqa: RF04
    from compared
    where pace_shortfall_amount > 0 and expected_to_date_amount > 0
    union all
    select
        rep_id,
        'win_rate' as reason_metric,
        win_rate as reason_value,
        team_median_win_rate as reason_benchmark,
        (team_median_win_rate - win_rate) / team_median_win_rate as severity,
        'win rate ' || {{ percent_text('win_rate') }} || ' vs team '
        || {{ percent_text('team_median_win_rate') }} || ' over the last 2 quarters ('
        || {{ whole_text('won_count') }} || ' won of '
        || {{ whole_text('won_count + lost_count') }} || ' closed)' as reason_text  -- noqa: RF04
    from compared
    where
        won_count + lost_count >= {{ min_decided }}
        and team_median_win_rate - win_rate >= 0.10
        and team_median_win_rate > 0
    union all
    select
        rep_id,
        'deal_size' as reason_metric,
        avg_deal_size as reason_value,
        team_median_avg_deal_size as reason_benchmark,
        1 - {{ divide('avg_deal_size', 'team_median_avg_deal_size') }} as severity,
        'average deal ' || {{ amount_text('avg_deal_size') }} || ' vs team '
        || {{ amount_text('team_median_avg_deal_size') }} || ' over the last 2 quarters'
            as reason_text  -- noqa: RF04
    from compared
    where team_median_avg_deal_size > 0 and avg_deal_size < 0.75 * team_median_avg_deal_size
    union all
    select
        rep_id,
        'sales_cycle' as reason_metric,
        avg_sales_cycle_days as reason_value,
        team_median_sales_cycle_days as reason_benchmark,
        avg_sales_cycle_days / team_median_sales_cycle_days - 1 as severity,
        'sales cycle ' || {{ whole_text('avg_sales_cycle_days') }} || ' days vs team '
        || {{ whole_text('team_median_sales_cycle_days') }} || ' over the last 2 quarters'
            as reason_text  -- noqa: RF04
    from compared
    where
        team_median_sales_cycle_days > 0
        and avg_sales_cycle_days > 1.25 * team_median_sales_cycle_days
    union all
    select
        rep_id,
        'stage_conversion' as reason_metric,
        stage_conversion as reason_value,
        team_stage_conversion as reason_benchmark,
        (team_stage_conversion - stage_conversion) / team_stage_conversion as severity,
        'converts ' || {{ percent_text('stage_conversion') }} || ' of deals in '
        || weakest_stage || ' vs team ' || {{ percent_text('team_stage_conversion') }}
        || ' over the last 4 quarters' as reason_text  -- noqa: RF04
    from compared
    where team_stage_conversion > 0
    union all
    select
        rep_id,
        'deals_to_review' as reason_metric,
        cast(review_deal_count as {{ type_double() }}) as reason_value,
        cast(null as {{ type_double() }}) as reason_benchmark,
        coalesce({{ divide('review_deals_amount', 'nullif(expected_to_date_amount, 0)') }}, 0) as severity,
        cast(review_deal_count as {{ dbt.type_string() }})
        || case when review_deal_count = 1 then ' deal' else ' deals' end
        || ' to review worth ' || {{ amount_text('review_deals_amount') }}
        || ': ' || review_problems as reason_text  -- noqa: RF04
    from compared
    where review_deal_count > 0
),

ranked_candidates as (
    select
        *,
        row_number() over (
            partition by rep_id order by severity desc, reason_metric asc
        ) as reason_rank
    from candidates
),

reasoned as (
    select
        compared.*,
        coalesce(compared.pace_shortfall_amount, 0) + compared.review_deals_amount
            as money_at_stake_amount,
        ranked_candidates.reason_metric,
        ranked_candidates.reason_value,
        ranked_candidates.reason_benchmark,
        ranked_candidates.reason_text,
        ranked_candidates.severity
    from compared
    left join ranked_candidates
        on
            compared.rep_id = ranked_candidates.rep_id
            and ranked_candidates.reason_rank = 1
),

flagged as (
    select
        *,
        money_at_stake_amount > 0 or reason_metric is not null as is_coaching_candidate
    from reasoned
),

ranked as (
    select
        *,
        case
            when is_coaching_candidate
                then row_number() over (
                    partition by team_id, is_coaching_candidate
                    order by money_at_stake_amount desc, severity desc nulls last, rep_name asc, rep_id asc
                )
        end as priority_rank_in_team,
        case
            when is_coaching_candidate
                then row_number() over (
                    partition by region_id, is_coaching_candidate
                    order by money_at_stake_amount desc, severity desc nulls last, rep_name asc, rep_id asc
                )
        end as priority_rank_in_region,
        case
            when is_coaching_candidate
                then row_number() over (
                    partition by is_coaching_candidate
                    order by money_at_stake_amount desc, severity desc nulls last, rep_name asc, rep_id asc
                )
        end as priority_rank_in_company
    from flagged
),

final as (
    select
        rep_id || '|' || fiscal_period as coaching_priority_id,
        rep_id,
        rep_name,
        team_id,
        team_name,
        region_id,
        region_name,
        manager_id,
        manager_name,
        fiscal_period,
        period_start,
        period_end,
        cast(priority_rank_in_team as integer) as priority_rank_in_team,
        cast(priority_rank_in_region as integer) as priority_rank_in_region,
        cast(priority_rank_in_company as integer) as priority_rank_in_company,
        is_coaching_candidate,
        {{ cents('money_at_stake_amount') }} as money_at_stake_amount,
        {{ cents('pace_shortfall_amount') }} as pace_shortfall_amount,
        cast(review_deal_count as integer) as review_deal_count,
        {{ cents('review_deals_amount') }} as review_deals_amount,
        review_problems,
        coalesce(reason_metric, 'none') as reason_metric,
        cast(reason_value as {{ type_double() }}) as reason_value,
        cast(reason_benchmark as {{ type_double() }}) as reason_benchmark,
        coalesce(reason_text, 'on pace, on par with the team, no deal to review') as reason_text,  -- noqa: RF04
        {{ cents('quota_amount') }} as quota_amount,
        {{ cents('bookings_to_date_amount') }} as bookings_to_date_amount,
        {{ cents('expected_to_date_amount') }} as expected_to_date_amount,
        cast(won_count as integer) as won_count,
        cast(lost_count as integer) as lost_count,
        cast(win_rate as {{ type_double() }}) as win_rate,
        cast(team_median_win_rate as {{ type_double() }}) as team_median_win_rate,
        {{ as_of_date() }} as as_of_date
    from ranked
)

select * from final
