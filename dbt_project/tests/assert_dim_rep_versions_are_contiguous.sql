-- A failure means a rep's versions in dim_rep overlap, leave a gap, or the rep has not
-- exactly one current version: a fact joined on rep and date would then find two teams, or
-- none. Each returned row is a rep version that breaks the chain.
with

dim_rep as (select * from {{ ref('dim_rep') }}),

chained as (
    select
        rep_id,
        rep_key,
        valid_from,
        valid_to,
        is_current,
        lead(valid_from) over (partition by rep_id order by valid_from) as next_valid_from,
        sum(case when is_current then 1 else 0 end) over (partition by rep_id) as current_versions
    from dim_rep
)

select *
from chained
where
    current_versions <> 1
    or (next_valid_from is not null and next_valid_from <> {{ add_days('valid_to', 1) }})
    or (next_valid_from is null and valid_to is not null)
