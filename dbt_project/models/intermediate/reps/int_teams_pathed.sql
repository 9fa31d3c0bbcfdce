{#-
    The sales hierarchy from the CRM's roles: company (no parent) -> regions -> teams, each
    node with its path up to the company. The CRM keeps only the current hierarchy, so this is
    the hierarchy as it stands; team membership over time comes from the assignments.
-#}
with

roles as (select * from {{ ref('stg_crm__user_roles') }}),

with_ancestors as (
    select
        roles.role_id,
        roles.role_name,
        roles.parent_role_id,
        parents.role_name as parent_role_name,
        parents.parent_role_id as grandparent_role_id,
        grandparents.role_name as grandparent_role_name,
        grandparents.parent_role_id as great_grandparent_role_id
    from roles
    left join roles as parents
        on roles.parent_role_id = parents.role_id
    left join roles as grandparents
        on parents.parent_role_id = grandparents.role_id
),

with_depth as (
    select
        *,
        case
            when parent_role_id is null then 0
            when grandparent_role_id is null then 1
            when great_grandparent_role_id is null then 2
            else 3
        end as depth
    from with_ancestors
),

final as (
    select
        role_id as team_id,
        role_name as team_name,
        depth,
        case depth
            when 0 then 'company'
            when 1 then 'region'
            when 2 then 'team'
            else 'deeper_than_team'
        end as hierarchy_level,
        parent_role_id as parent_team_id,
        case depth
            when 0 then role_id
            when 1 then parent_role_id
            when 2 then grandparent_role_id
        end as company_id,
        case depth
            when 0 then role_name
            when 1 then parent_role_name
            when 2 then grandparent_role_name
        end as company_name,
        case depth
            when 1 then role_id
            when 2 then parent_role_id
        end as region_id,
        case depth
            when 1 then role_name
            when 2 then parent_role_name
        end as region_name,
        case depth
            when 0 then role_name
            when 1 then parent_role_name || ' > ' || role_name
            when 2 then grandparent_role_name || ' > ' || parent_role_name || ' > ' || role_name
        end as hierarchy_path
    from with_depth
)

select * from final
