-- A failure means the CRM roles do not form one company: several roles (or none) have no
-- parent, so "the company" row of team_performance is ambiguous or missing.
with

teams as (select * from {{ ref('dim_team') }}),

roots as (
    select count(*) as root_count
    from teams
    where parent_team_id is null
)

select *
from roots
where root_count <> 1
