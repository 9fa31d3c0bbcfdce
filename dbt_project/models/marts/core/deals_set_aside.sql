-- What every total of the marts leaves out: the deals held in quarantine, per broken rule, so
-- that the overview and the leadership digest can say so beside the headline. A split set
-- aside (split rules) leaves its deal counted, so only whole deals are here; a deal that breaks
-- two rules counts under each rule and once in the total.
with

quarantined as (
    select opportunity_id, rule
    from {{ ref('quarantine_opportunities') }}
    where split_id is null
),

per_rule as (
    select rule, count(distinct opportunity_id) as deal_count
    from quarantined
    group by rule
),

total as (
    select count(distinct opportunity_id) as total_deals
    from quarantined
)

select
    per_rule.rule,
    replace(per_rule.rule, '_', ' ') as rule_name,
    per_rule.deal_count,
    total.total_deals
from per_rule
cross join total
