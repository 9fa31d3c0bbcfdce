{#-
    Every change a week made to a deal's credited contribution to its quarter's bookings,
    open pipeline and commit pipeline (doc block weekly_change_causes), one row per deal,
    credited rep, quarter, week and measure whose amount moved. The deal's standing at the
    week's opening (int_fiscal_quarter_weeks_spined.opening_date; no standing if it did not
    exist yet) is compared with its standing at the week's cutoff; only these two standings
    count, so a change undone within the week is no change. The whole difference goes to
    one cause, the first that applies:

      won > lost > reopened > created > pushed_out > pulled_in > category_change
      > amount_increase / amount_decrease

    so a deal created and won in one week is `won`, a deal pushed out of the quarter whose
    amount also changed is `pushed_out` (at the amount it had), and a won deal's closing
    amount is part of `won`. `category_change` applies to the commit pipeline only (a deal
    open in the quarter moving into or out of the Commit category); bookings and open
    pipeline do not depend on the category, so there the same deal's amount edit is an
    amount change. Amounts are valued as in the pipeline waterfall: the state's amount x
    the opportunity's close-date rate x the rep's revenue credit share, in cents.
-#}
{%- set measures = ['bookings', 'open_pipeline', 'commit_pipeline'] -%}

with

states as (select * from {{ ref('int_opportunity_states_sequenced') }}),
weeks as (select * from {{ ref('int_fiscal_quarter_weeks_spined') }}),
credits as (select * from {{ ref('int_opportunity_credits_split') }}),
calendar_days as (select * from {{ ref('int_calendar_days_spined') }}),

week_days as (
    -- every day of every week up to its cutoff, so that a state finds its week by its start
    -- day (an equality join): joining every state with every week by range was a piecewise
    -- merge join, 14 of this model's 15 s on the large company
    select
        weeks.period_id,
        weeks.week_of_period,
        weeks.period_start,
        weeks.period_end,
        weeks.opening_date,
        weeks.cutoff_date,
        calendar_days.date_day
    from weeks
    inner join calendar_days
        on
            weeks.week_start <= calendar_days.date_day
            and weeks.cutoff_date >= calendar_days.date_day
),

changed_deal_weeks as (
    -- a deal's standing can only move in a week in which one of its states began
    select distinct
        states.opportunity_id,
        week_days.period_id,
        week_days.week_of_period,
        week_days.period_start,
        week_days.period_end,
        week_days.opening_date,
        week_days.cutoff_date
    from states
    inner join week_days
        on states.started_date = week_days.date_day
),

standings as (
    select
        changed_deal_weeks.*,
        opening.opportunity_id is not null as has_opening,
        coalesce(opening.is_closed, false) as opening_is_closed,
        coalesce(opening.is_won, false) as opening_is_won,
        coalesce(
            opening.close_date >= changed_deal_weeks.period_start
            and opening.close_date <= changed_deal_weeks.period_end,
            false
        ) as opening_in_quarter,
        opening.stage_name as opening_stage_name,
        opening.forecast_category as opening_forecast_category,
        opening.close_date as opening_close_date,
        coalesce(opening.local_amount, 0) as opening_local_amount,
        closing.is_closed as closing_is_closed,
        closing.is_won as closing_is_won,
        coalesce(
            closing.close_date >= changed_deal_weeks.period_start
            and closing.close_date <= changed_deal_weeks.period_end,
            false
        ) as closing_in_quarter,
        closing.stage_name as closing_stage_name,
        closing.forecast_category as closing_forecast_category,
        closing.close_date as closing_close_date,
        coalesce(closing.local_amount, 0) as closing_local_amount,
        closing.valuation_rate
    from changed_deal_weeks
    inner join states as closing
        on
            changed_deal_weeks.opportunity_id = closing.opportunity_id
            and changed_deal_weeks.cutoff_date >= closing.started_date
            and changed_deal_weeks.cutoff_date < coalesce(closing.next_started_date, cast('9999-12-31' as date))
    -- no `or` in a left join's condition: DuckDB would drop the hash join on the deal for a
    -- nested loop over every pair of rows (minutes on a large company instead of seconds)
    left join states as opening
        on
            changed_deal_weeks.opportunity_id = opening.opportunity_id
            and changed_deal_weeks.opening_date >= opening.started_date
            and changed_deal_weeks.opening_date < coalesce(opening.next_started_date, cast('9999-12-31' as date))
),

memberships as (
    -- whether each standing counts in each measure of the quarter
    select
        *,
        opening_is_won and opening_in_quarter as opening_in_bookings,
        closing_is_won and closing_in_quarter as closing_in_bookings,
        has_opening and not opening_is_closed and opening_in_quarter as opening_in_open_pipeline,
        not closing_is_closed and closing_in_quarter as closing_in_open_pipeline,
        has_opening and not opening_is_closed and opening_in_quarter
        and coalesce(opening_forecast_category = 'Commit', false) as opening_in_commit_pipeline,
        not closing_is_closed and closing_in_quarter
        and coalesce(closing_forecast_category = 'Commit', false) as closing_in_commit_pipeline,
        case
            when closing_is_won and not opening_is_won then 'won'
            when closing_is_closed and not closing_is_won and not (opening_is_closed and not opening_is_won)
                then 'lost'
            when not closing_is_closed and opening_is_closed then 'reopened'
            when not has_opening then 'created'
            when opening_in_quarter and not closing_in_quarter then 'pushed_out'
            when not opening_in_quarter and closing_in_quarter then 'pulled_in'
        end as status_cause
    from standings
),

measured as (
    {% for measure in measures %}
        select
            opportunity_id,
            period_id,
            week_of_period,
            '{{ measure }}' as measure,
            valuation_rate,
            case when opening_in_{{ measure }} then opening_local_amount else 0 end as opening_amount,
            case when closing_in_{{ measure }} then closing_local_amount else 0 end as closing_amount,
            {%- if measure == 'commit_pipeline' %}
                coalesce(
                    status_cause,
                    case when opening_in_commit_pipeline <> closing_in_commit_pipeline then 'category_change' end
                ) as status_cause,
            {%- else %}
                status_cause,
            {%- endif %}
            opening_stage_name,
            closing_stage_name,
            opening_forecast_category,
            closing_forecast_category,
            opening_close_date,
            closing_close_date
        from memberships
        where opening_in_{{ measure }} or closing_in_{{ measure }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

revenue_credits as (
    select
        opportunity_id,
        rep_id,
        credit_share
    from credits
    where credit_type = 'revenue'
),

credited as (
    select
        measured.*,
        revenue_credits.rep_id,
        {{ credited_cents('measured.opening_amount', 'measured.valuation_rate', 'revenue_credits.credit_share') }}
            as start_amount,
        {{ credited_cents('measured.closing_amount', 'measured.valuation_rate', 'revenue_credits.credit_share') }}
            as end_amount
    from measured
    inner join revenue_credits
        on measured.opportunity_id = revenue_credits.opportunity_id
),

final as (
    select
        opportunity_id || '|' || rep_id || '|' || period_id || '|'
        || cast(week_of_period as {{ dbt.type_string() }}) || '|' || measure as weekly_deal_change_id,
        opportunity_id,
        rep_id,
        period_id,
        week_of_period,
        measure,
        coalesce(
            status_cause,
            case when end_amount > start_amount then 'amount_increase' else 'amount_decrease' end
        ) as change_cause,
        start_amount,
        end_amount,
        {{ cents('end_amount - start_amount') }} as change_amount,
        opening_stage_name,
        closing_stage_name,
        opening_forecast_category,
        closing_forecast_category,
        opening_close_date,
        closing_close_date
    from credited
    where end_amount <> start_amount
)

select * from final
