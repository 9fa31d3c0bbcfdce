-- A failure means a company row in team_performance is not the sum of its regions plus
-- the rep-months assigned to the company node itself: a number leaks or is counted twice on the
-- way up the hierarchy. Each returned row is a node, period and measure with both figures.
{{ config(meta={'dagster': {'ref': {'name': 'team_performance'}}}) }}
{{ rollup_reconciliation(parent_level='company', child_level='region') }}
